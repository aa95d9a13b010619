"""Recording playback with OpenCV on a worker thread: show the frame at a moment, play and pause.

QtMultimedia is not used: it needs the system library libpulse, which a fresh machine (and CI)
lacks, while OpenCV already comes with MediaPipe.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import cv2
import shiboken6
import numpy as np
from PySide6.QtCore import QObject, QRectF, QSize, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QStyle, QToolButton, QVBoxLayout, QWidget

from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_clock

logger = logging.getLogger(__name__)

# Frames wider than this are scaled down on the worker thread: the review pane is never wider,
# and a 1080p frame would cost the GUI thread ~5 ms per paint.
MAX_DISPLAY_WIDTH = 1280
# Some containers report 0 or absurd frame rates; 30 fps is the common camera rate.
FALLBACK_FPS = 30.0
# Bounded wait for the worker thread when the player shuts down (a frame decode takes < 50 ms).
STOP_TIMEOUT_MS = 2000
PLACEHOLDER_BG = QColor("#1f2937")


class PlaybackWorker(QObject):
    """Owns the cv2.VideoCapture; lives on the player's thread, driven by queued signals."""

    opened = Signal(float, float)          # duration in seconds, fps
    frame_ready = Signal(QImage, float)    # image, its time in seconds
    playing_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._cap: cv2.VideoCapture | None = None
        self._fps = FALLBACK_FPS
        self._count = 0
        self._next_index = 0               # index of the frame the next read() returns
        self._lock = threading.Lock()
        self._seek_target: float | None = None
        self._play_origin: tuple[float, float] | None = None  # (monotonic, media t) at play
        self._timer = QTimer(self)         # moves to the worker thread with its parent
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)

    # Called from the GUI thread: only records the latest wish, so rapid seeks collapse to one.
    def set_seek_target(self, t: float) -> None:
        with self._lock:
            self._seek_target = t

    @Slot(str)
    def open(self, path: str) -> None:
        self._stop_timer()
        self._release()
        cap = cv2.VideoCapture(path)
        if not cap.isOpened():
            cap.release()
            self.failed.emit(f"The recording {Path(path).name} could not be opened.")
            return
        fps = cap.get(cv2.CAP_PROP_FPS)
        self._fps = float(fps) if 1.0 <= fps <= 240.0 else FALLBACK_FPS
        self._count = max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
        self._cap, self._next_index = cap, 0
        self.opened.emit(self._count / self._fps, self._fps)
        self._show_next()

    @Slot()
    def seek(self) -> None:
        with self._lock:
            t, self._seek_target = self._seek_target, None
        if t is None or self._cap is None:
            return
        index = int(round(max(0.0, t) * self._fps))
        if self._count:
            index = min(index, self._count - 1)
        if index != self._next_index:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
            self._next_index = index
        self._show_next()
        if self._play_origin is not None:
            self._play_origin = (time.monotonic(), index / self._fps)

    @Slot()
    def play(self) -> None:
        if self._cap is None or self._timer.isActive():
            return
        if self._count and self._next_index >= self._count:   # at the end: start over
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._next_index = 0
        self._play_origin = (time.monotonic(), self._next_index / self._fps)
        self._timer.start(max(5, int(1000 / self._fps / 2)))
        self.playing_changed.emit(True)

    @Slot()
    def pause(self) -> None:
        self._stop_timer()

    @Slot()
    def close(self) -> None:
        self._stop_timer()
        self._release()

    def _on_tick(self) -> None:
        if self._cap is None or self._play_origin is None:
            self._stop_timer()
            return
        wall0, media0 = self._play_origin
        target = int((media0 + time.monotonic() - wall0) * self._fps)
        if target < self._next_index:
            return                         # ahead of the clock: wait for the next tick
        while self._next_index < target:   # behind: skip without converting colours
            if not self._cap.grab():
                self._stop_timer()
                return
            self._next_index += 1
        if not self._show_next():
            self._stop_timer()

    def _show_next(self) -> bool:
        ok, image = self._cap.read() if self._cap is not None else (False, None)
        if not ok or image is None:
            return False
        t = self._next_index / self._fps
        self._next_index += 1
        self.frame_ready.emit(_to_qimage(image), t)
        return True

    def _stop_timer(self) -> None:
        was = self._timer.isActive()
        self._timer.stop()
        self._play_origin = None
        if was:
            self.playing_changed.emit(False)

    def _release(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def _to_qimage(bgr: np.ndarray) -> QImage:
    h, w = bgr.shape[:2]
    if w > MAX_DISPLAY_WIDTH:
        h = int(round(h * MAX_DISPLAY_WIDTH / w))
        w = MAX_DISPLAY_WIDTH
        bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    # copy(): the QImage must own its pixels once the numpy buffer goes away.
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class FrameView(QWidget):
    """Paints the latest frame scaled to fit, or a short message when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._message = "No recording for this session"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 120)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(480, 300)

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def set_message(self, text: str) -> None:
        self._message, self._image = text, None
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), PLACEHOLDER_BG)
        if self._image is None or self._image.isNull():
            p.setPen(QColor("#d1d5db"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            return
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        p.drawImage(QRectF(x, y, size.width(), size.height()), self._image)


class RecordingPlayer(QWidget):
    """A session recording: the frame at any moment, Play/Pause, and its position.

    ``position_changed(t)`` fires for every frame shown (use it to move a timeline cursor).
    Call :meth:`shutdown` (or close the widget) to stop the worker thread.
    """

    position_changed = Signal(float)
    playing_changed = Signal(bool)
    error_occurred = Signal(str)
    _open_requested = Signal(str)
    _seek_requested = Signal()
    _play_requested = Signal()
    _pause_requested = Signal()
    _release_requested = Signal()
    
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._duration = 0.0
        self._position = 0.0
        self._playing = False
        self._thread: QThread | None = None
        self._worker: PlaybackWorker | None = None

        self._view = FrameView()
        self._play_button = QToolButton()
        self._play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._play_button.setAutoRaise(True)
        self._play_button.clicked.connect(self.toggle)
        self._time_label = QLabel()
        self._time_label.setStyleSheet(f"color: {TEXT_MUTED};")
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self._play_button)
        controls.addStretch(1)
        controls.addWidget(self._time_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._view, 1)
        layout.addLayout(controls)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_controls()

    # ----- public API -----------------------------------------------------------------------
    def load(self, path: str | Path | None) -> None:
        """Open a recording (None or a missing file shows a short message instead)."""
        self.pause()
        self._path = Path(path) if path else None
        self._duration, self._position = 0.0, 0.0
        if self._path is None:
            self._view.set_message("No recording for this session")
        elif not self._path.is_file():
            self._view.set_message(f"The recording {self._path.name} is no longer on disk.")
            self._path = None
        else:
            self._view.set_message("Loading the recording…")
            self._ensure_thread()
            self._open_requested.emit(str(self._path))
        if self._path is None and self._worker is not None:
            self._release_requested.emit()   # let go of the previous file
        self._update_controls()

    def has_recording(self) -> bool:
        return self._path is not None

    def seek(self, t: float) -> None:
        """Show the frame at ``t`` seconds (keeps playing from there if playing)."""
        if self._worker is None or self._path is None:
            return
        self._worker.set_seek_target(float(t))
        self._seek_requested.emit()

    def play(self) -> None:
        if self._worker is not None and self._path is not None:
            self._play_requested.emit()

    def pause(self) -> None:
        if self._worker is not None:
            self._pause_requested.emit()

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def is_playing(self) -> bool:
        return self._playing

    def position(self) -> float:
        return self._position

    def duration(self) -> float:
        return self._duration

    def frame_view(self) -> FrameView:
        return self._view

    def shutdown(self) -> None:
        """Stop playback and the worker thread (bounded wait; never terminate())."""
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        _stop(thread, worker)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)

    # ----- thread plumbing --------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        thread = QThread()
        thread.setObjectName("poise-playback")
        worker = PlaybackWorker()
        worker.moveToThread(thread)
        self._open_requested.connect(worker.open)
        self._seek_requested.connect(worker.seek)
        self._play_requested.connect(worker.play)
        self._pause_requested.connect(worker.pause)
        self._release_requested.connect(worker.close)
        worker.opened.connect(self._on_opened)
        worker.frame_ready.connect(self._on_frame_ready)
        worker.playing_changed.connect(self._on_playing_changed)
        worker.failed.connect(self._on_failed)
        # Release the capture and the timer on the worker's own thread as it ends.
        thread.finished.connect(worker.close, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(worker.deleteLater)
        thread.start()
        self._thread, self._worker = thread, worker
        # If the widget is deleted with its window, still stop the thread: a QThread destroyed
        # while running aborts the process. The closure holds the objects, not self.
        self.destroyed.connect(lambda *_: _stop(thread, worker))

    def _on_opened(self, duration: float, fps: float) -> None:
        self._duration = duration
        self._update_controls()

    def _on_frame_ready(self, image: QImage, t: float) -> None:
        if self._path is None:   # a frame of the previous recording, still in the queue
            return
        self._position = t
        self._view.set_image(image)
        self._update_controls()
        self.position_changed.emit(t)

    def _on_playing_changed(self, playing: bool) -> None:
        self._playing = playing
        self._update_controls()
        self.playing_changed.emit(playing)

    def _on_failed(self, message: str) -> None:
        logger.warning("%s", message)
        self._path = None
        self._view.set_message(message)
        self._update_controls()
        self.error_occurred.emit(message)

    def _update_controls(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if self._playing else QStyle.StandardPixmap.SP_MediaPlay
        self._play_button.setIcon(self.style().standardIcon(icon))
        self._play_button.setText("Pause" if self._playing else "Play")
        self._play_button.setEnabled(self._path is not None)
        self._play_button.setToolTip("Play or pause the recording (Space)")
        if self._path is None:
            self._time_label.setText("")
        else:
            self._time_label.setText(f"{fmt_clock(self._position, tenths=True)} / {fmt_clock(self._duration)}")


def _stop(thread: QThread | None, worker: PlaybackWorker | None) -> None:
    if thread is None or not shiboken6.isValid(thread) or not thread.isRunning():
        return
    thread.quit()   # the worker is released on thread.finished (see _ensure_thread)
    if not thread.wait(STOP_TIMEOUT_MS):
        logger.error("playback thread did not stop within %d ms", STOP_TIMEOUT_MS)
