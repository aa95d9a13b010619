"""Guided calibration: sit as you want to sit, look at the lens, a short countdown, a few seconds recorded.

The dialog computes nothing itself: it collects the FrameLandmarks of the live worker's
FrameUpdates (connect the worker's per-frame signal to :meth:`CalibrationDialog.add_update`),
hands them to ``vision.calibration.calibrate`` and saves the result per camera in the store,
together with the setup baseline that ``vision.setup_check`` compares later sessions against.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from poise.app.theme import TEXT_MUTED
from poise.vision.calibration import CalibrationError, calibrate
from poise.vision.setup_check import SETUP_KEY, measure_setup

logger = logging.getLogger(__name__)

COUNTDOWN_S = 3
# Seconds of frames to record: vision.calibration needs >= 15 usable frames; 4 s at 15 Hz
# gives ~60, so a couple of blinks or a glance away still leave plenty.
RECORD_S = 4.0
# No frame for this long while recording means the camera is not running.
NO_FRAMES_TIMEOUT_S = 5.0
INSTRUCTIONS = ("Sit the way you want to sit in an interview: upright, relaxed, at your usual distance.\n"
                "When the countdown ends, look straight into the camera lens (not at the screen) "
                "for a few seconds and keep still.")
ERROR_STYLE = "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px; padding: 8px;"
OK_STYLE = "color: #065f46; background: #ecfdf5; border: 1px solid #a7f3d0; border-radius: 6px; padding: 8px;"


class CalibrationDialog(QDialog):
    """Non-modal. States: intro → countdown → recording → saved (or error, with Try again)."""

    calibrated = Signal(int, dict)  # calibration id in the store, the stored dict
    error_occurred = Signal(str)

    def __init__(self, store, camera_key: str, parent: QWidget | None = None, *,
                 clock=time.monotonic) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calibrate")
        self.setModal(False)
        self.setMinimumWidth(480)
        self._store = store
        self.camera_key = camera_key
        self._clock = clock
        self._state = "intro"
        self._frames: list = []
        self._first_ms: int | None = None
        self._last_frame_at = 0.0
        self._countdown = 0
        self.result: dict | None = None

        title = QLabel("Calibrate for this camera")
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.instructions = QLabel(INSTRUCTIONS)
        self.instructions.setWordWrap(True)
        self.big = QLabel("")
        self.big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.big.setStyleSheet("font-size: 40pt; font-weight: 600; color: #2563eb;")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.status = QLabel("Your baseline is saved for this camera and used by every score from now on.")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {TEXT_MUTED};")
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self._on_close_clicked)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addWidget(self.start_button)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #e5e7eb;")
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(title)
        lay.addWidget(self.instructions)
        lay.addWidget(self.big)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(line)
        lay.addLayout(row)
        self.progress.hide()

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_countdown_tick)
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(500)
        self._watchdog.timeout.connect(self._on_watchdog)

    # ----- flow -------------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def start(self, countdown: int = COUNTDOWN_S) -> None:
        """Begin the countdown (0 records at once)."""
        self._frames, self._first_ms, self.result = [], None, None
        self.status.setStyleSheet(f"color: {TEXT_MUTED};")
        self.start_button.setEnabled(False)
        self.close_button.setText("Cancel")
        self._countdown = int(countdown)
        if self._countdown > 0:
            self._state = "countdown"
            self.big.setText(str(self._countdown))
            self.status.setText("Get comfortable…")
            self._timer.start()
        else:
            self._begin_recording()

    def add_update(self, update) -> None:
        """Slot for the live worker's FrameUpdate (or a bare FrameLandmarks)."""
        if self._state != "recording":
            return
        lm = getattr(update, "landmarks", update)
        self._last_frame_at = self._clock()
        if self._first_ms is None:
            self._first_ms = lm.timestamp_ms
        self._frames.append(lm)
        elapsed = (lm.timestamp_ms - self._first_ms) / 1000.0
        self.progress.setValue(int(100 * min(1.0, elapsed / RECORD_S)))
        if elapsed >= RECORD_S:
            self._finish_recording()

    # ----- internals ----------------------------------------------------------------------------------
    def _on_countdown_tick(self) -> None:
        self._countdown -= 1
        if self._countdown > 0:
            self.big.setText(str(self._countdown))
        else:
            self._timer.stop()
            self._begin_recording()

    def _begin_recording(self) -> None:
        self._state = "recording"
        self.big.setText("Look at the lens")
        self.big.setStyleSheet("font-size: 22pt; font-weight: 600; color: #2563eb;")
        self.status.setText("Recording your baseline… keep still.")
        self.progress.setValue(0)
        self.progress.show()
        self._last_frame_at = self._clock()
        self._watchdog.start()

    def _on_watchdog(self) -> None:
        if self._state == "recording" and self._clock() - self._last_frame_at > NO_FRAMES_TIMEOUT_S:
            self._fail("No picture arrived from the camera; start the camera (or a video as the camera) and try again.")

    def _finish_recording(self) -> None:
        self._watchdog.stop()
        frames, self._frames = self._frames, []
        try:
            cal = calibrate(frames)
        except CalibrationError as exc:
            self._fail(str(exc))
            return
        data = cal.to_dict()
        setup = measure_setup(frames)
        if setup is not None:
            data[SETUP_KEY] = setup.to_dict()
        try:
            cal_id = self._store.save_calibration(self.camera_key, data)
        except Exception as exc:  # StoreError: one sentence
            self._fail(str(exc))
            return
        self.result = data
        self._state = "saved"
        self.progress.hide()
        self.big.setText("✓")
        self.big.setStyleSheet("font-size: 40pt; font-weight: 600; color: #059669;")
        distance = f" You sat about {cal.distance_cm:.0f} cm from the camera." if cal.distance_cm else ""
        self.status.setText(f"Baseline saved from {cal.frames} frames.{distance} "
                            "Scores use it from now on; recalibrate if you move the camera or your seat.")
        self.status.setStyleSheet(OK_STYLE)
        self.start_button.setText("Calibrate again")
        self.start_button.setEnabled(True)
        self.close_button.setText("Done")
        logger.info("calibration %d saved for %s", cal_id, self.camera_key)
        self.calibrated.emit(cal_id, data)

    def _fail(self, message: str) -> None:
        self._timer.stop()
        self._watchdog.stop()
        self._frames = []
        self._state = "error"
        self.progress.hide()
        self.big.setText("")
        self.status.setText(message)
        self.status.setStyleSheet(ERROR_STYLE)
        self.start_button.setText("Try again")
        self.start_button.setEnabled(True)
        self.close_button.setText("Close")
        self.error_occurred.emit(message)

    def _on_close_clicked(self) -> None:
        self._timer.stop()
        self._watchdog.stop()
        self._state = "intro" if self._state != "saved" else self._state
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()
        self._watchdog.stop()
        super().closeEvent(event)


class RecalibrateBanner(QFrame):
    """A quiet, non-modal notice for the live view when the setup no longer fits the calibration."""

    recalibrate_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recalibrateBanner")
        self.setStyleSheet("#recalibrateBanner { background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color: #92400e;")
        self.button = QPushButton("Recalibrate…")
        self.button.clicked.connect(self.recalibrate_requested)
        self.dismiss = QPushButton("Not now")
        self.dismiss.setFlat(True)
        self.dismiss.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.dismiss)
        lay.addWidget(self.button)
        self.hide()

    def show_verdict(self, verdict) -> None:
        """Show a SetupVerdict that does not fit; hide for one that fits."""
        if verdict is None or verdict.fits:
            self.hide()
            return
        self.text.setText(verdict.message)
        self.button.setText("Recalibrate…")   # show_uncalibrated may have changed it
        self.show()

    def show_uncalibrated(self) -> None:
        self.text.setText("This camera is not calibrated yet: a few seconds of calibration make eye contact "
                          "and posture scores fit you and your setup.")
        self.button.setText("Calibrate…")
        self.show()
