"""Progress across sessions: the three scores over time (per session or per week), best session marked."""

from __future__ import annotations

import logging
from datetime import datetime, time as dtime

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QLabel, QPushButton, QStackedLayout, QVBoxLayout,
                               QWidget)

from poise.app.chart_legend import ChartLegend
from poise.app.theme import AXIS_PEN, SCORE_COLOURS, SCORE_LABELS, TEXT_MUTED
from poise.vision.reports.format import fmt_percent
from poise.vision.practice.progress import MIN_BEST_DURATION_S, ProgressReport, progress

logger = logging.getLogger(__name__)

BEST_COLOUR = "#ca8a04"
EMPTY_TEXT = ("No finished sessions yet.\nPractise a few times (a mock interview is a good start) and your "
              "eye contact, posture and fidgeting will be charted here week by week.")
LEGEND_SUFFIX = {"eye_contact": "share of time", "posture": "mean score", "fidgeting": "share of time, lower is calmer"}


class ProgressView(QWidget):
    """Reads ``store.list_sessions()`` on :meth:`refresh`; double-click a session point to open it."""

    session_activated = Signal(int)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.report: ProgressReport | None = None
        self.mode = "sessions"

        title = QLabel("Progress")
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.by_session = QPushButton("Per session")
        self.by_week = QPushButton("Per week")
        group = QButtonGroup(self)
        for b in (self.by_session, self.by_week):
            b.setCheckable(True)
            group.addButton(b)
        self.by_session.setChecked(True)
        self.by_session.clicked.connect(lambda: self.set_mode("sessions"))
        self.by_week.clicked.connect(lambda: self.set_mode("weeks"))
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.by_session)
        head.addWidget(self.by_week)

        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 11pt;")
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")}, background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setYRange(0, 1.02, padding=0)
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        for side in ("left", "bottom"):
            ax = self.plot.getAxis(side)
            ax.setPen(pg.mkPen(AXIS_PEN))
            ax.setTextPen(pg.mkPen(TEXT_MUTED))
        self.plot.getAxis("left").setTicks([[(v, fmt_percent(v)) for v in (0, 0.25, 0.5, 0.75, 1.0)]])
        self.legend = ChartLegend(text_colour=TEXT_MUTED)   # above the plot, never over the points
        self.note = QLabel(f"Best session: the highest mean of eye contact, posture and calm (1 − fidgeting) "
                           f"among sessions of at least {int(MIN_BEST_DURATION_S)} s where you were in view "
                           "most of the time. Double-click a point to open that session.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {TEXT_MUTED}; font-size: 9pt;")

        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.addLayout(head)
        lay.addWidget(self.headline)
        lay.addWidget(self.legend)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.note)
        self._empty = QLabel(EMPTY_TEXT)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet(f"color: {TEXT_MUTED};")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._empty)
        self._stack.addWidget(page)
        self._points: list[tuple[float, int]] = []  # (x, session id) for clicks
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)

    def refresh(self) -> None:
        try:
            sessions = self._store.list_sessions()
        except Exception as exc:  # StoreError sentence
            logger.warning("progress not loaded: %s", exc)
            self.error_occurred.emit(str(exc))
            return
        self.report = progress(sessions)
        self._draw()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        (self.by_session if mode == "sessions" else self.by_week).setChecked(True)
        self._draw()

    # ----- drawing --------------------------------------------------------------------------------
    def _draw(self) -> None:
        r = self.report
        if r is None or not r.sessions:
            self._stack.setCurrentIndex(0)
            return
        self._stack.setCurrentIndex(1)
        self.plot.clear()
        legend = []
        if self.mode == "weeks":
            xs = [datetime.combine(w.monday, dtime(12)).timestamp() for w in r.weeks]
            rows = r.weeks
            self._points = []
            step = max(1, len(xs) // 10)  # at most ~10 labels
            self.plot.getAxis("bottom").setTicks(
                [[(x, f"{w.monday:%d %b} (W{w.week:02d})") for x, w in list(zip(xs, r.weeks))[::step]]])
        else:
            xs = [p.started_at.timestamp() for p in r.sessions]
            rows = r.sessions
            self.plot.getAxis("bottom").setTicks(None)  # back to automatic date ticks
            self._points = [(x, p.session_id) for x, p in zip(xs, r.sessions)]
        for name, colour in SCORE_COLOURS.items():
            ys = [getattr(row, name) for row in rows]
            pairs = [(x, y) for x, y in zip(xs, ys) if y is not None]
            if not pairs:
                continue
            px, py = zip(*pairs)
            self.plot.plot(list(px), list(py), pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=7,
                           symbolBrush=colour, symbolPen=pg.mkPen("w", width=1),
                           name=f"{SCORE_LABELS[name]} ({LEGEND_SUFFIX[name]})")
            legend.append((f"{SCORE_LABELS[name]} ({LEGEND_SUFFIX[name]})", colour))
        if self.mode == "sessions" and r.best is not None:
            bx = r.best.started_at.timestamp()
            self.plot.addItem(pg.InfiniteLine(bx, angle=90, pen=pg.mkPen(BEST_COLOUR, width=1, style=Qt.PenStyle.DashLine)))
            star = pg.ScatterPlotItem([bx], [r.best.overall], symbol="star", size=20, brush=BEST_COLOUR,
                                      pen=pg.mkPen("w", width=1), name="Best session (overall)")
            self.plot.addItem(star)
            legend.append(("Best session (overall)", BEST_COLOUR))
            label = pg.TextItem("Best", color=BEST_COLOUR, anchor=(0.5, 1.4))
            label.setPos(bx, r.best.overall)
            self.plot.addItem(label)
        self.legend.set_items(legend)
        span = (max(xs) - min(xs)) or 86400.0
        self.plot.setXRange(min(xs) - 0.05 * span, max(xs) + 0.05 * span, padding=0)
        self.plot.setYRange(-0.03, 1.08, padding=0)
        self.headline.setText(self._headline(r))

    @staticmethod
    def _headline(r: ProgressReport) -> str:
        n = len(r.sessions)
        minutes = sum(p.duration_s for p in r.sessions) / 60
        parts = [f"{n} session{'s' if n != 1 else ''}, {minutes:.0f} min of practice over {len(r.weeks)} "
                 f"week{'s' if len(r.weeks) != 1 else ''}."]
        if r.best is not None:
            b = r.best
            parts.append(f"Best: {b.started_at.astimezone():%a %d %b %Y} (eye contact {fmt_percent(b.eye_contact)}, "
                         f"posture {fmt_percent(b.posture)}, fidgeting {fmt_percent(b.fidgeting)}).")
        change = r.first_and_last_week_change
        if change:
            words = []
            for name, delta in change.items():
                better = delta < 0 if name == "fidgeting" else delta > 0
                if abs(delta) >= 0.01:
                    words.append(f"{SCORE_LABELS[name].lower()} {'+' if delta > 0 else '−'}{abs(delta) * 100:.0f} pts"
                                 f" ({'better' if better else 'worse'})")
            if words:
                parts.append("Since your first week: " + ", ".join(words) + ".")
        return " ".join(parts)

    def _on_scene_clicked(self, ev) -> None:
        if not ev.double() or not self._points:
            return
        x = self.plot.getPlotItem().vb.mapSceneToView(ev.scenePos()).x()
        nearest = min(self._points, key=lambda p: abs(p[0] - x))
        self.session_activated.emit(nearest[1])
