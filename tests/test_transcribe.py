"""Transcripts of real speech with known words: the shared clips (espeak-ng utterances, a GRID
sentence) and espeak-ng clips built here at known times with known fillers (tests/speech_clips.py).
Figures asserted are those README "Transcripts" reports, with a margin."""

from __future__ import annotations

import statistics
import threading

import numpy as np
import pytest

import speech_clips as sc
from conftest import CLIPS, clip
from poise.vision.models import MODEL_DIR_ENV, WHISPER_TINY_EN
from poise.vision.speech import transcribe as tr
from poise.vision.speech.pace import speech_figures
from poise.vision.speech.transcript import TranscriptStatus

pytestmark = pytest.mark.slow

# Bounds: the measured figure (README "Transcripts", scripts/measure_transcripts.py) with a margin.
VOICE_WER = 0.2            # measured 4/35 = 0.114
CONSTRUCTED_WER = 0.15     # measured 12/156 = 0.077
FILLER_RECALL = 0.7        # measured 8/10
FILLER_PRECISION = 0.75    # measured 8/9
START_ERROR_MEDIAN_S = 0.2  # measured 0.113 s
START_ERROR_P90_S = 0.45   # measured 0.273 s
PACE_TOLERANCE = 0.1       # words/min within 10 % of the constructed pace


@pytest.fixture(scope="module")
def whisper():
    try:
        return tr.load_model(download=False)
    except Exception as exc:
        pytest.fail(f"the speech model is needed in $POISE_MODEL_DIR/{WHISPER_TINY_EN.name}: {exc}", pytrace=False)


@pytest.fixture(scope="module")
def constructed(whisper):
    """Every scripted clip and its transcript, built and transcribed once."""
    sc.require_espeak()
    out = {}
    for name in sc.SCRIPTS:
        c = sc.clip(name)
        out[name] = (c, tr.transcribe_pcm(c.audio, model=whisper))
    return out


def test_the_voice_clip_reference_is_what_espeak_said():
    """The reference is not Whisper's reading: each sentence, re-synthesised by espeak-ng as the
    clip was made (en-us, 150 wpm), matches the clip's sound sample for sample (correlation > 0.99)."""
    import av

    with av.open(str(clip(sc.VOICE_CLIP))) as c:
        r = av.AudioResampler(format="flt", layout="mono", rate=sc.RATE)
        sound = np.concatenate([g.to_ndarray().reshape(-1) for f in c.decode(c.streams.audio[0]) for g in r.resample(f)])
    for text in sc.VOICE_REFERENCE:
        voice = sc.say(text)
        n = len(voice)
        spectrum = np.fft.irfft(np.fft.rfft(sound, len(sound) + n) * np.conj(np.fft.rfft(voice, len(sound) + n)))
        k = int(np.argmax(spectrum[: len(sound) - n]))
        seg = sound[k:k + n]
        corr = float(np.dot(seg, voice) / np.linalg.norm(seg) / np.linalg.norm(voice))
        assert corr > 0.99, f"{text!r}: correlation {corr:.3f}"


def test_the_shared_speech_clip(whisper):
    got = tr.transcribe_file(clip(sc.VOICE_CLIP), model=whisper)
    assert got.status is TranscriptStatus.DONE and got.model == "faster-whisper-tiny.en sha256:1a5afae06a4d"
    errors, n = sc.word_errors(" ".join(sc.VOICE_REFERENCE), got.words)
    assert errors / n <= VOICE_WER, f"WER {errors}/{n}: {got.text}"
    assert not any(w.filler for w in got.words), "no filler was spoken"
    utterances = [(0.8, 4.535), (6.2, 10.428), (11.0, 13.43)]   # voice_segments.csv
    for w in got.words:   # every word inside an utterance, give or take Whisper's timing
        assert any(a - 0.3 <= w.start_s and w.end_s <= b + 0.3 for a, b in utterances), w
    assert [sum(a - 0.3 <= w.start_s < b + 0.3 for w in got.words) for a, b in utterances] == [12, 14, 9]
    known_pace = 60 * 35 / (13.43 - 0.8)   # 35 words from the first start to the last end: 166 words/min
    assert speech_figures(got.words).words_per_minute == pytest.approx(known_pace, rel=PACE_TOLERANCE)


def test_the_grid_sentence(whisper):
    got = tr.transcribe_file(clip(sc.GRID_CLIP), model=whisper)
    errors, n = sc.word_errors(sc.GRID_REFERENCE, got.words)
    assert errors <= 1, f"WER {errors}/{n}: {got.text}"


def test_constructed_clips_words_fillers_times_and_pace(constructed):
    errors = total = matched = known = found = 0
    starts = []
    for name, (c, got) in constructed.items():
        assert got.status is TranscriptStatus.DONE
        e, n = sc.word_errors(c.reference.replace("_", " "), got.words)
        m, k, f = sc.filler_matches(c.words, got.words)
        errors, total, matched, known, found = errors + e, total + n, matched + m, known + k, found + f
        starts += sc.time_errors(c.words, got.words)
        assert speech_figures(got.words).words_per_minute == pytest.approx(c.words_per_minute, rel=PACE_TOLERANCE), name
    assert errors / total <= CONSTRUCTED_WER, f"WER {errors}/{total}"
    assert known == 10 and matched / known >= FILLER_RECALL, f"fillers recalled {matched}/{known}"
    assert matched / found >= FILLER_PRECISION, f"filler precision {matched}/{found}"
    assert statistics.median(starts) <= START_ERROR_MEDIAN_S and np.percentile(starts, 90) <= START_ERROR_P90_S
    assert len(starts) >= 0.85 * total


def test_ordinary_like_and_you_know_are_not_fillers(constructed):
    """'I would like to', 'it looks like', 'problems like this', 'do you know how' are words."""
    for name in ("hardest", "learned", "enjoy"):
        _, got = constructed[name]
        words = [sc._bare(w.text) for w in got.words]
        for i, w in enumerate(got.words):
            if sc._bare(w.text) == "like" and words[i - 1] in ("would", "looks", "problems"):
                assert not w.filler, (name, got.text)
            if sc._bare(w.text) == "you" and words[i - 1] == "do":
                assert not w.filler, (name, got.text)


def test_a_faster_speaker_reads_faster(whisper):
    """The same sentences spoken faster (espeak-ng at 220 instead of 150 words/min, shorter gaps):
    the measured pace follows the constructed one and the cue says so."""
    from poise.vision.speech.pace import pace_cue

    slow, fast = sc.clip("plain", wpm=130, gap_s=0.12), sc.clip("plain", wpm=260, gap_s=0.02)
    got_slow = speech_figures(tr.transcribe_pcm(slow.audio, model=whisper).words)
    got_fast = speech_figures(tr.transcribe_pcm(fast.audio, model=whisper).words)
    assert got_slow.words_per_minute == pytest.approx(slow.words_per_minute, rel=PACE_TOLERANCE)
    assert got_fast.words_per_minute == pytest.approx(fast.words_per_minute, rel=PACE_TOLERANCE)
    assert fast.words_per_minute > 1.5 * slow.words_per_minute
    assert pace_cue(got_slow) == "an unhurried pace" and pace_cue(got_fast) == "a little fast"


# ------------------------------------------------------------------ bad input
def test_no_sound_track(whisper):
    got = tr.transcribe_file(clip("mediapipe__selfie_segmentation_web.mp4"), model=whisper)
    assert got.status is TranscriptStatus.NO_SOUND and got.words == ()
    assert got.message.endswith("nothing to transcribe.") and "\n" not in got.message


@pytest.mark.parametrize("kind", ["silence", "room noise", "music"])
def test_silence_noise_and_music_give_no_words(whisper, kind, tmp_path):
    audio = {"silence": np.zeros(8 * sc.RATE, np.float32), "room noise": sc.room_noise(8 * sc.RATE),
             "music": sc.music(12.0)}[kind]
    got = tr.transcribe_file(sc.write_wav(tmp_path / "x.wav", audio), model=whisper)
    assert got.status is TranscriptStatus.NO_SPEECH and got.words == (), got.text
    assert "No speech was heard" in got.message


def test_a_file_that_is_not_media(tmp_path, whisper):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    got = tr.transcribe_file(bad, model=whisper)
    assert got.status is TranscriptStatus.FAILED and "could not be read" in got.message


def test_a_missing_or_damaged_model_is_one_sentence(tmp_path, monkeypatch):
    voice = clip(sc.VOICE_CLIP)
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    got = tr.transcribe_file(voice)
    assert got.status is TranscriptStatus.FAILED and MODEL_DIR_ENV in got.message and "\n" not in got.message
    folder = tmp_path / WHISPER_TINY_EN.name
    folder.mkdir()
    shared = CLIPS.parent / "models" / WHISPER_TINY_EN.name
    for f in WHISPER_TINY_EN.files:
        (folder / f.filename).symlink_to(shared / f.filename)
    (folder / "model.bin").unlink()
    (folder / "model.bin").write_bytes(b"\0" * WHISPER_TINY_EN.files[1].size)   # right size, wrong bytes
    got = tr.transcribe_file(voice)
    assert got.status is TranscriptStatus.FAILED and "SHA-256" in got.message


def test_cancel_keeps_the_words_so_far(whisper, monkeypatch):
    """Cancelled after the first chunk of a two-chunk clip: its words are kept, CANCELLED."""
    c = sc.build("two", sc.SCRIPTS["strength"] + sc.SCRIPTS["plain"], sentence_gap_s=1.5)
    monkeypatch.setattr(tr, "CHUNK_S", c.words[12].end_s + 2.0)   # the cut falls in the sentence gap
    stop = threading.Event()
    seen = []

    def on_progress(done, total):
        seen.append(done)
        if done >= c.words[12].end_s:
            stop.set()

    got = tr.transcribe_pcm(c.audio, model=whisper, on_progress=on_progress, cancel=stop)
    assert got.status is TranscriptStatus.CANCELLED and "kept" in got.message
    assert 8 <= len(got.words) < len(c.words) - 10 and all(w.start_s < tr.CHUNK_S for w in got.words)
    assert seen == sorted(seen)


def test_chunks_are_cut_in_quiet_places_and_lose_no_words(whisper, monkeypatch):
    c = sc.build("long", sc.SCRIPTS["strength"] + sc.SCRIPTS["plain"] + sc.SCRIPTS["team"], sentence_gap_s=0.8)
    whole = tr.transcribe_pcm(c.audio, model=whisper)
    monkeypatch.setattr(tr, "CHUNK_S", 9.0)
    cuts = tr._chunks((c.audio * 32767).astype(np.int16))
    assert len(cuts) >= 3 and cuts[0][0] == 0 and cuts[-1][1] == len(c.audio)
    for (_, end), (start, _) in zip(cuts, cuts[1:]):
        assert end == start
        t = end / sc.RATE
        assert not any(w.start_s + 0.01 < t < w.end_s - 0.01 for w in c.words), f"cut at {t:.2f} s inside a word"
    chunked = tr.transcribe_pcm(c.audio, model=whisper)
    e_whole, n = sc.word_errors(c.reference.replace("_", " "), whole.words)
    e_chunked, _ = sc.word_errors(c.reference.replace("_", " "), chunked.words)
    assert e_chunked <= e_whole + 2 and e_chunked / n <= CONSTRUCTED_WER
    assert [w.start_s for w in chunked.words] == sorted(w.start_s for w in chunked.words)


def test_a_file_is_read_a_chunk_at_a_time_with_the_cuts_of_the_whole(whisper, monkeypatch, tmp_path):
    """Issue 16 (memory flat in the length): transcribe_file decodes as it goes and holds one
    chunk, not the whole track (which it held before, 23 MB of samples for 12 minutes), and cuts
    where transcribing the whole array would, so the words are the same."""
    from poise.vision.audio.track import open_speech_track, read_speech_pcm

    c = sc.build("long", sc.SCRIPTS["strength"] + sc.SCRIPTS["plain"] + sc.SCRIPTS["team"], sentence_gap_s=0.8)
    path = sc.write_wav(tmp_path / "long.wav", c.audio)
    monkeypatch.setattr(tr, "CHUNK_S", 9.0)
    whole = read_speech_pcm(path)
    with open_speech_track(path) as track:
        streamed = [(start, len(samples)) for start, samples in tr._stream_chunks(track.blocks())]
    assert len(streamed) >= 3
    assert streamed == [(start, end - start) for start, end in tr._chunks(whole)]
    assert max(n for _, n in streamed) <= 9.0 * sc.RATE
    held = []
    real = tr._read
    monkeypatch.setattr(tr, "_read", lambda model, audio, *a: held.append(len(audio)) or real(model, audio, *a))
    from_file = tr.transcribe_file(path, model=whisper)
    assert held and max(held) <= 9.0 * sc.RATE
    from_memory = tr.transcribe_pcm(whole, model=whisper)
    assert [w.text for w in from_file.words] == [w.text for w in from_memory.words]


def test_offset_puts_words_on_the_session_clock(whisper):
    got = tr.transcribe_file(clip(sc.GRID_CLIP), model=whisper, offset_s=100.0)
    assert got.words and all(100.0 <= w.start_s <= 103.5 for w in got.words)
