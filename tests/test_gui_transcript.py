"""The transcript in the review, on real transcripts (the shared speech clip through the real
faster-whisper model): click a word to seek picture and sound, the word being played is
highlighted and kept in view, fillers are marked, the states from "not transcribed" to "done"
(Transcribe, progress, Cancel, no sound, no speech, a missing model). Offscreen Qt."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest import clip
from test_gui_playback import FPS, _closest_frame_index, _image_array, open_session_view

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_modal_dialogs", "no_dangling_threads")]

SECOND_SESSION_S = 4.0   # seconds: longer than the voice clip's longest silence

VOICE = "voice__center_left_center.mp4"       # three utterances: 0.8-4.5 s, 6.2-10.4 s, 11.0-13.4 s
QUIET = "proctoringai__center_left_center.mp4"   # the same picture, a sound track of room tone only
NO_TRACK = "mediapipe__selfie_segmentation_web.mp4"   # no sound track
# A transcription of the 15 s clip: model load (~1 s) and three short utterances; generous for
# a loaded 2-core machine.
TRANSCRIBE_TIMEOUT_MS = 120_000


@pytest.fixture
def voice_transcript(transcribed_clip):
    return transcribed_clip(VOICE)


@pytest.fixture
def voice_session(store, analysed_clip):
    from poise.vision.sessions.ingest import save_result

    return save_result(store, analysed_clip(VOICE), kind="file")


@pytest.fixture
def transcribed_view(qtbot, store, voice_session, voice_transcript):
    store.save_transcript(voice_session, voice_transcript)
    view = open_session_view(qtbot, store, voice_session)
    view.tabs.setCurrentWidget(view.transcript)
    qtbot.wait(50)
    return view


def _click_word(qtbot, text, index: int) -> None:
    rect = text.word_rect(index)
    assert text.viewport().rect().contains(rect.center()), "the word is in view"
    QTest.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_transcript_shows_the_words_with_the_session_figures(qtbot, transcribed_view, voice_transcript):
    from poise.app.review.transcript_pane import PaneState
    from poise.vision.reports.transcript_report import figures_line
    from poise.vision.speech.pace import speech_figures

    pane = transcribed_view.transcript
    assert pane.state() == PaneState.DONE
    assert pane.text.word_count() == len(voice_transcript.words) >= 20
    header, *body, legend = pane.text.toPlainText().splitlines()
    assert header == f"Whole session: {figures_line(speech_figures(voice_transcript.words))}"
    assert " ".join(body).split() == [w.text for w in voice_transcript.words]
    assert legend.startswith("um ") and "underlined" in legend, "fillers: a legend, not colour alone"
    assert not pane.transcribe_button.isVisible() and not pane.progress.isVisible()
    # Every word starts inside one of the clip's three utterances (voice_segments.csv), give or
    # take Whisper's timing (a word's start may be put a little early).
    spans = [(0.8, 4.535), (6.2, 10.428), (11.0, 13.43)]
    assert all(any(a - 0.5 <= w.start_s <= b for a, b in spans) for w in voice_transcript.words)


def test_clicking_a_word_shows_that_moment_and_plays_from_there(qtbot, transcribed_view):
    view = transcribed_view
    text, player = view.transcript.text, view.player
    index = next(i for i in range(text.word_count()) if text.word(i).start_s > 6.2)   # the second utterance
    start = text.word(index).start_s
    with qtbot.waitSignal(player.position_changed, timeout=5000, check_params_cb=lambda t: abs(t - start) < 1.5 / FPS):
        _click_word(qtbot, text, index)
    assert text.current_index() == index, "the clicked word is highlighted"
    assert view.timeline.cursor_position() == pytest.approx(start, abs=1.5 / FPS)
    shown = _image_array(player.frame_view().image())
    assert abs(_closest_frame_index(shown, start) - round(player.position() * FPS)) <= 1
    # The sound plays on from the word: the player's clock moves on from there.
    player.play()
    qtbot.waitUntil(lambda: player.position() > start + 0.5, timeout=5000)
    player.pause()


def test_playback_moves_the_highlight_from_word_to_word(qtbot, transcribed_view):
    from poise.app.review.transcript_text import current_word

    view = transcribed_view
    text, player = view.transcript.text, view.player
    starts = [text.word(i).start_s for i in range(text.word_count())]
    view.seek(10.9)
    qtbot.waitUntil(lambda: abs(player.position() - 10.9) < 0.1, timeout=5000)
    before = text.current_index()
    assert before == current_word(starts, player.position())
    seen = set()
    view.player.position_changed.connect(lambda _t: seen.add(text.current_index()))
    player.play()
    qtbot.waitUntil(lambda: player.position() > 13.0, timeout=10000)
    player.pause()
    qtbot.wait(200)
    assert text.current_index() == current_word(starts, player.position()), "the word said at the picture shown"
    third = {i for i, s in enumerate(starts) if 11.0 - 0.5 <= s < 13.0}
    assert len(seen & third) >= 2, f"the highlight moved through the third utterance's words: {sorted(seen)}"
    assert text.current_index() != before


def test_a_long_transcript_scrolls_the_current_word_into_view(qtbot, store, voice_session, voice_transcript):
    """An hour-long transcript (the clip's real words repeated every 15.4 s): jumping to a late
    word scrolls it into view, and the highlight follows."""
    from poise.vision.speech.transcript import Transcript, TranscriptStatus

    period = 15.4
    words = tuple(dataclasses.replace(w, start_s=w.start_s + k * period, end_s=w.end_s + k * period)
                  for k in range(234) for w in voice_transcript.words)
    store.save_transcript(voice_session, Transcript(TranscriptStatus.DONE, words, voice_transcript.model))
    view = open_session_view(qtbot, store, voice_session)
    view.tabs.setCurrentWidget(view.transcript)
    text = view.transcript.text
    qtbot.wait(50)
    assert text.word_count() == len(words)
    late = next(i for i in range(len(words) - 8, 0, -1) if words[i + 1].start_s - words[i].start_s > 0.1)
    text.set_position(words[late].start_s + 0.05)
    assert text.current_index() == late
    assert text.verticalScrollBar().value() > 0
    assert text.viewport().rect().contains(text.word_rect(late)), "the current word is in view"
    text.set_position(words[0].start_s)
    assert text.current_index() == 0 and text.viewport().rect().contains(text.word_rect(0))


def test_fillers_are_marked_with_colour_underline_and_a_tooltip(qtbot, store, voice_session, voice_transcript):
    """A real transcript with one of its words marked as a filler (the clip's speech has none)."""
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor

    from poise.app.theme import FILLER_COLOUR
    from poise.vision.speech.transcript import Transcript, TranscriptStatus

    words = list(voice_transcript.words)
    words[2] = dataclasses.replace(words[2], filler=True)
    store.save_transcript(voice_session, Transcript(TranscriptStatus.DONE, tuple(words), voice_transcript.model))
    view = open_session_view(qtbot, store, voice_session)
    text = view.transcript.text

    def char_format(index):
        start, _length = text._spans[index]
        cursor = QTextCursor(text.document())
        cursor.setPosition(start + 1)
        return cursor.charFormat()

    filler, plain = char_format(2), char_format(3)
    none = QTextCharFormat.UnderlineStyle.NoUnderline
    assert filler.foreground().color() == QColor(FILLER_COLOUR) and filler.underlineStyle() != none
    assert plain.foreground().color() != QColor(FILLER_COLOUR) and plain.underlineStyle() == none
    assert "filler word" in text.word_tooltip(2) and "filler" not in text.word_tooltip(3)


def test_not_transcribed_then_transcribe_shows_progress_then_the_words(qtbot, store, voice_session, voice_transcript):
    from poise.app.review.transcript_pane import PaneState

    view = open_session_view(qtbot, store, voice_session)
    pane = view.transcript
    view.tabs.setCurrentWidget(pane)
    assert pane.state() == PaneState.NOT_TRANSCRIBED and store.load_transcript(voice_session) is None
    assert pane.transcribe_button.isVisible() and not pane.text.isVisible()
    states, progress = [], []
    view.transcriber.progress.connect(lambda sid, done, total: progress.append((done, total)))
    view.transcriber.state_changed.connect(lambda _sid: states.append(pane.state()))
    qtbot.mouseClick(pane.transcribe_button, Qt.MouseButton.LeftButton)
    assert pane.state() == PaneState.TRANSCRIBING
    assert pane.progress.isVisible() and pane.cancel_button.isVisible() and not pane.transcribe_button.isVisible()
    qtbot.waitUntil(lambda: pane.state() == PaneState.DONE, timeout=TRANSCRIBE_TIMEOUT_MS)
    assert view.transcriber.running_session() is None
    assert progress and progress[-1][0] == pytest.approx(progress[-1][1]) and progress[-1][1] == pytest.approx(15.3, abs=0.2)
    saved = store.load_transcript(voice_session)
    assert [w.text for w in saved.words] == [w.text for w in voice_transcript.words], "the same model, the same words"
    assert pane.text.toPlainText().splitlines()[1].split() == [w.text for w in saved.words]


def test_cancel_keeps_the_session_and_offers_to_transcribe_again(qtbot, store, voice_session):
    from poise.app.review.transcript_pane import PaneState
    from poise.vision.speech.transcript import TranscriptStatus

    view = open_session_view(qtbot, store, voice_session)
    pane = view.transcript
    view.tabs.setCurrentWidget(pane)
    frames = len(store.load_frames(voice_session))
    qtbot.mouseClick(pane.transcribe_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)   # before the model has heard anything
    qtbot.waitUntil(lambda: view.transcriber.running_session() is None, timeout=TRANSCRIBE_TIMEOUT_MS)
    saved = store.load_transcript(voice_session)
    assert saved.status == TranscriptStatus.CANCELLED and saved.message
    assert pane.state() == PaneState.CANCELLED and pane.status.text() == saved.message
    assert pane.transcribe_button.isVisible() and pane.transcribe_button.text() == "Transcribe again"
    assert len(store.load_frames(voice_session)) == frames and store.get_session(voice_session).status == "complete"


def test_a_missing_model_says_so_in_one_sentence_and_keeps_the_session(qtbot, store, voice_session, tmp_path,
                                                                      monkeypatch):
    from poise.app.review.transcript_pane import PaneState
    from poise.vision.speech.transcript import TranscriptStatus

    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("POISE_MODEL_DIR", str(empty))
    view = open_session_view(qtbot, store, voice_session)
    pane = view.transcript
    view.tabs.setCurrentWidget(pane)
    qtbot.mouseClick(pane.transcribe_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.state() == PaneState.FAILED, timeout=TRANSCRIBE_TIMEOUT_MS)
    saved = store.load_transcript(voice_session)
    assert saved.status == TranscriptStatus.FAILED
    message = pane.status.text()
    assert message == saved.message and "faster-whisper-tiny.en" in message and str(empty) in message
    assert message.count(". ") == 0 and "Traceback" not in message, "one sentence"
    assert pane.transcribe_button.isVisible() and pane.transcribe_button.text() == "Transcribe again"
    assert store.get_session(voice_session).status == "complete" and store.load_frames(voice_session)


def test_a_session_without_sound_says_so_and_offers_nothing(qtbot, store, analysed_clip):
    from poise.app.review.transcript_pane import NO_RECORDING, NO_SOUND_TRACK, PaneState
    from poise.vision.sessions.ingest import save_result

    silent = save_result(store, analysed_clip(NO_TRACK), kind="file")
    view = open_session_view(qtbot, store, silent)
    pane = view.transcript
    assert pane.state() == PaneState.NO_SOUND and pane.status.text() == NO_SOUND_TRACK
    assert not pane.transcribe_button.isVisible()
    live = save_result(store, analysed_clip(VOICE), kind="live")   # a live session recorded without video
    assert view.show_session(live)
    assert pane.state() == PaneState.NO_SOUND and pane.status.text() == NO_RECORDING


@pytest.mark.parametrize("sound", ["room tone", "beeps"])
def test_sound_without_speech_says_no_speech(qtbot, store, analysed_clip, tmp_path, sound):
    """A real clip whose sound track holds no speech, and a recording of 1 kHz beeps."""
    from poise.app.review.transcript_pane import PaneState
    from poise.vision.sessions.av_sync import write_marked_clip
    from poise.vision.sessions.ingest import save_result
    from poise.vision.speech.transcript import TranscriptStatus

    sid = save_result(store, analysed_clip(QUIET), kind="file")
    if sound == "beeps":
        beeps = tmp_path / "beeps.mp4"
        write_marked_clip(beeps, 6.0, period=1.5)
        store.set_recording_path(sid, beeps)
    view = open_session_view(qtbot, store, sid)
    pane = view.transcript
    assert pane.state() == PaneState.NOT_TRANSCRIBED
    view.transcribe()
    qtbot.waitUntil(lambda: view.transcriber.running_session() is None and pane.state() != PaneState.TRANSCRIBING,
                    timeout=TRANSCRIBE_TIMEOUT_MS)
    saved = store.load_transcript(sid)
    assert saved.status == TranscriptStatus.NO_SPEECH, (saved.status, [w.text for w in saved.words])
    assert pane.state() == PaneState.NO_SPEECH and pane.status.text() == saved.message
    assert not pane.text.isVisible() and not pane.transcribe_button.isVisible()


# ----- in the window: after a live session, after File > Analyse video, never during a session --

from test_gui_recording_sound import _record, window  # noqa: E402,F401 (the recording window fixture)


def test_a_live_recording_is_transcribed_after_the_session_and_never_during_one(qtbot, window):
    """Two recorded sessions of the voice clip played as the camera: the first is transcribed
    once it is saved; starting the second stops that at once (it waits, and the pane says so)
    and nothing is transcribed until the second ends; then both are."""
    from poise.app.review.transcript_pane import WAITING_LIVE, PaneState
    from poise.app.review.transcription_worker import STOP_TIMEOUT_MS
    from poise.vision.speech.transcript import TranscriptStatus

    w, store = window(clip(VOICE))
    runner, controller = w.review.transcriber, w.live.controller
    started_during_live = []
    runner.state_changed.connect(lambda sid: started_during_live.append(sid)
                                 if controller.is_running() and runner.running_session() == sid else None)
    first = _record(qtbot, w, 4.0)
    assert runner.running_session() == first, "transcribed as soon as it is saved"
    w.live.start_session()
    assert controller.is_running() and runner.is_held()
    qtbot.waitUntil(lambda: runner.running_session() is None, timeout=STOP_TIMEOUT_MS)
    assert runner.is_queued(first), "stopped for the live session, to run again after it"
    w.review.show_session(first)
    assert w.review.view.transcript.state() == PaneState.WAITING
    assert w.review.view.transcript.status.text() == WAITING_LIVE
    # The clip plays in a loop; its longest silence is 2.7 s (13.43 s to the end at 15.33 s, then
    # 0-0.8 s: voice_segments.csv), so a second session of 4 s always holds speech (2 s did not:
    # it once fell in that silence and its transcript was, rightly, "no speech").
    qtbot.waitUntil(lambda: (controller.clock() or 0) >= SECOND_SESSION_S, timeout=40_000)
    assert runner.running_session() is None
    with qtbot.waitSignal(w.live.session_saved, timeout=15_000) as saved:
        w.live.stop_session()
    second = saved.args[0]
    qtbot.waitUntil(lambda: runner.running_session() is None and not runner.is_queued(first)
                    and not runner.is_queued(second), timeout=TRANSCRIBE_TIMEOUT_MS)
    assert not started_during_live
    for sid in (first, second):
        t = store.load_transcript(sid)
        duration = store.get_session(sid).duration_s
        assert t.status == TranscriptStatus.DONE and t.words, (sid, t.status, t.message)
        assert all(-0.5 <= word.start_s <= duration + 0.5 for word in t.words), "on the session's clock"
    assert w.review.view.transcript.state() == PaneState.DONE


def test_an_analysed_video_is_transcribed_and_shown_in_review(qtbot, window):
    from poise.app.review.transcript_pane import PaneState
    from poise.vision.speech.transcript import TranscriptStatus

    w, store = window(clip(VOICE))
    w.live.close_source()
    dialog = w.open_analyse_dialog()
    with qtbot.waitSignal(dialog.session_saved, timeout=120_000) as saved:
        dialog.start(clip(VOICE))
    sid = saved.args[0]
    assert w.review.view.current_session_id() == sid
    pane = w.review.view.transcript
    qtbot.waitUntil(lambda: pane.state() == PaneState.DONE, timeout=TRANSCRIBE_TIMEOUT_MS)
    t = store.load_transcript(sid)
    assert t.status == TranscriptStatus.DONE and pane.text.word_count() == len(t.words) >= 20
