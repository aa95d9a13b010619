"""A chart legend as a row of widgets beside the plot, so it never covers the data (pyqtgraph's
addLegend() draws inside the plot area)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

logger = logging.getLogger(__name__)

SWATCH_SIZE = (16, 3)   # a short line in the curve's colour
SPACING_PX = 16


class ChartLegend(QWidget):
    """``set_items([(label, colour), ...])``: one line swatch and label per curve, left to right."""

    def __init__(self, items: list[tuple[str, str]] = (), *, text_colour: str = "#6b7280",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text_colour = text_colour
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(SPACING_PX)
        self.labels: list[QLabel] = []
        self.setMinimumHeight(self.fontMetrics().height() + 2)   # one row, also before the items arrive
        self.set_items(list(items))

    def set_items(self, items: list[tuple[str, str]]) -> None:
        while self._row.count():
            item = self._row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.labels = []
        for text, colour in items:
            pair = QHBoxLayout()
            pair.setSpacing(6)
            swatch = QLabel()
            swatch.setFixedSize(*SWATCH_SIZE)
            c = QColor(colour)
            swatch.setStyleSheet(f"background: rgb({c.red()},{c.green()},{c.blue()}); border-radius: 1px;")
            label = QLabel(text)
            label.setStyleSheet(f"color: {self._text_colour};")
            pair.addWidget(swatch)
            pair.addWidget(label)
            self._row.addLayout(pair)
            self.labels.append(label)
        self._row.addStretch(1)
        self.updateGeometry()
