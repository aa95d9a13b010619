"""Voice activity: whether the user is speaking, from a file's audio track or a live microphone.

The detector is WebRTC's (``webrtcvad-wheels``, 83 KB, no model download): it labels 30 ms
frames of 16 kHz mono PCM as speech or not. Single frames flicker (room noise, breaths, the
gaps between words), so the raw labels are smoothed by a short majority window with
hysteresis. Files use a centred window (no delay); a live microphone uses the window that ends
at the newest frame, so live decisions lag the voice by about half a window (~0.13 s).
"""

from __future__ import annotations

import bisect
import collections
import logging
import os
import threading
from dataclasses import dataclass
import av
import numpy as np
import webrtcvad

logger = logging.getLogger(__name__)

# webrtcvad accepts 8/16/32/48 kHz and 10/20/30 ms frames; 16 kHz is what speech needs, and
# 30 ms frames give the steadiest labels.
VAD_RATE = 16000
VAD_FRAME_SAMPLES = 480
VAD_FRAME_S = VAD_FRAME_SAMPLES / VAD_RATE
# WebRTC's aggressiveness 0-3. Measured on the shared clip voice__center_left_center.mp4
# (espeak-ng speech over pink noise at -45 dBFS; frames > 0.25 s from a boundary): raw labels
# agree with voice_segments.csv on 97.3 % (mode 0/1), 97.8 % (2), 95.9 % (3); mode 2 marks
# 7 % of the noise as speech against 14 % for modes 0/1.
VAD_MODE = 2
# Smoothing: 9 frames (0.27 s, about one syllable and a short gap); speaking starts when 60 %
# of the window is speech and stops when it falls to 30 % (closes the gaps between words).
# On the same clip: 98.0 % agreement, against 97.8 % for the raw labels of mode 2.
WINDOW_FRAMES = 9
ON_SHARE = 0.6
OFF_SHARE = 0.3
# A live decision older than this (the microphone stalled or stopped) is not used.
LIVE_STALE_S = 0.5
# How much live history is kept to look a frame's time up (inference lags capture by < 0.2 s).
LIVE_HISTORY_S = 10.0
# Decoded audio is fed to the detector in chunks of this many seconds (keeps memory flat).
DECODE_CHUNK_S = 5.0


class _Hysteresis:
    """The majority-window hysteresis applied to a stream of raw 0/1 labels."""

    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state = False

    def step(self, share: float) -> bool:
        self.state = share > OFF_SHARE if self.state else share >= ON_SHARE
        return self.state


def to_vad_pcm(resampler: av.AudioResampler, frame: av.AudioFrame | None) -> np.ndarray:
    """Resample one decoded frame (None = flush) to 16 kHz mono int16 samples."""
    out = resampler.resample(frame)
    if not out:
        return np.zeros(0, np.int16)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in out]).astype(np.int16, copy=False)


def vad_resampler() -> av.AudioResampler:
    return av.AudioResampler(format="s16", layout="mono", rate=VAD_RATE)


class RawLabeller:
    """Cuts a stream of 16 kHz int16 PCM into 30 ms frames and labels each one."""

    def __init__(self) -> None:
        self._vad = webrtcvad.Vad(VAD_MODE)
        self._rest = np.zeros(0, np.int16)

    def feed(self, pcm: np.ndarray) -> list[bool]:
        data = np.concatenate([self._rest, pcm]) if len(self._rest) else pcm
        n = len(data) // VAD_FRAME_SAMPLES
        labels = [self._vad.is_speech(data[i * VAD_FRAME_SAMPLES:(i + 1) * VAD_FRAME_SAMPLES].tobytes(), VAD_RATE)
                  for i in range(n)]
        self._rest = data[n * VAD_FRAME_SAMPLES:].copy()
        return labels


def smooth_centred(raw: np.ndarray) -> np.ndarray:
    """Offline smoothing: the share of speech in a window centred on each frame, with hysteresis."""
    if len(raw) == 0:
        return np.zeros(0, bool)
    share = np.convolve(raw.astype(float), np.ones(WINDOW_FRAMES) / WINDOW_FRAMES, mode="same")
    h = _Hysteresis()
    return np.fromiter((h.step(s) for s in share), bool, len(share))


@dataclass(frozen=True, slots=True)
class VoiceTrack:
    """Speaking or not for each 30 ms of a file's audio; frame k covers [k, k+1) * frame_s."""

    speaking: np.ndarray  # bool, one per VAD frame
    frame_s: float = VAD_FRAME_S

    @property
    def duration_s(self) -> float:
        return len(self.speaking) * self.frame_s

    def speaking_at(self, t: float) -> bool | None:
        """None past the end of the audio (the track is shorter than the video)."""
        k = int(t / self.frame_s)
        if k < 0 or k >= len(self.speaking):
            return None
        return bool(self.speaking[k])

    def segments(self) -> list[tuple[float, float]]:
        """(start_s, end_s) of each stretch of speech."""
        s = np.concatenate([[False], self.speaking, [False]]).astype(np.int8)
        edges = np.flatnonzero(np.diff(s))
        return [(float(a * self.frame_s), float(b * self.frame_s)) for a, b in zip(edges[::2], edges[1::2])]


def voice_track_from_file(path: str | os.PathLike) -> VoiceTrack | None:
    """Voice activity of a file's first audio track; None when it has none or it cannot be decoded."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        logger.info("no audio read from %s: %s", path, exc)
        return None
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        resampler, labeller = vad_resampler(), RawLabeller()
        raw: list[bool] = []
        start: float | None = None
        try:
            for frame in container.decode(stream):
                if start is None and frame.time is not None:
                    start = max(0.0, float(frame.time))
                raw.extend(labeller.feed(to_vad_pcm(resampler, frame)))
            raw.extend(labeller.feed(to_vad_pcm(resampler, None)))
        except av.FFmpegError as exc:  # a damaged track: keep what decoded
            logger.warning("the audio of %s stopped decoding: %s", path, exc)
        if not raw:
            return None
        speaking = smooth_centred(np.array(raw, bool))
        # An audio track that starts late (positive start time) is silent before it begins.
        lead = int(round((start or 0.0) / VAD_FRAME_S))
        if lead:
            speaking = np.concatenate([np.zeros(lead, bool), speaking])
        return VoiceTrack(speaking)


class LiveVoice:
    """Streaming voice activity for a microphone: ``feed`` audio blocks (any rate and layout)
    from the audio thread; ``speaking_at`` a monotonic time from any other thread."""

    def __init__(self) -> None:
        self._resampler = vad_resampler()
        self._labeller = RawLabeller()
        self._window: collections.deque[bool] = collections.deque(maxlen=WINDOW_FRAMES)
        self._hyst = _Hysteresis()
        self._times: collections.deque[float] = collections.deque()
        self._states: collections.deque[bool] = collections.deque()
        self._lock = threading.Lock()
        self._next_t: float | None = None   # time of the next 30 ms VAD frame's end

    def feed(self, samples: np.ndarray, rate: int, captured_at: float) -> None:
        """``samples`` float32 (n, channels) starting at monotonic time ``captured_at``."""
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.T, np.float32), format="fltp",
                                           layout="mono" if samples.shape[1] == 1 else "stereo")
        frame.sample_rate = int(rate)
        pcm = to_vad_pcm(self._resampler, frame)
        if self._next_t is None or abs(self._next_t - captured_at) > LIVE_STALE_S:
            self._next_t = captured_at   # first block, or a gap in the stream: restart the clock
        labels = self._labeller.feed(pcm)
        with self._lock:
            for label in labels:
                self._window.append(label)
                self._next_t += VAD_FRAME_S
                self._times.append(self._next_t)
                self._states.append(self._hyst.step(sum(self._window) / len(self._window)))
            while self._times and self._times[0] < self._next_t - LIVE_HISTORY_S:
                self._times.popleft()
                self._states.popleft()

    def speaking_at(self, t: float) -> bool | None:
        """The newest decision at or before monotonic time ``t``; None when there is none recent."""
        with self._lock:
            k = bisect.bisect_right(self._times, t) - 1
            if k < 0 or t - self._times[k] > LIVE_STALE_S:
                return None
            return self._states[k]
