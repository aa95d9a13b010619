"""Three live meters (eye contact, posture, fidgeting): a value, a bar, and why when not measurable."""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from poise.app.theme import SCORE_COLOURS, SCORE_LABELS, SCORE_NAMES, TEXT_MUTED
from poise.vision.reports.format import NOT_MEASURED, fmt_percent
from poise.vision.types import FrameScores, Reason

logger = logging.getLogger(__name__)

NOT_MEASURABLE = NOT_MEASURED   # the one "not measurable" mark (vision/reports/format.py)
# Why a meter shows no value, in the user's words (vision.types.Reason values).
REASON_TEXT = {
    Reason.NO_FACE: "Face not in view",
    Reason.NO_POSE: "Shoulders not in view",
    Reason.LOW_VISIBILITY: "Not clearly visible",
    Reason.MULTIPLE_PEOPLE: "Two people in view: click your face",
    Reason.WARMING_UP: "Measuring…",
}
HINTS = {
    "eye_contact": "Goal: looking at the lens",
    "posture": "Goal: upright and balanced",
    "fidgeting": "Lower is calmer",
}
# The bar eases toward each new score, covering 95 % of a change in this time: scores arrive
# at 15-30 Hz and a bar that jumps every frame is hard to read; this only animates the drawing,
# the value shown is the score. The easing steps with the camera frames (MeterBar.advance),
# not with a timer of its own.
EASE_MS = 180
BAR_HEIGHT = 10
VALUE_POINT_SIZE = 18
TRACK = QColor("#e5e7eb")
CARD_STYLE = "QFrame#meterCard { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 10px; }"


class MeterBar(QWidget):
    """A rounded bar showing a value in [0, 1]; an empty track when None.

    The bar eases to a new value, and the easing advances only when ``advance()`` is called:
    the Practice page calls it as each camera frame arrives, so the bars repaint in the same
    window update as the mirror (a 60 Hz animation timer doubled the window's repaints, each
    one a round trip to the X server on a real display)."""

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour = QColor(colour)
        self._shown = 0.0
        self._target: float | None = None
        self._last = 0.0          # when the easing last stepped
        self._easing = False
        self.setFixedHeight(BAR_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, value: float | None, now: float | None = None) -> None:
        """Ease toward ``value`` from the next ``advance()``; None empties the bar at once.

        A new score only moves the target: the easing goes on from where the bar is, so scores
        arriving with every frame do not restart it (they did, and the bar lagged by seconds)."""
        self._target = value
        if value is None:
            self._easing = False
            self._shown = 0.0
            self.update()
            return
        if not self._easing:
            self._last = time.monotonic() if now is None else now
            self._easing = True

    def advance(self, now: float | None = None) -> None:
        """Move the easing on to ``now`` (exponentially, 95 % of the way in EASE_MS) and repaint."""
        if not self._easing or self._target is None:
            return
        now = time.monotonic() if now is None else now
        dt_ms = max(0.0, now - self._last) * 1000.0
        self._last = now
        target = float(self._target)
        self._shown = target + (self._shown - target) * math.exp(-3.0 * dt_ms / EASE_MS)
        if abs(target - self._shown) < 0.002:
            self._shown, self._easing = target, False
        self.update()

    def shown_value(self) -> float:
        return self._shown

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        r = QRectF(self.rect())
        radius = r.height() / 2
        p.setBrush(TRACK)
        p.drawRoundedRect(r, radius, radius)
        if self._target is not None:
            w = max(r.height(), r.width() * min(1.0, max(0.0, self._shown)))
            p.setBrush(self._colour)
            p.drawRoundedRect(QRectF(r.left(), r.top(), w, r.height()), radius, radius)
        p.end()


class ScoreMeter(QFrame):
    """Name and value on one line, the bar, and a caption (a hint, or why it is not measurable)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName("meterCard")
        self.setStyleSheet(CARD_STYLE)
        colour = SCORE_COLOURS[name]
        self.title = QLabel(SCORE_LABELS[name])
        self.title.setStyleSheet("font-weight: 600; color: #1f2937; border: none;")
        self.value_label = QLabel(NOT_MEASURABLE)
        font = QFont(self.value_label.font())
        font.setPointSizeF(VALUE_POINT_SIZE)
        font.setWeight(QFont.Weight.DemiBold)
        self.value_label.setFont(font)
        self._colours = (f"color: {colour}; border: none;", f"color: {TEXT_MUTED}; border: none;")
        self._muted_value = None
        self._set_value_muted(True)
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Room for the widest value up front: a label that grows when "95%" becomes "100%" is
        # clipped ("00%") until the layout catches up.
        self.value_label.setMinimumWidth(QFontMetrics(font).horizontalAdvance("100%") + 4)
        self.bar = MeterBar(colour)
        self.caption = QLabel(HINTS[name])
        self.caption.setStyleSheet(f"color: {TEXT_MUTED}; border: none;")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.value_label, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 6, 14, 6)   # compact: meters and session card fit beside a 1024x640 mirror
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.bar)
        lay.addWidget(self.caption)

    def _set_value_muted(self, muted: bool) -> None:
        if muted != self._muted_value:   # restyling costs a re-polish: only on a change
            self._muted_value = muted
            self.value_label.setStyleSheet(self._colours[1 if muted else 0])

    def set_score(self, value: float | None, reason: str | None = None) -> None:
        self._set_value_muted(value is None)
        if value is None:
            self.value_label.setText(NOT_MEASURABLE)
            self.caption.setText(REASON_TEXT.get(reason or "", "Not measurable right now"))
        else:
            self.value_label.setText(fmt_percent(value))
            self.caption.setText(HINTS[self.name])
        self.bar.set_value(value)

    def value_text(self) -> str:
        return self.value_label.text()


class MetersPanel(QWidget):
    """The three meters stacked; ``show_scores(FrameScores | None)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meters = {name: ScoreMeter(name) for name in SCORE_NAMES}
        self._pending: FrameScores | None = None   # the newest score, shown with the next frame
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        for m in self.meters.values():
            lay.addWidget(m)

    def advance(self, now: float | None = None) -> None:
        """Show the newest score and ease the bars on (call as each camera frame arrives)."""
        if self._pending is not None:
            scores, self._pending = self._pending, None
            self._apply(scores)
        now = time.monotonic() if now is None else now
        for m in self.meters.values():
            m.bar.advance(now)

    def show_scores(self, scores: FrameScores | None) -> None:
        """A score is shown with the next camera frame (``advance``), in the mirror's own window
        update rather than one of its own; None (no source) clears the meters at once."""
        if scores is None:
            self._pending = None
            self._apply(None)
            return
        self._pending = scores

    def _apply(self, scores: FrameScores | None) -> None:
        if scores is None:
            for m in self.meters.values():
                m.set_score(None, "")
                m.caption.setText(HINTS[m.name])
            return
        self.meters["eye_contact"].set_score(scores.eye_contact, scores.eye_contact_reason)
        self.meters["posture"].set_score(scores.posture, scores.posture_reason)
        self.meters["fidgeting"].set_score(scores.fidgeting, scores.fidgeting_reason)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(280, 300)
