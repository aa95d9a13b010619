"""The cue banner: one short, kind sentence floating over the bottom of the mirror, faded in and out."""

from __future__ import annotations

import logging

from PySide6.QtCore import QPropertyAnimation, Qt
from PySide6.QtWidgets import QGraphicsOpacityEffect, QLabel, QWidget

logger = logging.getLogger(__name__)

FADE_MS = 250
# Distance from the bottom edge of the video, in logical pixels.
BOTTOM_MARGIN = 28
STYLE = ("QLabel { background: rgba(15, 23, 42, 200); color: white; border-radius: 18px;"
         " padding: 9px 20px; font-size: 15pt; font-weight: 600; }")


class CueBanner(QLabel):
    """Child of the video view; ``show_cue(text)`` / ``show_cue(None)``."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._effect = QGraphicsOpacityEffect(self)
        self._effect.setOpacity(0.0)
        self.setGraphicsEffect(self._effect)
        self._anim = QPropertyAnimation(self._effect, b"opacity", self)
        self._anim.setDuration(FADE_MS)
        self._anim.finished.connect(self._on_fade_finished)
        self._cue: str | None = None
        self.hide()

    def cue_text(self) -> str | None:
        return self._cue

    def show_cue(self, text: str | None) -> None:
        if text == self._cue:
            return
        self._cue = text
        self._anim.stop()
        if text is None:
            self._anim.setStartValue(self._effect.opacity())
            self._anim.setEndValue(0.0)
            self._anim.start()
            return
        self.setText(text)
        self.adjustSize()
        self.reposition()
        self.show()
        self.raise_()
        self._anim.setStartValue(self._effect.opacity())
        self._anim.setEndValue(1.0)
        self._anim.start()

    def reposition(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        x = (parent.width() - self.width()) // 2
        y = parent.height() - self.height() - BOTTOM_MARGIN
        self.move(max(0, x), max(0, y))

    def _on_fade_finished(self) -> None:
        if self._cue is None:
            self.hide()
