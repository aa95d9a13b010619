"""Optional video recording of a live session: the unmirrored frames, readable by the user only."""

from __future__ import annotations

import logging
import os
import queue
import threading
from pathlib import Path

import cv2

from poise.vision.types import Frame

logger = logging.getLogger(__name__)

# mp4v (MPEG-4 Part 2) is in every OpenCV build with FFmpeg, needs no licence-encumbered
# encoder, and the review player (OpenCV) reads it back.
FOURCC = "mp4v"
SUFFIX = ".mp4"
# Frames waiting for the encoder: 2 s at 30 fps. If encoding falls behind for longer, frames
# are dropped (counted) rather than letting memory grow or the capture thread wait.
QUEUE_FRAMES = 60
JOIN_TIMEOUT_S = 10.0
FILE_MODE = 0o600   # the recording shows the user's face: nobody else on the machine reads it
DIR_MODE = 0o700


class RecordingError(RuntimeError):
    """The recording cannot be made; the message is one sentence for the user."""


class VideoRecorder:
    """Writes frames on its own thread (``poise-video-writer``), keeping the video's clock
    equal to the capture clock: a frame is repeated or skipped so frame n of the file is at
    n / fps seconds after the first frame, which is where the review looks for it."""

    def __init__(self, path: str | os.PathLike, fps: float) -> None:
        self.path = Path(path)
        self.fps = float(fps)
        try:
            self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.close(fd)
        except OSError as exc:
            raise RecordingError(f"The recording {self.path} cannot be created ({exc.strerror or exc}).") from exc
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self._origin_ms: int | None = None
        self._planned = 0          # frames the file will hold once the queue is written
        self.frames_written = 0
        self.frames_dropped = 0
        self.error: str | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="poise-video-writer", daemon=True)
        self._thread.start()

    def write(self, frame: Frame) -> None:
        """Called on the capture thread for every frame; never blocks."""
        if self._closed or self.error is not None:
            return
        if self._origin_ms is None:
            self._origin_ms = frame.timestamp_ms
        due = int((frame.timestamp_ms - self._origin_ms) * self.fps / 1000.0 + 0.5) + 1
        repeats = due - self._planned
        if repeats <= 0:
            return   # the camera ran fast: skip, the file keeps its clock
        try:
            self._queue.put_nowait((frame.image, repeats))
            self._planned = due
        except queue.Full:
            self.frames_dropped += 1   # the next frame written fills the gap by repetition

    def close(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Write what is queued, finish the file; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.error("video writer did not finish within %.0f s", timeout)
        try:
            os.chmod(self.path, FILE_MODE)
        except OSError:
            pass

    def _run(self) -> None:
        writer = None
        size = None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                image, repeats = item
                if writer is None:
                    h, w = image.shape[:2]
                    size = (w, h)
                    writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*FOURCC), self.fps, size)
                    if not writer.isOpened():
                        self.error = f"The recording {self.path.name} could not be started (no video encoder)."
                        logger.error(self.error)
                        return
                if (image.shape[1], image.shape[0]) != size:
                    image = cv2.resize(image, size)
                for _ in range(repeats):
                    writer.write(image)
                    self.frames_written += 1
        except Exception as exc:
            self.error = f"The recording stopped ({type(exc).__name__}: {exc})."
            logger.exception("video recording failed")
        finally:
            if writer is not None:
                writer.release()
            self._drain()

    def _drain(self) -> None:
        while not self._closed or not self._queue.empty():
            try:
                if self._queue.get(timeout=0.2) is None:
                    return
            except queue.Empty:
                if self._closed:
                    return
