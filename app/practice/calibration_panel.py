"""Guided calibration beside the mirror: sit as you want to sit, look at the lens, a short
countdown, four seconds recorded; then, optionally, the 30-second "Check Poise on me".

The panel sits on the Practice page next to the live mirror (never over it), so the user sees
themselves while calibrating. It computes nothing itself: it collects the live FrameUpdates
(connect them to :meth:`CalibrationPanel.add_update`), hands the landmarks to
``vision.calibration.calibrate`` (which refuses a capture with movement or a look away) and
saves the result per camera in the store, with the setup baseline that ``vision.setup_check``
compares later sessions against; the self-check's scores go to ``vision.self_check``, and its
result is kept with the calibration.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

from poise.app.theme import TEXT_MUTED
from poise.vision.calibration import CalibrationError, calibrate
from poise.vision.practice.self_check import SELF_CHECK_KEY, STEPS, TOTAL_S, SelfCheck, summary_line
from poise.vision.setup_check import SETUP_KEY, measure_setup

logger = logging.getLogger(__name__)

COUNTDOWN_S = 3
# Seconds of frames to record: vision.calibration needs >= 15 usable frames; 4 s at 15 Hz
# gives ~60, so a couple of blinks or a glance away still leave plenty.
RECORD_S = 4.0
# No frame for this long while recording means the camera is not running.
NO_FRAMES_TIMEOUT_S = 5.0
# The panel's width beside the mirror: ~38 characters of body text a line, so the
# instructions wrap to a few lines; the mirror keeps the rest (tests/test_window_fit.py).
PANEL_WIDTH = 300
INSTRUCTIONS = ("Sit the way you want to sit in an interview: upright, relaxed, at your usual distance. "
                "When the countdown ends, look straight into the camera lens (not at the screen) "
                "for four seconds and keep still.")
WHAT_IT_CHANGES = ("Calibration learns where your eyes point when you look into this camera's lens and how "
                   "you sit upright in front of it. Eye contact and posture are then judged against you "
                   "on this camera; without it they are judged against averages and, for posture, against "
                   "how you sat earlier in the session.")
CHECK_INTRO = (f"Optional: a {TOTAL_S:.0f}-second check that Poise sees you on this camera, light and seat. "
               "It asks for five things, one at a time, and shows whether it saw each.")
ERROR_STYLE = "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px; padding: 8px;"
OK_STYLE = "color: #065f46; background: #ecfdf5; border: 1px solid #a7f3d0; border-radius: 6px; padding: 8px;"
WARN_STYLE = "color: #92400e; background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 8px;"


class CalibrationPanel(QFrame):
    """States: intro → countdown → recording → saved (or error, with Try again) → checking → checked."""

    calibrated = Signal(int, dict)  # calibration id in the store, the stored dict
    checked = Signal(int, dict)     # calibration id, the stored dict with its self-check result
    error_occurred = Signal(str)

    def __init__(self, store, camera_key: str | None = None, parent: QWidget | None = None, *,
                 clock=time.monotonic) -> None:
        super().__init__(parent)
        self.setObjectName("calibrationPanel")
        self.setStyleSheet("#calibrationPanel { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 10px; }")
        self.setFixedWidth(PANEL_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._store = store
        self.camera_key = camera_key
        self._clock = clock
        self._state = "intro"
        self._frames: list = []
        self._first_ms: int | None = None
        self._last_frame_at = 0.0
        self._countdown = 0
        self.result: dict | None = None
        self.calibration_id: int | None = None
        self.check: SelfCheck | None = None

        title = QLabel("Calibrate for this camera")
        title.setWordWrap(True)
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.instructions = QLabel(INSTRUCTIONS)
        self.instructions.setWordWrap(True)
        self.what = QLabel(WHAT_IT_CHANGES)
        self.what.setWordWrap(True)
        self.what.setStyleSheet(f"color: {TEXT_MUTED};")
        self.big = QLabel("")
        self.big.setWordWrap(True)
        self.big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.big.setStyleSheet("font-size: 32pt; font-weight: 600; color: #2563eb;")
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
        self.check_intro = QLabel(CHECK_INTRO)
        self.check_intro.setWordWrap(True)
        self.check_button = QPushButton(f"Check Poise on me ({TOTAL_S:.0f} s)")
        self.check_button.clicked.connect(lambda: self.start_check())
        self.step_labels: dict[str, QLabel] = {}
        steps = QVBoxLayout()
        steps.setSpacing(2)
        for step in STEPS:
            label = QLabel()
            label.setWordWrap(True)
            self.step_labels[step.key] = label
            steps.addWidget(label)
        self.check_box = QWidget()
        check_lay = QVBoxLayout(self.check_box)
        check_lay.setContentsMargins(0, 0, 0, 0)
        check_lay.addWidget(self.check_intro)
        check_lay.addLayout(steps)
        check_lay.addWidget(self.check_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addWidget(self.start_button)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #e5e7eb;")
        body = QWidget()
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(0, 0, 4, 0)
        body_lay.setSpacing(8)
        body_lay.addWidget(title)
        body_lay.addWidget(self.instructions)
        body_lay.addWidget(self.what)
        body_lay.addWidget(self.big)
        body_lay.addWidget(self.progress)
        body_lay.addWidget(self.status)
        body_lay.addWidget(self.check_box)
        body_lay.addStretch(1)
        # On a short window the text scrolls rather than being squashed (never clipped).
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(8)
        lay.addWidget(self.scroll, 1)
        lay.addWidget(line)
        lay.addLayout(row)
        self.progress.hide()
        self.check_box.hide()
        self._show_steps({})

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
        self._frames, self._first_ms, self.result, self.calibration_id, self.check = [], None, None, None, None
        self.check_box.hide()
        self.instructions.show()
        self.what.show()
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
        """Slot for the live worker's FrameUpdate (or a bare FrameLandmarks while recording)."""
        if self._state == "checking":
            self._feed_check(update)
            return
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
        if self._state in ("recording", "checking") and self._clock() - self._last_frame_at > NO_FRAMES_TIMEOUT_S:
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
        self.calibration_id = cal_id
        self._state = "saved"
        self.progress.hide()
        self.instructions.hide()
        self.what.hide()
        self.big.setText("✓")
        self.big.setStyleSheet("font-size: 32pt; font-weight: 600; color: #059669;")
        distance = f" You sat about {cal.distance_cm:.0f} cm from the camera." if cal.distance_cm else ""
        self.status.setText(f"Baseline saved from {cal.frames} frames.{distance} "
                            "Scores use it from now on; recalibrate if you move the camera or your seat.")
        self.status.setStyleSheet(OK_STYLE)
        self.start_button.setText("Calibrate again")
        self.start_button.setEnabled(True)
        self.close_button.setText("Done")
        self._show_steps({})
        self.check_intro.show()
        self.check_box.show()
        logger.info("calibration %d saved for %s", cal_id, self.camera_key)
        self.calibrated.emit(cal_id, data)

    # ----- "Check Poise on me" ---------------------------------------------------------------
    def start_check(self) -> None:
        """The guided self-check; needs a calibration saved by this panel."""
        if self.calibration_id is None or self.result is None:
            return
        self.check = SelfCheck()
        self._state = "checking"
        self.check_intro.hide()
        self._show_steps({})
        self.check_button.setEnabled(False)
        self.start_button.setEnabled(False)
        self.close_button.setText("Cancel")
        self.status.setStyleSheet(f"color: {TEXT_MUTED};")
        self.big.setStyleSheet("font-size: 16pt; font-weight: 600; color: #2563eb;")
        self.big.setText(STEPS[0].instruction)
        self.status.setText(f"Step 1 of {len(STEPS)}")
        self.progress.setValue(0)
        self.progress.show()
        self._last_frame_at = self._clock()
        self._watchdog.start()

    def _feed_check(self, update) -> None:
        scores = getattr(update, "scores", None)
        if scores is None or self.check is None:
            return
        now = self._clock()
        self._last_frame_at = now
        # The panel's own clock: the mirror's run (and its score times) may restart meanwhile.
        self.check.feed(dataclasses.replace(scores, t=now))
        self._show_steps(self.check.results)
        if self.check.done:
            self._finish_check()
            return
        k = STEPS.index(self.check.step)
        self.big.setText(self.check.step.instruction)
        self.status.setText(f"Step {k + 1} of {len(STEPS)}: {self.check.remaining_s(now):.0f} s left")
        elapsed = sum(s.seconds for s in STEPS[:k]) + self.check.step.seconds - self.check.remaining_s(now)
        self.progress.setValue(int(100 * min(1.0, elapsed / TOTAL_S)))

    def _finish_check(self) -> None:
        self._watchdog.stop()
        result = self.check.to_dict()
        data = {**self.result, SELF_CHECK_KEY: result}
        try:
            self._store.update_calibration(self.calibration_id, data)
        except Exception as exc:  # StoreError: one sentence
            self._fail(str(exc))
            return
        self.result = data
        self._state = "checked"
        self.progress.hide()
        seen, total = result["seen"], result["total"]
        self.big.setText(f"{seen} of {total}")
        self.big.setStyleSheet("font-size: 32pt; font-weight: 600; color: %s;" % ("#059669" if seen == total else "#b45309"))
        trust = ("Poise saw everything you did on this setup." if seen == total else
                 "Trust the scores for what it missed less here; better light, or shoulders and hands "
                 "in view, usually help.")
        self.status.setText(f"Poise saw {seen} of {total}. {trust} Saved with this calibration.")
        self.status.setStyleSheet(OK_STYLE if seen == total else WARN_STYLE)
        self.check_button.setText("Check again")
        self.check_button.setEnabled(True)
        self.start_button.setEnabled(True)
        self.close_button.setText("Done")
        logger.info("self-check for calibration %d: %s", self.calibration_id, summary_line(result))
        self.checked.emit(self.calibration_id, data)

    def _show_steps(self, results: dict) -> None:
        current = self.check.step.key if self.check is not None and self._state == "checking" and self.check.step else None
        for step in STEPS:
            if step.key in results:
                seen = results[step.key]
                mark = ("✓ seen" if seen else "✗ not seen") if seen is not None else "– could not tell (not in view)"
                colour = "#059669" if seen else ("#b91c1c" if seen is not None else TEXT_MUTED)
            else:
                mark, colour = ("now" if step.key == current else ""), ("#2563eb" if step.key == current else TEXT_MUTED)
            self.step_labels[step.key].setText(f"{step.instruction.rstrip('.')}" + (f": {mark}" if mark else ""))
            self.step_labels[step.key].setStyleSheet(f"color: {colour};")

    def _fail(self, message: str) -> None:
        self._timer.stop()
        self._watchdog.stop()
        self._frames = []
        self._state = "error"
        self.progress.hide()
        self.check_box.hide()
        self.instructions.show()
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
        if self._state not in ("saved", "checked"):
            self._state = "intro"
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
        self.text.setText("This camera is not calibrated yet: four seconds looking into the lens let Poise judge "
                          "eye contact and posture against you.")
        self.button.setText("Calibrate now (4 s)")
        self.show()
