"""Feeds the live FrameUpdates of a session's first seconds to vision.setup_check and reports the verdict."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from poise.vision.setup_check import SetupMonitor

logger = logging.getLogger(__name__)


class SetupWatcher(QObject):
    """Connect a FrameUpdate signal to :meth:`on_update_ready`; call :meth:`restart` with the
    calibration dict in use when a session starts. Emits ``setup_checked(verdict)`` once per
    restart (a RecalibrateBanner shows it), and nothing when there is no baseline to compare."""

    setup_checked = Signal(object)  # vision.setup_check.SetupVerdict

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._monitor: SetupMonitor | None = None

    def restart(self, calibration: dict | None) -> None:
        self._monitor = SetupMonitor(calibration)

    def stop(self) -> None:
        self._monitor = None

    def on_update_ready(self, update) -> None:
        if self._monitor is None or self._monitor.done:
            return
        verdict = self._monitor.feed(update.landmarks)
        if verdict is not None:
            self.setup_checked.emit(verdict)
