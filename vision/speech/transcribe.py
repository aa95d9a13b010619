"""Transcribe a session's sound with faster-whisper (tiny.en, int8 on the CPU), with word times.

One model per transcription (loaded once, used for every chunk and both readings). Whisper
writes fluent text and drops most "um"s and "uh"s, so each chunk is read twice: once plainly
(the words), once after a prompt full of disfluencies, which makes Whisper write them; the
hesitations only the second reading has are put into the first between the words they came
between (measured on constructed clips: README "Transcripts"). Silero VAD (bundled with
faster-whisper) keeps Whisper off silence, music and noise, where it would invent words; a
segment Whisper itself calls non-speech is dropped too. Never raises for a problem the user
can cause (no sound, no speech, a missing or damaged model, an unreadable file): the
Transcript's status and one-sentence message say what happened.
"""

from __future__ import annotations

import difflib
import logging
import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import tqdm

from poise.vision.audio.track import SPEECH_RATE, AudioReadError, open_speech_track
from poise.vision.models import WHISPER_TINY_EN, ModelError, resolve_model_folder
from poise.vision.speech.fillers import HESITATIONS, bare, mark_fillers
from poise.vision.speech.transcript import Transcript, TranscriptStatus, Word

logger = logging.getLogger(__name__)

# faster-whisper makes a tqdm bar (disabled) for every transcription, and tqdm starts a monitor
# thread with its first bar that lives until the process ends: in the window, a thread nobody
# stops (tests/conftest.py's no_dangling_threads catches it). The monitor only refreshes bars
# that are shown; none are.
tqdm.tqdm.monitor_interval = 0

# CTranslate2 on the CPU with 8-bit weights: the fastest compute type on x86 without a GPU.
DEVICE, COMPUTE_TYPE = "cpu", "int8"
# Threads chosen by measurement on this 2-core machine (scripts/bench_transcribe.py, README
# "Transcripts").
CPU_THREADS = 2
# The words' reading: beam 5 (Whisper's default). The fillers' reading: greedy, which found
# nearly as many hesitations in well under the time (scripts/measure_transcripts.py).
BEAM_SIZE = 5
FILLER_BEAM_SIZE = 1
# Whisper drops disfluencies; after a prompt written with them it keeps "um", "uh", "er". That
# prompt also costs words elsewhere and invents a closing "Thank you." on the GRID clip, so only
# the hesitations of that reading are used (README "Transcripts" has the figures).
FILLER_PROMPT = "Um, uh, so, er, I mean, uh, like, um."
# A segment Whisper gives this probability of being non-speech is dropped whatever its words
# (faster-whisper drops one only when its log-probability is also low).
NO_SPEECH_PROB = 0.6
# The sound is decoded and transcribed in chunks of this length, each cut in the quietest 30 ms of
# its last CUT_SEARCH_S, so memory stays flat on long sessions and cancel and progress come often.
# A minute: a session of a minute or more peaks the same (scripts/bench_analyze_peak.py, issue 16;
# with 2-minute chunks a 12-minute video peaked higher than a 1-minute one, which is one chunk).
CHUNK_S = 60.0
CUT_SEARCH_S = 5.0
# Silero VAD: faster-whisper's defaults except a shorter silence before a cut (its 2 s would
# join separate answers into one stretch of speech).
VAD_PARAMETERS = {"threshold": 0.5, "min_silence_duration_ms": 500, "speech_pad_ms": 200}

Progress = Callable[[float, float], None]


def model_name() -> str:
    """The model as recorded with every transcript: 'faster-whisper-tiny.en sha256:1a5afae06a4d'."""
    return WHISPER_TINY_EN.describe()


def load_model(*, download: bool = True, cpu_threads: int = CPU_THREADS):
    """The faster-whisper model from vision.models (verified); raises ModelError with one sentence."""
    folder = resolve_model_folder(WHISPER_TINY_EN, download=download)
    try:
        from faster_whisper import WhisperModel

        return WhisperModel(str(folder), device=DEVICE, compute_type=COMPUTE_TYPE, cpu_threads=cpu_threads,
                            num_workers=1, local_files_only=True)
    except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError on a damaged model
        logger.warning("loading the speech model from %s failed: %s", folder, exc)
        raise ModelError(f"The speech model in {folder} could not be loaded ({type(exc).__name__}); "
                         "delete the folder so Poise downloads it again.") from None


def _cancelled(cancel: Any) -> bool:
    """A threading.Event or vision.types.CancelToken."""
    if cancel is None:
        return False
    return bool(cancel.is_set() if hasattr(cancel, "is_set") else getattr(cancel, "cancelled", False))


def transcribe_file(path: str | os.PathLike, *, offset_s: float = 0.0, on_progress: Progress | None = None,
                    cancel: threading.Event | None = None, model=None, **reading) -> Transcript:
    """The words of a file's first audio track, on the session clock (file time + ``offset_s``).
    ``on_progress(done_s, total_s)`` in seconds of sound; ``cancel`` stops between segments and
    keeps the words so far (CANCELLED). ``model``: an already loaded one (tests, benchmarks).
    The sound is decoded as it is transcribed, a chunk at a time (memory flat in its length)."""
    name = Path(path).name
    try:
        track = open_speech_track(path)
    except AudioReadError as exc:
        return Transcript(TranscriptStatus.FAILED, model=model_name(), message=str(exc))
    if track is None:
        return _no_sound(name)
    with track:
        return _transcribe(_stream_chunks(track.blocks()), track.duration_s, name=name, offset_s=offset_s,
                           on_progress=on_progress, cancel=cancel, model=model, **reading)


def transcribe_pcm(pcm: np.ndarray, *, name: str = "the recording", offset_s: float = 0.0,
                   on_progress: Progress | None = None, cancel: threading.Event | None = None, model=None,
                   **reading) -> Transcript:
    """transcribe_file on int16 (or float32) samples at 16 kHz already in memory. The reading's
    ``beam_size``, ``prompt`` and ``filler_prompt`` (None: no second reading) are there for
    scripts/measure_transcripts.py."""
    chunks = ((start, pcm[start:end]) for start, end in _chunks(pcm))
    return _transcribe(chunks, len(pcm) / SPEECH_RATE, name=name, offset_s=offset_s, on_progress=on_progress,
                       cancel=cancel, model=model, **reading)


def _no_sound(name: str) -> Transcript:
    return Transcript(TranscriptStatus.NO_SOUND, model=model_name(),
                      message=f"{name} has no sound track, so there is nothing to transcribe.")


def _transcribe(chunks: Iterable[tuple[int, np.ndarray]], total: float | None, *, name: str, offset_s: float,
                on_progress: Progress | None, cancel, model, beam_size: int = BEAM_SIZE,
                prompt: str | None = None, filler_prompt: str | None = FILLER_PROMPT) -> Transcript:
    """The words of ``chunks`` ((first sample, samples) in order); ``total``: the sound's length
    in seconds as far as known before reading it (progress), the length read when it is done."""
    words: list[Word] = []
    read_s = 0.0
    loaded = model is not None
    try:
        for start, samples in chunks:
            if not len(samples):
                continue
            if not loaded:   # only once there is sound: a silent file never loads the model
                try:
                    model = load_model()
                except ModelError as exc:
                    return Transcript(TranscriptStatus.FAILED, model=model_name(), message=str(exc))
                loaded = True
            if _cancelled(cancel):
                break
            audio = samples.astype(np.float32) / (32768.0 if samples.dtype == np.int16 else 1.0)
            t0, span = start / SPEECH_RATE, len(samples) / SPEECH_RATE
            read_s = t0 + span
            whole = max(total or 0.0, read_s)
            share = 0.5 if filler_prompt else 1.0   # of the chunk's progress taken by the plain reading

            def report(x: float, base: float, part: float, t0=t0, span=span, whole=whole) -> None:
                if on_progress is not None:
                    on_progress(min(whole, t0 + (base + part * x) * span), whole)

            plain = _read(model, audio, t0 + offset_s, beam_size, prompt, cancel, lambda x: report(x, 0.0, share))
            if filler_prompt and plain and not _cancelled(cancel):
                hesitant = _read(model, audio, t0 + offset_s, FILLER_BEAM_SIZE, filler_prompt, cancel,
                                    lambda x: report(x, share, 1.0 - share))
                plain = _with_hesitations(plain, hesitant)
            words.extend(plain)
            del audio
    except Exception as exc:  # CTranslate2 / ONNX failures: the session stays, without words
        logger.exception("transcribing %s failed", name)
        return Transcript(TranscriptStatus.FAILED, tuple(mark_fillers(words)), model_name(),
                          f"Transcribing {name} failed ({type(exc).__name__}: {exc}).")
    words = mark_fillers(words)
    if _cancelled(cancel):
        return Transcript(TranscriptStatus.CANCELLED, tuple(words), model_name(),
                          "The transcript was stopped; the words up to there are kept.")
    if not read_s:
        return _no_sound(name)
    if on_progress is not None:
        on_progress(read_s, read_s)
    if not words:
        return Transcript(TranscriptStatus.NO_SPEECH, (), model_name(),
                          f"No speech was heard in the sound of {name} (only silence, music or noise).")
    return Transcript(TranscriptStatus.DONE, tuple(words), model_name())


def _read(model, audio: np.ndarray, t0: float, beam_size: int, prompt: str | None, cancel,
          report: Callable[[float], None]) -> list[Word]:
    """One reading of a chunk: its words on the session clock."""
    span = len(audio) / SPEECH_RATE
    segments, _info = model.transcribe(
        audio, language="en", word_timestamps=True, beam_size=beam_size, initial_prompt=prompt,
        condition_on_previous_text=False, vad_filter=True, vad_parameters=VAD_PARAMETERS)
    words = []
    for seg in segments:
        if seg.no_speech_prob <= NO_SPEECH_PROB:
            words.extend(_words(seg, t0))
        report(min(1.0, seg.end / span))
        if _cancelled(cancel):
            break
    return words


def _with_hesitations(plain: list[Word], hesitant: list[Word]) -> list[Word]:
    """The plain reading with the hesitations ("um", "uh", ...) that only the hesitant reading has,
    each put between the plain words it came between (the two readings aligned word by word)."""
    a, b = [bare(w.text) for w in plain], [bare(w.text) for w in hesitant]
    out: list[Word] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        out.extend(plain[i1:i2])
        if op in ("insert", "replace"):
            out.extend(w for w, t in zip(hesitant[j1:j2], b[j1:j2]) if t in HESITATIONS and t not in a[i1:i2])
    return out


def _words(seg, t0: float) -> list[Word]:
    out = []
    for w in seg.words or ():
        text = w.word.strip()
        if not text or not any(ch.isalnum() for ch in text):   # "♪", "...": not a word
            continue
        # the precision the store keeps (3 decimals for times, 4 for probabilities), so a saved
        # transcript loads equal to the one returned
        out.append(Word(round(t0 + float(w.start), 3), round(t0 + float(max(w.end, w.start)), 3), text,
                        None if w.probability is None else round(float(w.probability), 4), False))
    return out


def _cut(samples: np.ndarray) -> int:
    """Where to end a chunk that begins at ``samples[0]`` and is longer than CHUNK_S: the middle
    of the quietest 30 ms of the chunk's last CUT_SEARCH_S."""
    size, frame = int(CHUNK_S * SPEECH_RATE), int(0.03 * SPEECH_RATE)
    lo = size - int(CUT_SEARCH_S * SPEECH_RATE)
    window = samples[lo:size].astype(np.float32)
    energy = np.add.reduceat(window * window, np.arange(0, len(window), frame))
    return lo + int(np.argmin(energy)) * frame + frame // 2


def _chunks(pcm: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) sample ranges of about CHUNK_S, each cut in the quietest 30 ms before its end."""
    n, size = len(pcm), int(CHUNK_S * SPEECH_RATE)
    out, start = [], 0
    while n - start > size:
        cut = start + _cut(pcm[start:start + size])
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def _stream_chunks(blocks: Iterable[np.ndarray]) -> Iterator[tuple[int, np.ndarray]]:
    """The chunks of _chunks (the same cuts) from a stream of sample blocks, holding at most one
    chunk and a block in memory: (first sample, samples)."""
    size = int(CHUNK_S * SPEECH_RATE)
    pending: list[np.ndarray] = []
    held, start = 0, 0
    for block in blocks:
        if not len(block):
            continue
        pending.append(block)
        held += len(block)
        while held > size:
            buffer = np.concatenate(pending)
            cut = _cut(buffer)
            yield start, buffer[:cut]
            start += cut
            rest = buffer[cut:].copy()   # not a view: the chunk's buffer is freed
            pending, held = [rest], len(rest)
    yield start, (np.concatenate(pending) if pending else np.zeros(0, np.int16))


def transcribe_session(store, session_id: int, *, on_progress: Progress | None = None,
                       cancel: threading.Event | None = None, model=None) -> Transcript:
    """Transcribe a stored session's sound (its recording, or the video file it analysed), save the
    transcript with the session (replacing any earlier one) and return it. The GUI's worker calls
    this after a live session ends. Raises only StoreError (the store cannot be read or written)."""
    info = store.get_session(session_id)
    path = _sound_of(info)
    if isinstance(path, Transcript):
        transcript = path
    else:
        transcript = transcribe_file(path, on_progress=on_progress, cancel=cancel, model=model)
    store.save_transcript(session_id, transcript)
    return transcript


def _sound_of(info) -> Path | Transcript:
    """The file holding a session's sound, or the Transcript that says why there is none."""
    if info.recording_path is not None:
        if Path(info.recording_path).is_file():
            return Path(info.recording_path)
        return Transcript(TranscriptStatus.FAILED, model=model_name(),
                          message=f"The recording {info.recording_path} is no longer there, so it cannot be transcribed.")
    if info.kind == "live":
        return Transcript(TranscriptStatus.NO_SOUND, model=model_name(),
                          message="This session was not recorded, so there is no sound to transcribe "
                                  "(turn on Also record the video).")
    source = Path(info.source)
    if source.is_file():
        return source
    return Transcript(TranscriptStatus.FAILED, model=model_name(),
                      message=f"The video {source.name} is no longer at {source.parent}, so it cannot be transcribed.")
