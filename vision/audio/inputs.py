"""Audio inputs that feed listeners with blocks stamped on the capture clock (time.monotonic()).

``Microphone`` wraps sounddevice (PortAudio); ``FileAudio`` plays a video file's audio track at
its own pace, started by the ``PacedFileSource`` that plays the same file's pictures, so
`poise --camera-file VIDEO` has sound in step with the picture and the whole path runs without
hardware. A listener gets ``(samples, captured_at)``: float32 samples shaped (n, channels)
and the monotonic time of the first sample.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Callable

import av
import numpy as np

logger = logging.getLogger(__name__)

Listener = Callable[[np.ndarray, float], None]

# Microphone: mono is all speech needs and halves the data; 48 kHz is the native rate of most
# USB and laptop microphones (PortAudio's default device rate is used when it differs).
MIC_CHANNELS = 1
# A file's audio is handed out in 20 ms blocks, a typical microphone callback size.
FILE_BLOCK_S = 0.02
# Level meter: the RMS of the newest block, in dBFS; below the floor the meter shows nothing.
LEVEL_FLOOR_DB = -60.0
JOIN_TIMEOUT_S = 2.0


class AudioUnavailable(RuntimeError):
    """No sound can be captured; the message is one sentence for the user."""


class AudioInput:
    """Fan-out of audio blocks to listeners, with the newest level for a meter."""

    name = "audio"
    rate = 48000
    channels = 1

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self.level_db: float | None = None   # newest block's RMS level
        self.blocks = 0
        self.error: str | None = None

    def add_listener(self, fn: Listener) -> None:
        with self._lock:
            self._listeners = [*self._listeners, fn]

    def remove_listener(self, fn: Listener) -> None:
        with self._lock:
            self._listeners = [f for f in self._listeners if f is not fn]

    def _deliver(self, samples: np.ndarray, captured_at: float) -> None:
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
        self.level_db = max(LEVEL_FLOOR_DB, 20.0 * np.log10(rms)) if rms > 0 else LEVEL_FLOOR_DB
        self.blocks += 1
        for fn in self._listeners:   # a copied list: listeners may change from another thread
            try:
                fn(samples, captured_at)
            except Exception:
                logger.exception("audio listener failed; it is removed")
                self.remove_listener(fn)

    def start(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def list_microphones() -> list[str]:
    """Names of the input devices PortAudio sees; empty without PortAudio or without one."""
    try:
        import sounddevice as sd   # raises OSError when the PortAudio library is missing
        return [d["name"] for d in sd.query_devices() if d.get("max_input_channels", 0) > 0]
    except Exception as exc:   # no library, no server, no permission: no microphone
        logger.info("no microphones listed: %s", exc)
        return []


class Microphone(AudioInput):
    """A PortAudio input stream; ``start()`` raises AudioUnavailable with a sentence when it cannot open."""

    def __init__(self, device: str | None = None) -> None:
        super().__init__()
        self.device = device or None
        self.name = f"microphone:{device or 'default'}"
        self.channels = MIC_CHANNELS
        self._stream = None

    def start(self) -> None:
        try:
            import sounddevice as sd
        except OSError as exc:
            raise AudioUnavailable("Sound cannot be recorded: the PortAudio library is missing "
                                   "(install libportaudio2).") from exc
        try:
            info = sd.query_devices(self.device, "input")
            self.rate = int(info["default_samplerate"])
            self._stream = sd.InputStream(device=self.device, channels=self.channels, samplerate=self.rate,
                                          dtype="float32", callback=self._callback)
            self._stream.start()
        except Exception as exc:   # PortAudioError, ValueError (no such device), permission
            self._stream = None
            logger.warning("microphone %r could not be opened: %s", self.device, exc)
            what = f"The microphone {self.device!r} could not be opened" if self.device else "No microphone could be opened"
            raise AudioUnavailable(f"{what} (is one connected, and may Poise use it?).") from exc

    def _callback(self, indata, frames, time_info, status) -> None:
        now = time.monotonic()
        # How long ago the block's first sample reached the converter, on PortAudio's clock;
        # some host APIs give 0 for both times, then the block's own length is the best guess.
        age = float(time_info.currentTime - time_info.inputBufferAdcTime)
        if not 0.0 < age < 1.0:
            age = frames / self.rate
        if status:
            logger.debug("microphone status: %s", status)
        self._deliver(indata.copy(), now - age)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:
                logger.exception("closing the microphone failed")


class FileAudio(AudioInput):
    """A video file's audio track as a microphone, paced by the caller's clock.

    ``begin_loop(t0)`` (called by PacedFileSource when its pictures start, or start again on
    a loop) plays the track from its start with sample n due at ``t0 + n / rate``; blocks are
    delivered once they are due, as a microphone's would be. A pass of sound ends with the
    pictures' pass (``pass_s``, the video's length): a sound track a little longer than the
    video (AAC pads its last frame) would otherwise overlap the next pass.
    """

    def __init__(self, path: str | os.PathLike, pass_s: float | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.pass_s = pass_s
        self.name = f"file-audio:{self.path.name}"
        try:
            with av.open(str(self.path)) as c:
                if not c.streams.audio:
                    raise AudioUnavailable(f"{self.path.name} has no sound track.")
                s = c.streams.audio[0]
                self.rate = int(s.codec_context.sample_rate or s.rate)
                self.channels = min(2, max(1, s.codec_context.channels or 1))
        except (av.FFmpegError, OSError) as exc:
            raise AudioUnavailable(f"The sound of {self.path.name} cannot be read ({exc}).") from exc
        self._loops: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="poise-file-audio", daemon=True)
            self._thread.start()

    def begin_loop(self, t0: float) -> None:
        self._loops.put(t0)

    def close(self) -> None:
        self._stop.set()
        self._loops.put(None)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(JOIN_TIMEOUT_S)

    def _run(self) -> None:
        t0 = self._loops.get()
        while t0 is not None and not self._stop.is_set():
            try:
                t0 = self._play(t0)
            except Exception as exc:
                self.error = f"The sound of {self.path.name} could not be played ({exc})."
                logger.exception("file audio failed")
                return

    def _play(self, t0: float):
        """Play from the start with sample 0 at t0; returns the next loop's t0 (None = stop).

        The pictures announce their next pass a frame early; the sound of this pass plays on
        up to the moment the next pass starts, so there is no gap at the seam."""
        layout = "mono" if self.channels == 1 else "stereo"
        resampler = av.AudioResampler(format="flt", layout=layout, rate=self.rate)
        block = max(1, int(round(FILE_BLOCK_S * self.rate)))
        pending = np.zeros((0, self.channels), np.float32)
        sent = 0
        self._next: float | None = None
        ended = False
        with av.open(str(self.path)) as c:
            for frame in c.decode(audio=0):
                if ended:
                    break
                for out in resampler.resample(frame):
                    pending = np.concatenate([pending, out.to_ndarray().reshape(-1, self.channels)])
                while len(pending) >= block:
                    n = block
                    if self.pass_s is not None:   # the pictures' pass is over: so is the sound's
                        n = min(n, int(round(self.pass_s * self.rate)) - sent)
                    if self._next is not None:   # cut this pass at the next one's start
                        n = min(n, int(round((self._next - t0) * self.rate)) - sent)
                    if n <= 0:
                        if self._next is not None:
                            return self._next
                        pending, ended = pending[:0], True
                        break
                    if self._wait_until(t0 + (sent + n) / self.rate):
                        return None
                    self._deliver(pending[:n], t0 + sent / self.rate)
                    pending, sent = pending[n:], sent + n
        if self.pass_s is not None:
            pending = pending[:max(0, int(round(self.pass_s * self.rate)) - sent)]
        if len(pending) and self._next is None:
            self._deliver(pending, t0 + sent / self.rate)
        return self._next if self._next is not None else self._loops.get()   # wait for the next pass

    def _wait_until(self, due: float) -> bool:
        """Sleep until ``due``; True when asked to stop. A next pass announced meanwhile is kept in _next."""
        while True:
            delay = due - time.monotonic()
            try:
                item = self._loops.get(timeout=delay) if delay > 0 else self._loops.get_nowait()
            except queue.Empty:
                if time.monotonic() >= due:
                    return False
                continue
            if item is None:
                return True
            self._next = item
