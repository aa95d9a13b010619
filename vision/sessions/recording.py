"""A session's recording: H.264 video and AAC sound in one MP4, written with PyAV, readable by the user only.

One clock for both streams: video frames and audio blocks carry their capture time on
``time.monotonic()``, and the first video frame is time 0 of the file (and of the session's
scores). Video is constant frame rate: frame n is shown at n / fps. Each picture goes to the
position of its own capture time; a camera running fast has a picture skipped, and a gap (a
stalled camera, or pictures dropped because the encoder fell behind) holds the previous
picture, so no picture is ever shown early or late. Audio is a continuous
sample count; a microphone's clock drifts against the system clock (a 100 ppm crystal is
0.18 s in 30 minutes), so whenever the count and the blocks' capture times disagree by more
than DRIFT_TOLERANCE_S (median over the last few blocks, to ignore callback jitter) silence is
inserted or samples are dropped to bring the sound back onto the picture's clock. The same
rule closes a gap in the sound (a dropout, or the end of a file's track) within a few blocks.
"""

from __future__ import annotations

import collections
import logging
import os
import queue
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from poise.vision.types import Frame

logger = logging.getLogger(__name__)

SUFFIX = ".mp4"
# libx264 at "ultrafast": the encoder shares two cores with live inference. Measured on the
# 1080x720 clip (tfjsmodels__facemesh_demo_input, 90 frames, loaded machine): ultrafast 5.2 ms
# CPU a frame, superfast 8.0, veryfast 11.2; files 887 / 819 / 609 KB. A third of a core at
# 30 fps (veryfast) would come straight out of the scores per second, so the faster preset and
# ~1.5x larger files. CRF 23 is x264's default quality. "zerolatency" drops the look-ahead and
# B-frames, so frames leave the encoder at once and its memory stays flat. yuv420p plays
# everywhere (browsers, QuickTime and the Windows player refuse 4:4:4).
VIDEO_CODEC = "libx264"
VIDEO_OPTIONS = {"preset": "ultrafast", "crf": "23", "tune": "zerolatency"}
PIXEL_FORMAT = "yuv420p"
# AAC-LC (FFmpeg's native encoder) at 96 kb/s per channel: transparent for speech.
AUDIO_CODEC = "aac"
AUDIO_BITRATE_PER_CHANNEL = 96_000
# Sound and picture are kept within this of each other (issue 11 asks for 40 ms).
DRIFT_TOLERANCE_S = 0.02
# Audio blocks whose timing error is compared: 5 blocks (~0.1 s of 20 ms microphone blocks), so
# a gap is closed after 3 blocks while one late callback (jitter) changes nothing.
DRIFT_WINDOW_BLOCKS = 5
# Video frames waiting for the encoder: 1 s at 30 fps. If encoding falls behind for longer,
# frames are dropped (counted; the next frame fills the gap by repetition) rather than letting
# memory grow or the capture thread wait. It also bounds how long closing the file takes when a
# session ends (~30 x 6 ms), which happens on the inference thread.
QUEUE_FRAMES = 30
JOIN_TIMEOUT_S = 15.0
FILE_MODE = 0o600   # the recording shows the user's face and voice: nobody else on the machine reads it
DIR_MODE = 0o700


class RecordingError(RuntimeError):
    """The recording cannot be made; the message is one sentence for the user."""


class AVRecorder:
    """Writes frames and (optionally) sound on its own thread (``poise-av-writer``).

    ``write_frame`` is called from the capture thread, ``write_audio`` from the audio thread;
    neither blocks. ``audio`` is ``(rate, channels)`` or None for a silent recording.
    """

    def __init__(self, path: str | os.PathLike, fps: float, audio: tuple[int, int] | None = None) -> None:
        self.path = Path(path)
        self.fps = Fraction(float(fps)).limit_denominator(1001)
        self.audio = audio
        try:
            self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.close(fd)
        except OSError as exc:
            raise RecordingError(f"The recording {self.path} cannot be created ({exc.strerror or exc}).") from exc
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._video_put = 0                   # frames queued (capture thread) and taken (writer):
        self._video_taken = 0                 # each counter has one writer, so no lock is needed
        self._origin: float | None = None    # capture time of the first video frame
        self._origin_ms: int | None = None
        self._planned = 0                     # the next frame position not yet queued
        self._samples = 0                     # audio samples the file will hold
        self._errors: collections.deque[float] = collections.deque(maxlen=DRIFT_WINDOW_BLOCKS)
        self._audio_lock = threading.Lock()
        self.frames_written = 0
        self.frames_dropped = 0
        self.samples_written = 0
        self.corrections: list[float] = []    # seconds of silence inserted (+) or sound dropped (-)
        self.error: str | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="poise-av-writer", daemon=True)
        self._thread.start()

    # ----- producers -------------------------------------------------------------------------
    def write_frame(self, frame: Frame) -> None:
        """Called on the capture thread for every frame; never blocks."""
        if self._closed or self.error is not None:
            return
        if self._origin_ms is None:
            self._origin_ms = frame.timestamp_ms
            self._origin = frame.captured_at
        position = int((frame.timestamp_ms - self._origin_ms) * float(self.fps) / 1000.0 + 0.5)
        if position < self._planned:
            return   # the camera ran fast: skip, the file keeps its clock
        if self._video_put - self._video_taken >= QUEUE_FRAMES:
            self.frames_dropped += 1   # the writer holds the previous picture over the gap
            return
        self._video_put += 1
        self._queue.put(("v", frame.image, position))
        self._planned = position + 1

    def write_audio(self, samples: np.ndarray, captured_at: float) -> None:
        """Called on the audio thread: float32 (n, channels) whose first sample was captured at
        ``captured_at`` (monotonic). Sound before the first video frame is not kept."""
        if self.audio is None or self._closed or self.error is not None or self._origin is None:
            return
        rate = self.audio[0]
        with self._audio_lock:
            start = captured_at - self._origin
            if self._samples == 0:
                skip = int(round(-start * rate))
                if skip >= len(samples):
                    return
                if skip > 0:
                    samples, start = samples[skip:], 0.0
            self._errors.append(start - self._samples / rate)
            error = float(np.median(self._errors))
            first = self._samples == 0
            if abs(error) > DRIFT_TOLERANCE_S or first:
                n = int(round(error * rate))
                if n > 0:   # the sound fell behind the picture (or starts late): silence fills the gap
                    self._queue.put(("a", np.zeros((n, samples.shape[1]), np.float32), self._samples))
                    self._samples += n
                elif n < 0:  # the sound ran ahead: drop its first samples
                    samples = samples[min(len(samples), -n):]
                if n and not first:
                    self.corrections.append(n / rate)
                self._errors.clear()
            if len(samples):
                self._queue.put(("a", np.ascontiguousarray(samples, np.float32), self._samples))
                self._samples += len(samples)

    # ----- end ---------------------------------------------------------------------------------
    def close(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Write what is queued, finish the file; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.error("recording writer did not finish within %.0f s", timeout)
        try:
            os.chmod(self.path, FILE_MODE)
        except OSError:
            pass

    @property
    def video_backlog(self) -> int:
        """Frames queued and not yet encoded."""
        return self._video_put - self._video_taken

    @property
    def has_sound(self) -> bool:
        return self.samples_written > 0

    # ----- writer thread -----------------------------------------------------------------------
    def _run(self) -> None:
        container = vstream = astream = None
        last, next_position = None, 0   # the newest picture encoded, and the next position to fill
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                if item[0] == "v":
                    self._video_taken += 1
                    _, image, position = item
                    if container is None:
                        container, vstream, astream = self._open(image)
                    # A gap (frames dropped, or a camera that stalled) shows the previous picture
                    # until this one is due: each picture stays at its own time.
                    for gap in range(next_position, position):
                        self._encode_video(vstream, container, last if last is not None else image, gap)
                    last = image
                    self._encode_video(vstream, container, image, position)
                    next_position = position + 1
                elif container is not None and astream is not None:
                    _, samples, first = item
                    self._encode_audio(astream, container, samples, first)
            if container is not None:
                for stream in (vstream, astream):
                    if stream is not None:
                        container.mux(stream.encode(None))
        except Exception as exc:
            self.error = f"The recording stopped ({type(exc).__name__}: {exc})."
            logger.exception("recording failed")
            self._drain()
        finally:
            if container is not None:
                try:
                    container.close()
                except Exception:
                    logger.exception("closing the recording failed")

    def _open(self, image: np.ndarray):
        container = av.open(str(self.path), mode="w", format="mp4", options={"movflags": "+faststart"})
        h, w = image.shape[:2]
        vstream = container.add_stream(VIDEO_CODEC, rate=self.fps, options=dict(VIDEO_OPTIONS))
        vstream.width, vstream.height = w - w % 2, h - h % 2   # 4:2:0 needs even sides
        vstream.pix_fmt = PIXEL_FORMAT
        vstream.codec_context.time_base = 1 / self.fps
        astream = None
        if self.audio is not None:
            rate, channels = self.audio
            astream = container.add_stream(AUDIO_CODEC, rate=rate, layout="mono" if channels == 1 else "stereo")
            astream.bit_rate = AUDIO_BITRATE_PER_CHANNEL * channels
        return container, vstream, astream

    def _encode_video(self, vstream, container, image: np.ndarray, position: int) -> None:
        w, h = vstream.width, vstream.height
        if image.shape[1] != w or image.shape[0] != h:
            image = image[:h, :w]
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        frame.pts = position
        container.mux(vstream.encode(frame))
        self.frames_written += 1

    def _encode_audio(self, astream, container, samples: np.ndarray, first: int) -> None:
        rate, channels = self.audio
        layout = "mono" if channels == 1 else "stereo"
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.T), format="fltp", layout=layout)
        frame.sample_rate = rate
        frame.pts = first
        frame.time_base = Fraction(1, rate)
        container.mux(astream.encode(frame))
        self.samples_written += len(samples)

    def _drain(self) -> None:
        while True:
            if self._queue.get() is None:
                return
