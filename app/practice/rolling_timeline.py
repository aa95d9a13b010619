"""A short rolling timeline of the three live scores (the last half minute), drawn with pyqtgraph."""

from __future__ import annotations

import logging
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from poise.app.chart_legend import ChartLegend
from poise.app.theme import AXIS_PEN, SCORE_COLOURS, SCORE_LABELS, SCORE_NAMES, TEXT_MUTED
from poise.vision.types import FrameUpdate

logger = logging.getLogger(__name__)

# Half a minute shows the last answer sentence or two: long enough to see a trend, short
# enough that a look-away of a few seconds is still a visible dip.
WINDOW_S = 30.0
# Preallocated ring: 30 s at up to 60 scores/s.
CAPACITY = 1800
# Redraw rate: the eye cannot follow a 30 s plot scrolling faster than this, and each redraw
# costs the GUI thread. Redraws happen as camera frames arrive (at most this often), so the
# plot is repainted in the mirror's window update rather than in one of its own.
REDRAW_MS = 100
CURVE_WIDTH = 2


class _AgoAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        return ["now" if abs(v) < 1e-6 else f"{v:.0f} s" for v in values]


class RollingTimeline(QWidget):
    """``add(update)`` per score; the plot scrolls on its own timer (x = seconds ago)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._t = np.full(CAPACITY, np.nan)
        self._y = {name: np.full(CAPACITY, np.nan) for name in SCORE_NAMES}
        self._n = 0            # total samples written (ring position = n % CAPACITY)
        self.plot = pg.PlotWidget(background="w", axisItems={"bottom": _AgoAxis("bottom")})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.setXRange(-WINDOW_S, 0, padding=0.01)
        # Room above 100% and below 0% so their tick labels fit inside a short plot (pyqtgraph drops
        # labels that would stick out of the axis).
        item.setYRange(-0.16, 1.16, padding=0)
        item.showGrid(x=False, y=True, alpha=0.35)
        for side in ("left", "bottom"):
            ax = item.getAxis(side)
            ax.setPen(pg.mkPen(AXIS_PEN))
            ax.setTextPen(pg.mkPen(TEXT_MUTED))
        item.getAxis("left").setTicks([[(0, "0%"), (0.5, "50%"), (1, "100%")]])
        item.getAxis("left").setWidth(44)
        # Three short labels on a short axis: always drawn (pyqtgraph hides labels past a fill limit).
        item.getAxis("left").setStyle(textFillLimits=[(0, 2.0)], hideOverlappingLabels=False)
        self.legend = ChartLegend([(SCORE_LABELS[n], SCORE_COLOURS[n]) for n in SCORE_NAMES], text_colour=TEXT_MUTED)
        self.curves = {}
        for name in SCORE_NAMES:
            pen = pg.mkPen(SCORE_COLOURS[name], width=CURVE_WIDTH)
            self.curves[name] = item.plot([], [], pen=pen, name=SCORE_LABELS[name], connect="finite")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.legend)   # above the plot, never over the curves
        lay.addWidget(self.plot, 1)
        self._last_redraw = 0.0

    def on_frame(self, now: float | None = None) -> None:
        """A camera frame arrived: redraw if REDRAW_MS have passed, so the plot is repainted in
        the same window update as the mirror (not on a timer of its own)."""
        now = time.monotonic() if now is None else now
        if now - self._last_redraw >= REDRAW_MS / 1000.0:
            self.redraw(now)

    def clear(self) -> None:
        self._t[:] = np.nan
        for y in self._y.values():
            y[:] = np.nan
        self._n = 0
        self.redraw()

    def add(self, update: FrameUpdate) -> None:
        at = update.landmarks.captured_at
        if update.frame is None or at is None:
            return   # the closing update repeats the last frame
        i = self._n % CAPACITY
        self._t[i] = at
        s = update.scores
        for name in SCORE_NAMES:
            v = getattr(s, name)
            self._y[name][i] = np.nan if v is None else v
        self._n += 1

    def sample_count(self) -> int:
        return min(self._n, CAPACITY)

    def redraw(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._last_redraw = now
        if self._n == 0:
            for c in self.curves.values():
                c.setData([], [])
            return
        order = np.arange(self._n - min(self._n, CAPACITY), self._n) % CAPACITY
        x = self._t[order] - now
        keep = x >= -WINDOW_S - 1
        for name, c in self.curves.items():
            c.setData(x[keep], self._y[name][order][keep], connect="finite")
