"""A file's first audio track as 16 kHz mono PCM (the input of the speech model), read as a stream.

``open_speech_track`` gives a SpeechTrack whose ``blocks()`` yield the samples a decoded frame at a
time, so a long session is never held whole (issue 16: memory flat in the length of the video);
``read_speech_pcm`` joins them, for short clips in tests and scripts.
"""

from __future__ import annotations

import logging
import os
from typing import Iterator

import av
import numpy as np

from poise.vision.audio.voice import VAD_RATE, to_vad_pcm, vad_resampler

logger = logging.getLogger(__name__)

#: Speech models (Whisper, Silero, WebRTC) take 16 kHz mono.
SPEECH_RATE = VAD_RATE


class AudioReadError(RuntimeError):
    """The file's sound cannot be read; the message is one sentence for the user."""


class SpeechTrack:
    """One open file's first audio track; use as a context manager, read with ``blocks()`` once."""

    def __init__(self, container: av.container.InputContainer, stream: av.audio.stream.AudioStream, path: str) -> None:
        self._container, self._stream, self._path = container, stream, path
        #: The length the file declares, in seconds (for progress); None when it declares none.
        self.duration_s = _declared_duration(container, stream)

    def blocks(self) -> Iterator[np.ndarray]:
        """int16 samples at SPEECH_RATE on the file's clock: a track that starts late begins with
        that much silence. A track that stops decoding part-way ends there (logged)."""
        resampler = vad_resampler()
        started = False
        try:
            for frame in self._container.decode(self._stream):
                if not started:
                    started = True
                    lead = max(0.0, float(frame.time)) if frame.time is not None else 0.0
                    yield np.zeros(int(round(lead * SPEECH_RATE)), np.int16)
                yield to_vad_pcm(resampler, frame)
            yield to_vad_pcm(resampler, None)
        except av.FFmpegError as exc:  # a damaged track: keep what decoded
            logger.warning("the audio of %s stopped decoding: %s", self._path, exc)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> "SpeechTrack":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_speech_track(path: str | os.PathLike) -> SpeechTrack | None:
    """The file's first audio track; None when it has none. Raises AudioReadError (one sentence)
    when the file cannot be opened."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        logger.info("cannot open %s for its sound: %s", path, exc)
        raise AudioReadError(f"The sound of {os.path.basename(path)} could not be read ({_why(exc)}).") from None
    if not container.streams.audio:
        container.close()
        return None
    stream = container.streams.audio[0]
    stream.thread_type = "AUTO"
    return SpeechTrack(container, stream, str(path))


def read_speech_pcm(path: str | os.PathLike) -> np.ndarray | None:
    """The whole first audio track as one int16 array (see SpeechTrack.blocks); None without one."""
    track = open_speech_track(path)
    if track is None:
        return None
    with track:
        return np.concatenate([np.zeros(0, np.int16), *track.blocks()])


def _declared_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _why(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the file is not there"
    if isinstance(exc, PermissionError):
        return "no permission to read it"
    return "not a sound or video file Poise can decode"
