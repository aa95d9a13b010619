"""The session card: timer, Start/Stop, the record-video choice and a red REC indicator when recording."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_clock

logger = logging.getLogger(__name__)

ACCENT = "#2563eb"
STOP = "#dc2626"
CARD_STYLE = "QFrame#sessionCard { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 10px; }"
REC_STYLE = ("QLabel { color: white; background: #dc2626; border-radius: 9px; padding: 2px 9px;"
             " font-weight: 700; }")


def _button_style(colour: str) -> str:
    return (f"QPushButton {{ background: {colour}; color: white; border: none; border-radius: 8px;"
            f" padding: 10px 16px; font-weight: 600; font-size: 11pt; }}"
            f" QPushButton:disabled {{ background: #cbd5e1; }}")


class SessionPanel(QFrame):
    """Emits ``start_requested`` / ``stop_requested``; ``set_running`` and ``set_elapsed`` update it."""

    start_requested = Signal()
    stop_requested = Signal()
    record_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionCard")
        self.setStyleSheet(CARD_STYLE)
        self._running = False
        title = QLabel("Practice session")
        title.setStyleSheet("font-weight: 600; color: #1f2937; border: none;")
        self.rec_label = QLabel("● REC")
        self.rec_label.setStyleSheet(REC_STYLE)
        self.rec_label.setToolTip("The video of this session is being recorded")
        self.rec_label.hide()
        self.timer_label = QLabel(fmt_clock(0))
        self.timer_label.setStyleSheet("font-size: 22pt; font-weight: 600; color: #111827; border: none;")
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Title, REC badge and clock on one row: the card fits beside a 1024x640 mirror.
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(title, 1)
        head.addWidget(self.rec_label)
        head.addWidget(self.timer_label)
        self.state_label = QLabel("Not recording a session")
        self.state_label.setStyleSheet(f"color: {TEXT_MUTED}; border: none;")
        self.button = QPushButton("Start session")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Space is the window's start/stop key
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self._on_clicked)
        self.record_box = QCheckBox("Also record the video")
        self.record_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.record_box.setToolTip("Saved unmirrored with the session, in your data folder, readable only by you")
        self.record_box.setStyleSheet("border: none;")
        self.record_box.toggled.connect(self.record_toggled)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 10)
        lay.setSpacing(5)
        lay.addLayout(head)
        lay.addWidget(self.state_label)
        lay.addWidget(self.button)
        self._record_row = QHBoxLayout()
        self._record_row.setContentsMargins(0, 0, 0, 0)
        self._record_row.addWidget(self.record_box, 1)
        lay.addLayout(self._record_row)
        self.set_running(False)

    def add_beside_record(self, widget: QWidget) -> None:
        """A small widget right of "Also record the video" (the sound level)."""
        self._record_row.addWidget(widget)

    def set_available(self, available: bool) -> None:
        self.button.setEnabled(available or self._running)

    def set_running(self, running: bool, recording: bool = False) -> None:
        self._running = running
        self.button.setText("Stop session" if running else "Start session")
        self.button.setStyleSheet(_button_style(STOP if running else ACCENT))
        self.record_box.setEnabled(not running)
        self.rec_label.setVisible(running and recording)
        if running:
            self.state_label.setText("Recording video and scores" if recording else "Saving your scores")
        else:
            self.state_label.setText("Your scores are saved while a session runs")

    def set_elapsed(self, seconds: float | None) -> None:
        self.timer_label.setText(fmt_clock(seconds or 0.0))

    def _on_clicked(self) -> None:
        (self.stop_requested if self._running else self.start_requested).emit()
