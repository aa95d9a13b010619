"""Pace, fillers and pauses from words (vision.speech.pace), their text (reports.format), and the
transcript's place in the store (schema v4)."""

from __future__ import annotations

import sqlite3

import pytest

from poise.vision.reports.format import NOT_MEASURED, fmt_fillers, fmt_pace, fmt_wpm
from poise.vision.sessions import migrations
from poise.vision.sessions.store import SessionStore, StoreError
from poise.vision.speech.pace import (MAX_SPEAKING_GAP_S, MIN_WORDS_FOR_RATE, PACE_FAST_ABOVE_WPM,
                                      PACE_SLOW_BELOW_WPM, SpeechFigures, pace_cue, speech_figures, words_in)
from poise.vision.speech.transcript import Transcript, TranscriptStatus, Word


def _steady(n: int, wpm: float, t0: float = 0.0, fillers: set[int] = frozenset()) -> list[Word]:
    """n words at an even pace: each word 70 % of its slot, a short gap after it."""
    slot = 60.0 / wpm
    return [Word(t0 + i * slot, t0 + i * slot + 0.7 * slot, "um" if i in fillers else f"w{i}", 0.9, i in fillers)
            for i in range(n)]


def _last_end(words):
    return max(w.end_s for w in words)


def test_steady_speech_gives_its_own_pace():
    words = _steady(30, 150.0)
    f = speech_figures(words)
    # the span is 29 slots plus 0.7 of one: 30 words over 29.7 slots of 0.4 s
    assert f.words == 30 and f.words_per_minute == pytest.approx(60 * 30 / (29.7 * 0.4))
    assert (f.fillers, f.fillers_per_minute) == (0, 0.0)


def test_a_long_silence_is_not_slow_speech():
    first = _steady(15, 150.0)
    second = _steady(15, 150.0, t0=_last_end(first) + 8.0)
    f = speech_figures(first + second)
    alone = speech_figures(first).speaking_s + speech_figures(second).speaking_s
    assert f.speaking_s == pytest.approx(alone)
    # a pause just under the limit is speaking time
    near = _steady(15, 150.0, t0=_last_end(first) + MAX_SPEAKING_GAP_S - 0.1)
    assert speech_figures(first + near).speaking_s == pytest.approx(_last_end(near) - first[0].start_s)


def test_too_few_words_have_no_rate_but_a_count():
    f = speech_figures(_steady(MIN_WORDS_FOR_RATE - 1, 150.0, fillers={2}))
    assert f.words == MIN_WORDS_FOR_RATE - 1 and f.words_per_minute is None and f.fillers_per_minute is None
    assert f.fillers == 1
    assert speech_figures(_steady(MIN_WORDS_FOR_RATE, 150.0)).words_per_minute is not None
    empty = speech_figures([])
    assert empty == SpeechFigures(0, None, 0, None)
    one = speech_figures(_steady(1, 150.0))
    assert one.words == 1 and one.words_per_minute is None


def test_fillers_are_counted_and_rated_per_minute_of_speaking():
    words = _steady(40, 120.0, fillers={3, 10, 27})
    f = speech_figures(words)
    assert f.fillers == 3
    assert f.fillers_per_minute == pytest.approx(3 * 60 / f.speaking_s)
    assert f.words_per_minute == pytest.approx(40 * 60 / f.speaking_s), "fillers are words of the pace too"


def test_an_answer_gets_the_words_that_start_inside_it():
    words = _steady(20, 60.0)   # one word a second
    inside = words_in(words, 5.0, 10.0)
    assert [w.text for w in inside] == ["w5", "w6", "w7", "w8", "w9"]
    assert words_in(words, None, 2.0) == words[:2] and words_in(words, 18.0, None) == words[18:]
    assert speech_figures(words, 5.0, 10.0).words == 5
    assert words_in(list(reversed(words)), 0.0, 3.0) == words[:3], "in time order whatever the input order"


@pytest.mark.parametrize("wpm, cue", [(90, "an unhurried pace"), (PACE_SLOW_BELOW_WPM, "a comfortable pace"),
                                      (140, "a comfortable pace"), (PACE_FAST_ABOVE_WPM, "a comfortable pace"),
                                      (185, "a little fast")])
def test_the_kind_cue_follows_the_documented_range(wpm, cue):
    figures = SpeechFigures(50, float(wpm), 0, 0.0, 20.0)
    assert pace_cue(figures) == cue
    assert fmt_pace(figures) == f"{fmt_wpm(wpm)}, {cue}"


def test_figures_as_text():
    assert fmt_wpm(None) == NOT_MEASURED and fmt_wpm(142.4) == "142 words/min"
    assert fmt_fillers(None) == NOT_MEASURED
    assert fmt_fillers(SpeechFigures(30, 150.0, 0, 0.0)) == "none"
    assert fmt_fillers(SpeechFigures(30, 150.0, 3, 1.24)) == "3 (1.2 a minute)"
    assert fmt_fillers(SpeechFigures(5, None, 2, None)) == "2"
    assert fmt_pace(SpeechFigures(5, None, 0, None)) == NOT_MEASURED and pace_cue(SpeechFigures(5, None, 0, None)) is None


# ------------------------------------------------------------------ the store
def _session(store: SessionStore) -> int:
    return store.create_session("file", "clip.mp4", settings={}, models={})


def test_transcript_round_trip_replace_and_delete(tmp_path):
    with SessionStore(tmp_path) as store:
        sid, other = _session(store), _session(store)
        assert store.load_transcript(sid) is None, "never transcribed"
        words = (Word(0.5, 0.81234, "Hello", 0.98765, False), Word(1.0, 1.2, "um", None, True))
        store.save_transcript(sid, Transcript(TranscriptStatus.DONE, words, "faster-whisper-tiny.en sha256:1a5afae06a4d"))
        got = store.load_transcript(sid)
        assert got.status is TranscriptStatus.DONE and got.model.endswith("1a5afae06a4d") and got.language == "en"
        assert got.words == (Word(0.5, 0.812, "Hello", 0.9877, False), Word(1.0, 1.2, "um", None, True))
        store.save_transcript(sid, Transcript(TranscriptStatus.NO_SPEECH, message="No speech was heard."))
        again = store.load_transcript(sid)
        assert again == Transcript(TranscriptStatus.NO_SPEECH, (), None, "No speech was heard.")
        store.save_transcript(other, Transcript(TranscriptStatus.DONE, words[:1]))
        store.delete_session(sid)
        assert store.conn.execute("SELECT count(*) FROM words WHERE session_id = ?", (sid,)).fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM transcripts WHERE session_id = ?", (sid,)).fetchone()[0] == 0
        assert store.load_transcript(other).words == got.words[:1]
        with pytest.raises(StoreError, match="no session"):
            store.load_transcript(sid)
        with pytest.raises(StoreError, match="no session"):
            store.save_transcript(sid, Transcript(TranscriptStatus.DONE))


def test_a_failed_save_keeps_the_earlier_transcript(tmp_path):
    with SessionStore(tmp_path) as store:
        sid = _session(store)
        store.save_transcript(sid, Transcript(TranscriptStatus.DONE, (Word(0.0, 0.2, "yes", 0.9, False),)))
        with pytest.raises(Exception):
            store.save_transcript(sid, Transcript("not a status", (Word(0.0, 0.2, "no", 0.9, False),)))
        assert store.load_transcript(sid).words[0].text == "yes"


def test_v3_database_is_upgraded_to_v4_with_no_transcript(tmp_path):
    db = tmp_path / "poise.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(migrations.V1_DDL + migrations.V1_TO_V2 + migrations.V2_TO_V3)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO sessions (kind, started_at, source, status, settings, models, component_fields)"
                 " VALUES ('file', '2026-11-30T10:00:00.000000+00:00', 'v3.mp4', 'complete', '{}', '{}', '[]')")
    conn.execute("INSERT INTO frames (session_id, idx, t, speaking) VALUES (1, 0, 0.0, 1)")
    conn.commit()
    conn.close()
    with SessionStore(tmp_path) as store:
        assert migrations.schema_version(store.conn) == migrations.LATEST_VERSION == 4
        assert store.get_session(1).source == "v3.mp4" and store.load_frames(1)[0].speaking is True
        assert store.load_transcript(1) is None
        store.save_transcript(1, Transcript(TranscriptStatus.NO_SOUND, message="This session has no sound."))
        assert store.load_transcript(1).status is TranscriptStatus.NO_SOUND


def test_speech_lines_say_why_there_is_no_pace_or_no_words():
    from poise.vision.reports.format import speech_lines

    few = Transcript(TranscriptStatus.DONE, tuple(_steady(5, 150.0)))
    lines = speech_lines(few)
    assert lines[0].split() == ["words", "5"] and "too few words" in lines[1] and "words/min" not in lines[1]
    many = speech_lines(Transcript(TranscriptStatus.DONE, tuple(_steady(30, 150.0, fillers={4}))))
    assert "a comfortable pace" in many[1] and "110–170 words/min" in many[1] and many[2].split()[-4:] == ["1", "(5.1", "a", "minute)"]  # 1 filler in 11.88 s
    assert speech_lines(None) == ["  transcript       Not transcribed."]
    none = Transcript(TranscriptStatus.NO_SPEECH, message="No speech was heard in the sound of x.mp4.")
    assert speech_lines(none) == ["  transcript       No speech was heard in the sound of x.mp4."]
    cut = speech_lines(Transcript(TranscriptStatus.CANCELLED, tuple(_steady(12, 150.0)), message="Stopped."))
    assert cut[-1] == "  transcript       Stopped." and len(cut) == 4   # words, pace, fillers, why it stops
