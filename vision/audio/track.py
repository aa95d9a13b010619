"""A file's first audio track, decoded whole to 16 kHz mono PCM (the input of the speech model)."""

from __future__ import annotations

import logging
import os

import av
import numpy as np

from poise.vision.audio.voice import VAD_RATE, to_vad_pcm, vad_resampler

logger = logging.getLogger(__name__)

#: Speech models (Whisper, Silero, WebRTC) take 16 kHz mono.
SPEECH_RATE = VAD_RATE


class AudioReadError(RuntimeError):
    """The file's sound cannot be read; the message is one sentence for the user."""


def read_speech_pcm(path: str | os.PathLike) -> np.ndarray | None:
    """The first audio track as int16 samples at SPEECH_RATE, on the file's clock (a track that
    starts late is padded with silence); None when the file has no audio track. A track that stops
    decoding part-way gives what decoded before (logged); a file that cannot be opened raises."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        logger.info("cannot open %s for its sound: %s", path, exc)
        raise AudioReadError(f"The sound of {os.path.basename(path)} could not be read ({_why(exc)}).") from None
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        resampler = vad_resampler()
        parts: list[np.ndarray] = []
        start: float | None = None
        try:
            for frame in container.decode(stream):
                if start is None and frame.time is not None:
                    start = max(0.0, float(frame.time))
                parts.append(to_vad_pcm(resampler, frame))
            parts.append(to_vad_pcm(resampler, None))
        except av.FFmpegError as exc:  # a damaged track: keep what decoded
            logger.warning("the audio of %s stopped decoding: %s", path, exc)
    lead = np.zeros(int(round((start or 0.0) * SPEECH_RATE)), np.int16)
    return np.concatenate([lead, *parts]) if parts else lead


def _why(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the file is not there"
    if isinstance(exc, PermissionError):
        return "no permission to read it"
    return "not a sound or video file Poise can decode"
