"""Frame sources: video files, cameras, and the one-slot hand-over used in live mode."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Iterator, Protocol

import cv2

from poise.vision.audio.inputs import FileAudio
from poise.vision.types import Frame

logger = logging.getLogger(__name__)

# Files up to this many pixels a frame (1920x1080) are decoded on ONE FFmpeg thread, which
# is analyze()'s decode thread, and that thread runs niced (analysis.DECODE_NICENESS): on a
# 2-core machine decoding then takes the CPU the models leave idle instead of slowing them.
# Measured (scripts/benchmark.py --decode-ab 6, medians; docs/benchmark.md "Decode A/B"):
# full/bare on the 1920x1080 clip 0.897 with both vs 0.865 with neither, 0.881 / 0.883 with
# only one (FFmpeg's own threads start on the caller's thread, so they are not niced). One thread
# decodes 1080p H.264 in ~6 ms a frame, well ahead of the models' ~20 ms; a 4K frame takes
# ~19 ms, as long as the models, so larger frames keep FFmpeg's default (one thread per core).
SINGLE_DECODE_THREAD_MAX_PIXELS = 1920 * 1080
# A file is called truncated when fewer than this share of its advertised frames decode.
# Containers' frame counts are estimates (seen off by a frame or two on the shared clips).
TRUNCATION_SHARE = 0.9


class SourceError(RuntimeError):
    """A video or camera cannot be used; the message is one sentence for the user."""


class FrameSource(Protocol):
    name: str
    fps: float
    frame_count: int | None  # None when unknown (live)
    is_live: bool

    def __iter__(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


def probe_video(path: str | os.PathLike) -> None:
    """Raise SourceError with a clear sentence if ``path`` is not a readable video."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"{p} does not exist.")
    if p.is_dir():
        raise SourceError(f"{p} is a directory, not a video file.")
    if p.stat().st_size == 0:
        raise SourceError(f"{p} is empty (0 bytes).")
    if not os.access(p, os.R_OK):
        raise SourceError(f"{p} cannot be read (permission denied).")


def _open_capture(path: Path, decode_threads: int | None = None) -> cv2.VideoCapture:
    """Open ``path`` for decoding: FFmpeg on one thread for frames up to 1080p (see above),
    otherwise FFmpeg's default threads, or whichever backend OpenCV finds. ``decode_threads``
    0 asks for FFmpeg's default threads whatever the size (what one thread is worth,
    scripts/benchmark.py)."""
    if decode_threads == 0:
        return cv2.VideoCapture(str(path))
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    if cap.isOpened():
        pixels = cap.get(cv2.CAP_PROP_FRAME_WIDTH) * cap.get(cv2.CAP_PROP_FRAME_HEIGHT)
        if 0 < pixels <= SINGLE_DECODE_THREAD_MAX_PIXELS:
            return cap
    cap.release()
    return cv2.VideoCapture(str(path))


class VideoFileSource:
    """Decode a video file with OpenCV (rotation metadata applied), every ``stride``-th frame.

    Timestamps come from the frame index and the container's frame rate, so they are
    strictly increasing even where the container's own timestamps are not.
    """

    is_live = False

    def __init__(self, path: str | os.PathLike, *, stride: int = 1, decode_threads: int | None = None) -> None:
        """``decode_threads``: None decodes as measured best (see _open_capture); 0 uses
        FFmpeg's default threads."""
        probe_video(path)
        self.path = Path(path)
        self.name = str(self.path)
        self.stride = max(1, int(stride))
        self._cap = _open_capture(self.path, decode_threads)
        if not self._cap.isOpened():
            self._cap.release()
            raise SourceError(f"{self.path} could not be opened as a video (is it a video file?).")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        # Some containers report 0 or absurd rates; 30 fps is the common webcam rate.
        self.fps = float(fps) if 1.0 <= fps <= 240.0 else 30.0
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count: int | None = count if count > 0 else None
        ok, first = self._cap.read()
        if not ok or first is None:
            self._cap.release()
            raise SourceError(f"{self.path} contains no video frames that can be decoded.")
        self.height, self.width = first.shape[:2]
        self._first = first
        self.frames_decoded = 0
        self.warnings: list[str] = []

    @property
    def duration_s(self) -> float | None:
        return None if self.frame_count is None else self.frame_count / self.fps

    def __iter__(self) -> Iterator[Frame]:
        cap, first = self._cap, self._first
        if first is None:
            raise RuntimeError("a VideoFileSource can be iterated once")
        self._first = None
        index, image = 0, first
        while True:
            self.frames_decoded = index + 1
            yield Frame(index, int(round(index * 1000.0 / self.fps)), image)
            for _ in range(self.stride - 1):  # grab() skips without the cost of colour conversion
                if not cap.grab():
                    self._finish(index + 1)
                    return
                index += 1
            ok, image = cap.read()
            index += 1
            if not ok or image is None:
                self._finish(index)
                return

    def _finish(self, frames_seen: int) -> None:
        self.frames_decoded = frames_seen
        if self.frame_count and frames_seen < TRUNCATION_SHARE * self.frame_count:
            msg = (f"{self.path.name}: only {frames_seen} of {self.frame_count} frames could be decoded; "
                   "the file looks truncated, so the part that decoded was analysed.")
            logger.warning(msg)
            self.warnings.append(msg)

    def close(self) -> None:
        self._cap.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def list_cameras(max_index: int = 4) -> list[int]:
    """Indices of cameras that open and deliver a frame (empty on machines without one)."""
    found = []
    for i in range(max_index):
        if os.name != "nt" and not Path(f"/dev/video{i}").exists() and os.uname().sysname == "Linux":
            continue
        cap = cv2.VideoCapture(i)
        try:
            if cap.isOpened() and cap.read()[0]:
                found.append(i)
        finally:
            cap.release()
    return found


class CameraSource:
    """A camera by index; frames are stamped with the capture clock."""

    is_live = True
    frame_count = None

    def __init__(self, index: int = 0, *, width: int = 1280, height: int = 720) -> None:
        self.index = index
        self.name = f"camera:{index}"
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            raise SourceError(f"Camera {index} could not be opened (is it connected and not in use?).")
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if 1.0 <= fps <= 240.0 else 30.0
        self._stop = threading.Event()

    def __iter__(self) -> Iterator[Frame]:
        t0 = time.monotonic()
        index = 0
        while not self._stop.is_set():
            ok, image = self._cap.read()
            now = time.monotonic()
            if not ok:
                raise SourceError(f"{self.name} stopped delivering frames.")
            yield Frame(index, int((now - t0) * 1000), image, captured_at=now)
            index += 1

    def close(self) -> None:
        self._stop.set()
        self._cap.release()


class PacedFileSource:
    """A video file played at its own frame rate, as if it were a camera (demos and tests).

    Loops back to the start at the end when ``loop`` is set. ``audio_input()`` gives the file's
    own sound track as a microphone, started in step with each pass over the pictures.
    """

    is_live = True
    frame_count = None

    def __init__(self, path: str | os.PathLike, *, loop: bool = False) -> None:
        probe_video(path)
        self.path = Path(path)
        self.name = f"file-camera:{self.path.name}"
        self.loop = loop
        with VideoFileSource(path) as probe:
            self.fps = probe.fps
            self._pass_s = None if probe.frame_count is None else probe.frame_count / probe.fps
        self._stop = threading.Event()
        self._audio: FileAudio | None = None

    def audio_input(self) -> FileAudio:
        """The file's sound as a microphone (raises AudioUnavailable when it has none)."""
        if self._audio is None:
            self._audio = FileAudio(self.path, pass_s=self._pass_s)
        return self._audio

    def __iter__(self) -> Iterator[Frame]:
        period = 1.0 / self.fps
        t0 = time.monotonic()
        index = 0
        while not self._stop.is_set():
            src = VideoFileSource(self.path)
            if self._audio is not None:   # the sound starts with this pass's first picture
                self._audio.begin_loop(t0 + index * period)
            try:
                for f in src:
                    if self._stop.is_set():
                        return
                    due = t0 + index * period
                    delay = due - time.monotonic()
                    if delay > 0:
                        self._stop.wait(delay)
                    # Stamped with the moment the picture is due, as a camera stamps exposure time,
                    # not when a busy thread got round to it: the file's sound (FileAudio) is
                    # stamped the same way, so picture and sound share one clock; a late frame
                    # counts its lateness in the capture-to-score latency.
                    yield Frame(index, int(round((due - t0) * 1000)), f.image, captured_at=due)
                    index += 1
            finally:
                src.close()
            if not self.loop:
                return

    def close(self) -> None:
        self._stop.set()


class LatestFrameSource:
    """Live hand-over between a capture thread and the inference thread.

    A one-slot queue: ``offer()`` never blocks; when the slot is still full the older frame
    is dropped and counted, so inference always works on the newest frame and latency
    cannot build up. Iterating yields frames until ``close()``.
    """

    is_live = True
    frame_count = None

    def __init__(self, name: str, fps: float) -> None:
        self.name = name
        self.fps = fps
        self._slot: queue.Queue[Frame | None] = queue.Queue(maxsize=1)
        self._closed = threading.Event()
        self.offered = 0
        self.dropped = 0

    def offer(self, frame: Frame) -> None:
        self.offered += 1
        while True:
            try:
                self._slot.put_nowait(frame)
                return
            except queue.Full:
                try:
                    self._slot.get_nowait()
                    self.dropped += 1
                except queue.Empty:
                    pass

    def __iter__(self) -> Iterator[Frame]:
        while not self._closed.is_set():
            try:
                frame = self._slot.get(timeout=0.1)
            except queue.Empty:
                continue
            if frame is None:
                return
            yield frame

    def close(self) -> None:
        self._closed.set()
        try:
            self._slot.put_nowait(None)
        except queue.Full:
            pass


class FrameListSource:
    """In-memory frames (BGR arrays) at a fixed rate: for frames built by transforming real
    footage (tests with ground truth by construction) and for benchmarks."""

    is_live = False
    stride = 1

    def __init__(self, images, fps: float, name: str = "frames") -> None:
        self._images = list(images)
        self.fps = float(fps)
        self.name = name
        self.frame_count = len(self._images)
        self.warnings: list[str] = []

    def __iter__(self) -> Iterator[Frame]:
        for i, image in enumerate(self._images):
            yield Frame(i, int(round(i * 1000.0 / self.fps)), image)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def read_frames(path: str | os.PathLike, *, limit: int | None = None, stride: int = 1) -> tuple[list, float]:
    """Decode a video file into a list of BGR frames (and its fps)."""
    with VideoFileSource(path, stride=stride) as src:
        frames = []
        for f in src:
            frames.append(f.image)
            if limit is not None and len(frames) >= limit:
                break
        return frames, src.fps / stride
