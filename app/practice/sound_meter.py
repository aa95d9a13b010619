"""The microphone card: which sound source is in use and a live level bar, so the user sees sound is coming in."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from poise.app.practice.meters import MeterBar
from poise.app.review.style import TEXT_MUTED
from poise.vision.audio.inputs import LEVEL_FLOOR_DB

CARD_STYLE = "QFrame#soundCard { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 10px; }"
LEVEL_COLOUR = "#16a34a"


class SoundMeter(QFrame):
    """``set_source(name, problem)`` once per source; ``set_level(db)`` on a timer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("soundCard")
        self.setStyleSheet(CARD_STYLE)
        title = QLabel("Sound")
        title.setStyleSheet("font-weight: 600; color: #1f2937; border: none;")
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.source_label.setStyleSheet(f"color: {TEXT_MUTED}; border: none;")
        self.bar = MeterBar(LEVEL_COLOUR)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 10)
        lay.setSpacing(4)
        lay.addWidget(title)
        lay.addWidget(self.bar)
        lay.addWidget(self.source_label)
        self.set_source(None, "No video source")

    def set_source(self, name: str | None, problem: str | None = None) -> None:
        """``name`` of the sound in use, or None with the ``problem`` in one sentence."""
        self.source_label.setText(name if name else (problem or "No sound"))
        self.bar.set_value(None)

    def set_level(self, db: float | None) -> None:
        """The newest level in dBFS (None: no sound): -60 dB is an empty bar, 0 dB full."""
        self.bar.set_value(None if db is None else max(0.0, min(1.0, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB)))
