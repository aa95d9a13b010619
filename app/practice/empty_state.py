"""What the Practice page shows without a camera: a friendly way forward, not an error."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from poise.app.theme import TEXT_MUTED

logger = logging.getLogger(__name__)

PRIMARY = ("QPushButton { background: #2563eb; color: white; border: none; border-radius: 8px;"
           " padding: 10px 18px; font-weight: 600; } QPushButton:hover { background: #1d4ed8; }")
SECONDARY = ("QPushButton { background: #ffffff; color: #1f2937; border: 1px solid #d1d5db; border-radius: 8px;"
             " padding: 10px 18px; } QPushButton:hover { background: #f3f4f6; }")
LINK = "QPushButton { color: #2563eb; border: none; background: transparent; padding: 4px; }"
MODELS_NOTE = ("QLabel { color: #991b1b; background: #fef2f2; border: 1px solid #fecaca; border-radius: 8px;"
               " padding: 8px 12px; }")
CARD = "QFrame#emptyCard { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 14px; }"


class EmptyState(QWidget):
    """No camera found: open a video file as the camera, analyse a video, or look again."""

    open_video_requested = Signal()
    analyse_requested = Signal()
    rescan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = QFrame()
        card.setObjectName("emptyCard")
        card.setStyleSheet(CARD)
        card.setMaximumWidth(560)
        self.title = QLabel("No camera found")
        self.title.setStyleSheet("font-size: 18pt; font-weight: 700; color: #111827;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel("Poise works with any webcam. Connect one and look again, or practise with a "
                           "video file played as if it were your camera. You can also score a recording "
                           "you already have.")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setStyleSheet(f"color: {TEXT_MUTED}; font-size: 11pt;")
        self.open_button = QPushButton("Open a video file as camera…")
        self.open_button.setStyleSheet(PRIMARY)
        self.open_button.clicked.connect(self.open_video_requested)
        self.analyse_button = QPushButton("Analyse a video…")
        self.analyse_button.setStyleSheet(SECONDARY)
        self.analyse_button.clicked.connect(self.analyse_requested)
        self.rescan_button = QPushButton("Look for cameras again")
        self.rescan_button.setStyleSheet(LINK)
        self.rescan_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.rescan_button.clicked.connect(self.rescan_requested)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.analyse_button)
        buttons.addStretch(1)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(36, 32, 36, 24)
        inner.setSpacing(14)
        inner.addWidget(self.title)
        inner.addWidget(self.body)
        inner.addSpacing(6)
        inner.addLayout(buttons)
        inner.addWidget(self.rescan_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.models_note = QLabel()
        self.models_note.setWordWrap(True)
        self.models_note.setStyleSheet(MODELS_NOTE)
        self.models_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.models_note.hide()
        inner.insertWidget(2, self.models_note)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def show_models_missing(self, message: str | None) -> None:
        """Say what is missing and what to do (None: the models are there, hide the note)."""
        self.models_note.setText(message or "")
        self.models_note.setVisible(bool(message))
