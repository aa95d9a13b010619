"""The list of a session's events; activating one asks to jump to its start."""

from __future__ import annotations

import logging
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from poise.app.theme import EVENT_SCORE, SCORE_COLOURS
from poise.vision.reports.format import event_label, fmt_clock

logger = logging.getLogger(__name__)

START_ROLE = Qt.ItemDataRole.UserRole


def _dot(colour: str) -> QIcon:
    pm = QPixmap(10, 10)
    pm.fill(QColor(colour))
    return QIcon(pm)


class EventsList(QListWidget):
    """One row per event ("0:12 – 0:17  Looked away  5.0 s"); a click emits ``event_activated``."""

    event_activated = Signal(float)  # the event's start, seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlternatingRowColors(False)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemClicked.connect(self._on_item_activated)
        self.itemActivated.connect(self._on_item_activated)

    def set_events(self, events: Sequence, duration_s: float) -> None:
        self.clear()
        for ev in sorted(events, key=lambda e: e.start_s):
            end = duration_s if ev.end_s is None else ev.end_s
            length = max(0.0, end - ev.start_s)
            text = f"{fmt_clock(ev.start_s, tenths=True)}   {event_label(ev.kind)} · {length:.1f} s"
            item = QListWidgetItem(_dot(SCORE_COLOURS.get(EVENT_SCORE.get(ev.kind, ""), "#9ca3af")), text)
            item.setData(START_ROLE, float(ev.start_s))
            item.setToolTip(f"{fmt_clock(ev.start_s, tenths=True)} – {fmt_clock(end, tenths=True)}: click to jump there")
            self.addItem(item)
        if not events:
            item = QListWidgetItem("No events in this session: no sustained look-away, slouching or fidgeting.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        start = item.data(START_ROLE)
        if start is not None:
            self.event_activated.emit(float(start))
