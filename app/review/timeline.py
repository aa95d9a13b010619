"""A pyqtgraph timeline of a session's three scores and when the user spoke, with event spans, gaps and a cursor."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from poise.app.theme import (AXIS_PEN, CURSOR_COLOUR, EVENT_SCORE, EVENT_SPAN_ALPHA, NOT_MEASURABLE_ALPHA,
                             NOT_MEASURABLE_COLOUR, SCORE_COLOURS, SCORE_LABELS, SCORE_NAMES, SEGMENT_COLOUR, TEXT_MUTED)
from poise.vision.reports.format import SPEAKING_COLOUR, fmt_clock, fmt_percent

logger = logging.getLogger(__name__)

# Smallest height of one score lane in pixels: a 0-100% axis with three ticks at 96 dpi fits in
# 48 px (the labels may touch the lane edges), so the review fits a 1024x640 window
# (lanes grow with the window).
LANE_HEIGHT_PX = 48
# The time axis under the last lane (tick labels and margin), and what the widget needs
# besides its lanes (legend row, margins and that axis).
TIME_AXIS_PX = 26
CHROME_PX = 80
# Width of the lane labels on the left, so the three plots line up exactly.
LABEL_WIDTH_PX = 92
# Width of a score curve in pixels; 2 px reads well on normal and high-DPI screens.
CURVE_WIDTH_PX = 2
# The visible y range leaves a margin so a score of exactly 0 or 1 is not clipped and the
# 0% and 100% tick labels fit inside a 48 px lane (pyqtgraph drops labels that overflow a
# plot with a grid; 0.24 of the range is half a label at 96 dpi).
Y_RANGE = (-0.24, 1.24)
# A word under a lane's name where "higher" is not "better".
LANE_HINTS = {"fidgeting": "lower is calmer"}
# Auto-downsampling keeps this many samples per pixel (pyqtgraph's default is 5). Peak mode
# draws a min and a max per bin, so 1 keeps every spike while a 1-hour session at 15 Hz draws
# ~2,000 points per lane instead of ~10,000 (measured: 20 ms -> ~4 ms per lane repaint).
DOWNSAMPLE_POINTS_PER_PX = 1.0
# Smallest horizontal zoom window in seconds (a second is below the scoring resolution anyway).
MIN_X_RANGE_S = 1.0
# The fourth lane: filled while the user speaks (vision.voice); half a score lane is enough for
# a yes/no band (24 px keeps the review within 1024x640 with three 50 px score lanes). Its colour is apart from the three scores' (a muted violet).
SPEAKING = "speaking"
SPEAKING_LABEL = "Speaking"
SPEAKING_LANE_HEIGHT_PX = 24
SPEAKING_FILL_ALPHA = 110
NO_AUDIO_TEXT = "no sound in this session"
LANES = (*SCORE_NAMES, SPEAKING)


@dataclass(frozen=True, slots=True)
class Span:
    """A shaded stretch of the timeline (an event or a not-measurable stretch)."""

    kind: str
    start_s: float
    end_s: float


class _TimeAxis(pg.AxisItem):
    """Bottom axis in m:ss."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        return [fmt_clock(v) if v >= 0 else "" for v in values]


class _PercentAxis(pg.AxisItem):
    """Left axis showing a score in [0, 1] as 0-100%."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        return [fmt_percent(v) for v in values]


def score_arrays(frames: Sequence, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Times and values of one score; None (not measurable) becomes NaN so it plots as a gap."""
    t = np.fromiter((f.t for f in frames), dtype=float, count=len(frames))
    y = np.fromiter((np.nan if getattr(f, name) is None else getattr(f, name) for f in frames),
                    dtype=float, count=len(frames))
    return t, y


def speaking_arrays(frames: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Times and 1 (speaking) / 0 (silent) / NaN (no audio) for the speaking lane."""
    t = np.fromiter((f.t for f in frames), dtype=float, count=len(frames))
    y = np.fromiter((np.nan if f.speaking is None else float(f.speaking) for f in frames), dtype=float,
                    count=len(frames))
    return t, y


def not_measurable_spans(frames: Sequence, duration_s: float) -> list[Span]:
    """Stretches where none of the three scores was measurable (e.g. no face in view)."""
    spans: list[Span] = []
    start: float | None = None
    for f in frames:
        empty = f.eye_contact is None and f.posture is None and f.fidgeting is None
        if empty and start is None:
            start = f.t
        elif not empty and start is not None:
            spans.append(Span("not_measurable", start, f.t))
            start = None
    if start is not None:
        spans.append(Span("not_measurable", start, max(duration_s, start)))
    return spans


class Timeline(QWidget):
    """Three stacked score lanes (eye contact, posture, fidgeting) and a speaking lane sharing one time axis.

    Not-measurable frames are NaN and drawn with ``connect="finite"``, so they are gaps, not
    zeros. Events are shaded in their score's colour; stretches with nothing measurable in grey.
    A click anywhere in a lane emits ``position_requested(seconds)``.
    """

    position_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._duration = 0.0
        self._cursor_t = 0.0
        self._spans: list[Span] = []
        self._span_items: list[pg.LinearRegionItem] = []
        self._plots: dict[str, pg.PlotItem] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._cursors: dict[str, pg.InfiniteLine] = {}
        self._segment_lines: list[pg.InfiniteLine] = []

        self._view = pg.GraphicsLayoutWidget()
        self._view.setBackground("w")
        self._view.ci.setContentsMargins(4, 6, 12, 4)
        self._view.ci.setSpacing(2)
        self._build_lanes()
        self._view.scene().sigMouseClicked.connect(self._on_scene_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._build_legend())
        layout.addWidget(self._view, 1)
        self.setMinimumHeight(len(SCORE_NAMES) * LANE_HEIGHT_PX + SPEAKING_LANE_HEIGHT_PX + CHROME_PX)

    # ----- construction -------------------------------------------------------------------
    def _build_lanes(self) -> None:
        first: pg.PlotItem | None = None
        for row, name in enumerate(LANES):
            last = row == len(LANES) - 1
            colour = SPEAKING_COLOUR if name == SPEAKING else SCORE_COLOURS[name]
            text = SPEAKING_LABEL if name == SPEAKING else SCORE_LABELS[name]
            if name in LANE_HINTS:
                text += f"<br><span style='font-weight:normal; font-size:8pt; color:{TEXT_MUTED}'>{LANE_HINTS[name]}</span>"
            label = pg.LabelItem(text, color=colour, size="9pt", bold=True, justify="right")
            label.setFixedWidth(LABEL_WIDTH_PX)
            self._view.addItem(label, row=row, col=0)
            axes = {"left": _PercentAxis("left"), "bottom": _TimeAxis("bottom")}
            plot = self._view.addPlot(row=row, col=1, axisItems=axes)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=True, y=False)
            plot.setYRange(*Y_RANGE, padding=0)
            plot.getAxis("left").setTicks([[(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]])
            plot.getAxis("left").setWidth(44)
            # Three short labels in a short lane: always drawn (their centres are a third of the
            # lane apart, so they do not overlap each other even when they fill the axis).
            plot.getAxis("left").setStyle(textFillLimits=[(0, 2.0)], hideOverlappingLabels=False)
            plot.showGrid(x=True, y=True, alpha=0.35)
            for side in ("left", "bottom"):
                ax = plot.getAxis(side)
                ax.setPen(pg.mkPen(AXIS_PEN))
                ax.setTextPen(pg.mkPen(TEXT_MUTED))
            if not last:
                plot.getAxis("bottom").setStyle(showValues=False)
                plot.getAxis("bottom").setHeight(4)
            # Long sessions: draw only what is visible, and keep the peaks when decimating.
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            # The last lane also holds the time axis: its plot area stays LANE_HEIGHT_PX tall too.
            plot.setMinimumHeight(LANE_HEIGHT_PX + (TIME_AXIS_PX if last else 0))
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            if name == SPEAKING:
                curve = self._speaking_lane(plot)
            else:
                curve = plot.plot([], [], pen=pg.mkPen(colour, width=CURVE_WIDTH_PX),
                                  connect="finite", name=SCORE_LABELS[name],
                                  autoDownsampleFactor=DOWNSAMPLE_POINTS_PER_PX)
            cursor = pg.InfiniteLine(pos=0.0, angle=90, movable=False,
                                     pen=pg.mkPen(CURSOR_COLOUR, width=1.5))
            cursor.setZValue(20)
            plot.addItem(cursor, ignoreBounds=True)
            # Cache the drawn curve as a pixmap: moving the cursor over a long session then
            # blits instead of re-stroking thousands of segments (16 -> ~1 ms per move, 1 h).
            curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # pyqtgraph picks the auto-downsampling factor on range changes only; a resize
            # (the window laid out after set_session) must recompute it too.
            plot.getViewBox().sigResized.connect(lambda *_, c=curve: c.viewRangeChanged())
            self._plots[name], self._curves[name], self._cursors[name] = plot, curve, cursor
        self._view.ci.layout.setColumnFixedWidth(0, LABEL_WIDTH_PX)
        # Score lanes share the height; the yes/no speaking band keeps its own small height
        # (plus the time axis under it).
        speaking = self._plots[SPEAKING]
        speaking.setMinimumHeight(SPEAKING_LANE_HEIGHT_PX)
        speaking.setMaximumHeight(SPEAKING_LANE_HEIGHT_PX + 30)

    def _speaking_lane(self, plot: pg.PlotItem) -> pg.PlotDataItem:
        """A filled band: up while the user speaks, flat while silent, absent without audio."""
        plot.setYRange(-0.15, 1.15, padding=0)
        plot.getAxis("left").setTicks([[]])
        plot.showGrid(x=True, y=False, alpha=0.35)
        fill = QColor(SPEAKING_COLOUR)
        fill.setAlpha(SPEAKING_FILL_ALPHA)
        curve = plot.plot([], [], pen=pg.mkPen(SPEAKING_COLOUR, width=1), fillLevel=0.0, brush=fill,
                          stepMode="right", connect="finite", name=SPEAKING_LABEL)
        self._no_audio = pg.TextItem(NO_AUDIO_TEXT, color=TEXT_MUTED, anchor=(0, 0.5))
        self._no_audio.setPos(0.0, 0.5)
        plot.addItem(self._no_audio, ignoreBounds=True)
        return curve

    def _build_legend(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(LABEL_WIDTH_PX + 8, 0, 8, 0)
        row.setSpacing(14)
        hint = QLabel("Shaded: an event (looked away, slouched, fidgeted)")
        hint.setStyleSheet(f"color: {TEXT_MUTED};")
        swatches = QHBoxLayout()
        swatches.setSpacing(2)
        for name in SCORE_NAMES:
            swatches.addWidget(_swatch(SCORE_COLOURS[name], EVENT_SPAN_ALPHA * 2))
        row.addLayout(swatches)
        row.addWidget(hint)
        row.addSpacing(8)
        row.addWidget(_swatch(NOT_MEASURABLE_COLOUR, NOT_MEASURABLE_ALPHA * 3))
        nm = QLabel("Grey / gap: not measurable")
        nm.setStyleSheet(f"color: {TEXT_MUTED};")
        row.addWidget(nm)
        row.addStretch(1)
        self._hover_label = QLabel("Click to jump")
        self._hover_label.setStyleSheet(f"color: {TEXT_MUTED};")
        row.addWidget(self._hover_label)
        return box

    # ----- data ---------------------------------------------------------------------------
    def set_session(self, frames: Sequence, events: Sequence, duration_s: float | None = None) -> None:
        """Show a session: FrameScores (t, eye_contact, posture, fidgeting) and Events."""
        last_t = frames[-1].t if frames else 0.0
        self._duration = max(float(duration_s or 0.0), last_t)
        for name, curve in self._curves.items():
            if name == SPEAKING:
                continue
            t, y = score_arrays(frames, name)
            curve.setData(t, y, connect="finite")
        t, y = speaking_arrays(frames)
        self._curves[SPEAKING].setData(t, y, connect="finite", stepMode="right")
        self._no_audio.setVisible(not np.isfinite(y).any())
        self._clear_spans()
        for ev in events:
            end = self._duration if ev.end_s is None else ev.end_s
            self._add_span(Span(ev.kind, ev.start_s, max(end, ev.start_s)))
        for span in not_measurable_spans(frames, self._duration):
            self._add_span(span)
        right = max(self._duration, MIN_X_RANGE_S)
        for plot in self._plots.values():
            plot.setLimits(xMin=0.0, xMax=right, minXRange=min(MIN_X_RANGE_S, right))
        self._plots[SCORE_NAMES[0]].setXRange(0.0, right, padding=0)
        self.set_cursor(0.0)

    def set_segments(self, segments: Sequence) -> None:
        """Mark where each mock-interview answer starts (objects with index, question, start_s)."""
        for line in self._segment_lines:
            vb = line.getViewBox()
            if vb is not None:
                vb.removeItem(line)
        self._segment_lines.clear()
        for seg in segments:
            for lane in LANES:
                label = f"Q{seg.index + 1}" if lane == SCORE_NAMES[0] else None
                line = pg.InfiniteLine(pos=float(seg.start_s), angle=90, movable=False,
                                       pen=pg.mkPen(SEGMENT_COLOUR, width=1, style=Qt.PenStyle.DashLine),
                                       label=label, labelOpts={"position": 0.9, "color": SEGMENT_COLOUR,
                                                               "anchors": [(0, 0), (0, 0)]})
                line.setToolTip(f"Q{seg.index + 1}: {seg.question}")
                line.setZValue(5)
                self._plots[lane].addItem(line, ignoreBounds=True)
                self._segment_lines.append(line)

    def segment_starts(self) -> list[float]:
        return sorted({line.value() for line in self._segment_lines})

    def clear(self) -> None:
        self.set_session([], [], 0.0)

    def _clear_spans(self) -> None:
        for item in self._span_items:
            item.getViewBox() and item.getViewBox().removeItem(item)
        self._span_items.clear()
        self._spans.clear()

    def _add_span(self, span: Span) -> None:
        if span.kind == "not_measurable":
            colour, alpha, lanes = NOT_MEASURABLE_COLOUR, NOT_MEASURABLE_ALPHA, SCORE_NAMES
        else:
            lane = EVENT_SCORE.get(span.kind)
            if lane is None:
                logger.debug("unknown event kind %r not shaded", span.kind)
                return
            colour, alpha, lanes = SCORE_COLOURS[lane], EVENT_SPAN_ALPHA, (lane,)
        brush = QColor(colour)
        brush.setAlpha(alpha)
        for lane in lanes:
            item = pg.LinearRegionItem(values=(span.start_s, span.end_s), movable=False,
                                       brush=brush, pen=pg.mkPen(None))
            item.setZValue(-10)
            self._plots[lane].addItem(item, ignoreBounds=True)
            self._span_items.append(item)
        self._spans.append(span)

    # ----- cursor and clicks ----------------------------------------------------------------
    def set_cursor(self, t: float) -> None:
        """Move the cursor line to ``t`` seconds; keeps it in view when zoomed in."""
        self._cursor_t = float(t)
        for line in self._cursors.values():
            line.setValue(self._cursor_t)
        x0, x1 = self._plots[SCORE_NAMES[0]].viewRange()[0]
        if self._duration > 0 and not (x0 <= t <= x1):
            width = x1 - x0
            start = min(max(0.0, t - 0.1 * width), max(0.0, self._duration - width))
            self._plots[SCORE_NAMES[0]].setXRange(start, start + width, padding=0)

    def cursor_position(self) -> float:
        return self._cursor_t

    def _on_scene_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()
        for plot in self._plots.values():
            vb = plot.getViewBox()
            if vb.sceneBoundingRect().contains(pos):
                t = vb.mapSceneToView(pos).x()
                t = min(max(0.0, t), self._duration)
                if math.isfinite(t):
                    self.set_cursor(t)
                    self.position_requested.emit(t)
                return

    # ----- introspection (tests, screenshots) ------------------------------------------------
    def curve(self, name: str) -> pg.PlotDataItem:
        return self._curves[name]

    def plot_item(self, name: str) -> pg.PlotItem:
        return self._plots[name]

    def spans(self) -> list[Span]:
        return list(self._spans)

    def duration(self) -> float:
        return self._duration

    def graphics_view(self) -> pg.GraphicsLayoutWidget:
        return self._view


def _swatch(colour: str, alpha: int) -> QLabel:
    c = QColor(colour)
    lab = QLabel()
    lab.setFixedSize(14, 10)
    lab.setStyleSheet(f"background: rgba({c.red()},{c.green()},{c.blue()},{alpha}); border-radius: 2px;")
    return lab
