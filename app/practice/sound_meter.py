"""A compact sound level beside "Also record the video", so the user sees that sound is coming in (or why not)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from poise.app.practice.meters import MeterBar
from poise.app.theme import TEXT_MUTED
from poise.vision.audio.inputs import LEVEL_FLOOR_DB

LEVEL_COLOUR = "#16a34a"
# Wide enough to see speech move the bar, narrow enough to share the session card's last row.
BAR_WIDTH_PX = 48


class SoundMeter(QWidget):
    """``set_source(name, problem)`` once per source; ``set_level(db)`` with each frame. The source's
    name, or why there is no sound, is the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = QLabel()
        self.state_label.setStyleSheet(f"color: {TEXT_MUTED}; border: none;")
        self.bar = MeterBar(LEVEL_COLOUR)
        self.bar.setFixedWidth(BAR_WIDTH_PX)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.state_label)
        row.addWidget(self.bar)
        self.set_source(None, "No video source")

    def set_source(self, name: str | None, problem: str | None = None) -> None:
        """``name`` of the sound in use, or None with the ``problem`` in one sentence."""
        self.state_label.setText("Sound" if name else "No sound")
        self.bar.setVisible(bool(name))
        self.setToolTip(name if name else (problem or "No sound"))
        self.bar.set_value(None)

    def description(self) -> str:
        return self.toolTip()

    def set_level(self, db: float | None) -> None:
        """The newest level in dBFS (None: no sound): -60 dB is an empty bar, 0 dB full. Called
        with each camera frame; the bar eases towards it (the easing so far is applied first, so a
        new level continues from where the bar is)."""
        self.bar.advance()
        self.bar.set_value(None if db is None else max(0.0, min(1.0, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB)))
