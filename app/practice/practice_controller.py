"""Glue for the practice workflow: per-camera calibration, mock interviews and the setup check.

It connects widgets that already exist (InterviewPanel, CalibrationPanel, RecalibrateBanner,
SetupWatcher) to the live page and the store; it decides no score. The camera key is the live
source's name ("camera:0", or "file-camera:<file name>" for a video played as the camera), so
each camera keeps its own calibration. That calibration scores every session on the camera
(sessions record its id) and the idle mirror too, so the meters agree with what is saved.
Before the first session on a camera that has no calibration, the banner offers it in one
click (the calibration panel opens beside the mirror and starts its countdown).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from poise.vision.calibration import Calibration
from poise.vision.practice.interview import StoreSegments
from poise.vision.sessions.store import StoreError

from poise.app.practice.calibration_panel import CalibrationPanel, RecalibrateBanner
from poise.app.practice.interview_panel import InterviewPanel
from poise.app.practice.setup_watch import SetupWatcher
from poise.app.practice.live_pipeline import LiveRun

logger = logging.getLogger(__name__)


class PracticeController(QObject):
    """Owns the interview panel, the recalibrate banner and the calibration panel."""

    review_requested = Signal(int)   # a finished mock interview to open in review
    interview_shown = Signal(bool)   # mock interview mode on/off (menu and toggle follow it)
    error_occurred = Signal(str)

    def __init__(self, store, live, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._live = live
        self.interview = InterviewPanel()
        self.banner = RecalibrateBanner()
        self.watcher = SetupWatcher(self)
        self.calibration_panel = CalibrationPanel(store)
        self.calibration_panel.hide()
        self.calibration_panel.calibrated.connect(self._on_calibrated)
        self._interview_session: int | None = None
        self._last_interview: int | None = None
        self._pipeline = None
        self._hinted: set[str] = set()   # cameras already told they are not calibrated
        self.interview.hide()

        live.calibration_provider = self.current_calibration
        live.source_changed.connect(self._on_source_changed)
        live.controller.session_started.connect(self._on_session_started)
        live.controller.running_changed.connect(self._on_running_changed)
        self.interview.start_requested.connect(self.start_interview)
        self.interview.interview_finished.connect(self._on_interview_finished)
        self.interview.review_requested.connect(self._on_review_requested)
        self.watcher.setup_checked.connect(self.banner.show_verdict)
        self.banner.recalibrate_requested.connect(self.calibrate_now)

    # ----- calibration -----------------------------------------------------------------------
    def camera_key(self) -> str | None:
        p = self._live.pipeline()
        return None if p is None else p.source.name

    def current_calibration(self) -> tuple[Calibration | None, int | None, dict | None]:
        """The latest calibration saved for the current camera: (calibration, id, stored dict)."""
        key = self.camera_key()
        if key is None:
            return None, None, None
        try:
            found = self._store.latest_calibration(key)
        except StoreError as exc:
            self.error_occurred.emit(str(exc))
            return None, None, None
        if found is None:
            return None, None, None
        cal_id, data = found
        return Calibration.from_dict(data), cal_id, data

    def open_calibration(self) -> CalibrationPanel | None:
        """Show the calibration panel beside the mirror for the current camera."""
        key = self.camera_key()
        if key is None:
            self.error_occurred.emit("Open a camera or a video file first, then calibrate.")
            return None
        panel = self.calibration_panel
        if panel.camera_key != key and panel.state in ("countdown", "recording", "checking"):
            panel.close()
        panel.camera_key = key
        panel.show()
        self.banner.hide()   # the panel says the same, beside the mirror
        return panel

    @Slot()
    def calibrate_now(self) -> CalibrationPanel | None:
        """One click from the banner: open the panel and start the countdown at once."""
        panel = self.open_calibration()
        if panel is not None and panel.state not in ("countdown", "recording", "checking"):
            panel.start()
        return panel

    @Slot()
    def _offer_calibration(self) -> None:
        """Before the first session on an uncalibrated camera, offer calibration (once per camera)."""
        key = self.camera_key()
        if key is None or key in self._hinted or self._live.controller.is_running():
            return
        _, _, data = self.current_calibration()
        if data is None:
            self._hinted.add(key)
            self.banner.show_uncalibrated()

    @Slot(int, dict)
    def _on_calibrated(self, cal_id: int, data: dict) -> None:
        self.banner.hide()
        self._calibrate_mirror()
        logger.info("calibration %d saved for %s: used by the mirror now and by every next session", cal_id, self.camera_key())

    @Slot()
    def _calibrate_mirror(self) -> None:
        """Between sessions, score the mirror against the camera's calibration too."""
        p = self._live.pipeline()
        if p is None or self._live.controller.is_running():
            return
        calibration, _, _ = self.current_calibration()
        if calibration is not None:
            p.begin_run(LiveRun(calibration=calibration))   # the newest queued run wins

    # ----- mock interview --------------------------------------------------------------------
    @Slot(bool)
    def show_interview(self, on: bool = True) -> None:
        """Mock interview mode on or off; leaving it ends a running interview (its answers are kept)."""
        if not on and self.interview.is_running():
            self.interview.finish()
        if on and self.interview.isHidden() and not self.interview.is_running() and self.interview.flow is not None:
            self.interview.reset()   # reopened after a finished interview: back to the set-up page
        self.interview.setVisible(on)
        self.interview_shown.emit(on)
        if on and not self._live.has_source():
            self.error_occurred.emit("Open a camera or a video file first: the questions appear beside the mirror.")

    @Slot()
    def start_interview(self) -> int | None:
        controller = self._live.controller
        if controller.is_running():
            controller.stop()  # a plain practice session gives way to the interview
        sid = self._live.start_session(kind="mock_interview")
        if sid is None:
            return None
        self._interview_session = sid
        self.interview.begin(lambda: controller.clock() or 0.0, StoreSegments(self._store, sid))
        return sid

    @Slot(list)
    def _on_interview_finished(self, answers: list) -> None:
        if self._interview_session is not None and self._live.controller.session_id() == self._interview_session:
            self._live.controller.stop()
        self._last_interview, self._interview_session = self._interview_session, None

    @Slot()
    def _on_review_requested(self) -> None:
        if self._last_interview is not None:
            self.review_requested.emit(self._last_interview)

    # ----- live updates and session state ----------------------------------------------------
    @Slot(str)
    def _on_source_changed(self, _label: str) -> None:
        p = self._live.pipeline()
        if p is self._pipeline:
            return
        self._pipeline = p
        if p is not None:
            p.update_ready.connect(self._on_update)
            p.models_loaded.connect(self._calibrate_mirror)
            p.models_loaded.connect(self._offer_calibration)

    @Slot(object)
    def _on_update(self, update) -> None:
        self.watcher.on_update_ready(update)
        if self.calibration_panel.isVisible():
            self.calibration_panel.add_update(update)

    @Slot(int)
    def _on_session_started(self, _sid: int) -> None:
        _, _, data = self.current_calibration()
        self.watcher.restart(data)
        key = self.camera_key()
        if data is None and key is not None and key not in self._hinted:
            self._hinted.add(key)   # once per camera: a hint, not a nag
            self.banner.show_uncalibrated()

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        if not running:
            self.watcher.stop()
            if self.interview.is_running():
                self.interview.finish()  # the session ended some other way
            self._calibrate_mirror()
