"""The table of stored sessions: date, kind, duration, the three scores and status."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHeaderView, QLabel, QProxyStyle, QStackedLayout,
                               QStyle, QStyleOptionHeader, QTableView, QVBoxLayout, QWidget)

from poise.app.theme import SCORE_COLOURS, TEXT_MUTED
from poise.vision.reports.format import fmt_duration, fmt_percent, kind_label, status_label

logger = logging.getLogger(__name__)

COLUMNS = ("Date", "Kind", "Duration", "Eye contact", "Posture", "Fidgeting", "Status", "Source")
# Shorter headers and values when the list is a sidebar beside the session view.
COMPACT_COLUMNS = ("Date", "Kind", "Length", "Eye", "Posture", "Fidget", "Status", "Source")
COL_EYE, COL_POSTURE, COL_FIDGET, COL_SOURCE = 3, 4, 5, 7
# Header text plus its padding and the sort arrow of the sorted column.
HEADER_PADDING_PX = 16
SORT_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY_TEXT = ("No sessions yet.\nStart a practice session, or use File › Analyse video… "
              "to score a recording you already have.")


class SortArrowStyle(QProxyStyle):
    """Header arrows that point the way the list runs: ▼ for newest first (descending).

    QHeaderView maps a descending sort to QStyleOptionHeader.SortUp, and Fusion draws SortUp
    as ▲ (an old Windows convention), so the list sorted newest first showed ▲."""

    _SWAP = {QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
             QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp}

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802 (Qt API)
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            option.sortIndicator = self._SWAP.get(option.sortIndicator, option.sortIndicator)
        super().drawPrimitive(element, option, painter, widget)


class SessionsModel(QAbstractTableModel):
    """SessionInfo rows; display strings plus raw sort keys (SORT_ROLE) and ids (ID_ROLE)."""

    def __init__(self, parent=None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._rows: list = []
        self._compact = compact

    def set_sessions(self, sessions: list) -> None:
        self.beginResetModel()
        self._rows = list(sessions)
        self.endResetModel()

    def session_at(self, row: int):
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt API)
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (COMPACT_COLUMNS if self._compact else COLUMNS)[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:  # headers line up with their values
            horizontal = Qt.AlignmentFlag.AlignRight if 2 <= section <= 5 else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return s.id
        summ = s.summary
        scores = (None if summ is None else summ.eye_contact_share,
                  None if summ is None else summ.mean_posture,
                  None if summ is None else summ.fidgeting_share)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                local = s.started_at.astimezone()
                if self._compact:  # the year only when it is not this one
                    same_year = local.year == datetime.now().year
                    return local.strftime("%d %b, %H:%M" if same_year else "%d %b %Y")
                return local.strftime("%Y-%m-%d %H:%M")
            if col == 1:
                return kind_label(s.kind, short=self._compact)
            if col == 2:
                return fmt_duration(s.duration_s)
            if col in (COL_EYE, COL_POSTURE, COL_FIDGET):
                return fmt_percent(scores[col - COL_EYE])
            if col == 6:
                return status_label(s.status)
            if col == 7:
                return _source_name(s.source)
        elif role == SORT_ROLE:
            keys = (s.started_at.timestamp(), s.kind, s.duration_s or 0.0, *(v if v is not None else -1.0 for v in scores),
                    s.status, _source_name(s.source).lower())
            return keys[col]
        elif role == Qt.ItemDataRole.TextAlignmentRole and 2 <= col <= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ForegroundRole:
            if col in (COL_EYE, COL_POSTURE, COL_FIDGET):
                return QColor(SCORE_COLOURS[("eye_contact", "posture", "fidgeting")[col - COL_EYE]])
            if col == 6 and s.status != "complete":
                return QColor("#b45309")
        elif role == Qt.ItemDataRole.ToolTipRole:
            if col in (0, 1, 2, COL_SOURCE):
                return s.source
            if col == COL_EYE:
                return "Share of the measurable time with eye contact"
            if col == COL_POSTURE:
                return "Average posture score"
            if col == COL_FIDGET:
                return "Share of the measurable time fidgeting (lower is calmer)"
        return None


def _source_name(source: str) -> str:
    if source.startswith("camera:"):
        return source.replace("camera:", "Camera ")
    return Path(source).name or source


class SessionsList(QWidget):
    """All sessions of a store, newest first. Selecting one emits ``session_selected(id)``;
    double-click or Enter emits ``session_activated(id)``. Call :meth:`refresh` after a save."""

    session_selected = Signal(int)
    session_activated = Signal(int)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._store = store
        self.model = SessionsModel(self, compact=compact)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self.model)
        self._proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self._proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # A calm selection colour; the default strong highlight competes with the scores.
        self.table.setStyleSheet("QTableView { selection-background-color: #dbeafe; selection-color: #111827; outline: 0; }"
                                 "QHeaderView::section { padding: 3px 6px; border: none;"
                                 " border-bottom: 1px solid #e5e7eb; background: #f9fafb; }")
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        self._header_style = SortArrowStyle(QApplication.style().name())   # kept: the header does not own it
        header.setStyle(self._header_style)
        # Widths are fitted in _fit_columns: ResizeToContents reserves room for a sort arrow in
        # every header, which makes the compact sidebar scroll sideways.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        if compact:  # beside a session view: the source name is in the row's tooltip instead
            self.table.setColumnHidden(COL_SOURCE, True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.activated.connect(self._on_activated)
        self._empty = QLabel(EMPTY_TEXT)
        self._empty.setWordWrap(True)
        self._empty.setStyleSheet(f"color: {TEXT_MUTED}; padding: 24px;")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.table)
        self._stack.addWidget(self._empty)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self._stack)
        self.refresh()

    def refresh(self) -> None:
        """Reload from the store, keeping the selected session selected."""
        keep = self.selected_session_id()
        try:
            sessions = self._store.list_sessions()
        except Exception as exc:  # StoreError: one sentence for the user
            logger.warning("could not list sessions: %s", exc)
            self.error_occurred.emit(str(exc))
            sessions = []
        self.table.selectionModel().blockSignals(True)
        try:
            self.model.set_sessions(sessions)
        finally:
            self.table.selectionModel().blockSignals(False)
        self._stack.setCurrentWidget(self.table if sessions else self._empty)
        self._fit_columns()
        if keep is not None:
            self.select_session(keep, emit=False)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        fm = header.fontMetrics()
        for col in range(self.model.columnCount()):
            title = self.model.headerData(col, Qt.Orientation.Horizontal)
            width = max(self.table.sizeHintForColumn(col), fm.horizontalAdvance(title) + HEADER_PADDING_PX)
            self.table.setColumnWidth(col, width)

    def select_session(self, session_id: int, *, emit: bool = True) -> bool:
        """Select the row of ``session_id``; returns False when it is not in the list."""
        for row in range(self._proxy.rowCount()):
            idx = self._proxy.index(row, 0)
            if idx.data(ID_ROLE) == session_id:
                sm = self.table.selectionModel()
                sm.blockSignals(not emit)
                try:
                    self.table.setCurrentIndex(idx)
                    self.table.selectRow(row)
                finally:
                    sm.blockSignals(False)
                self.table.scrollTo(idx)
                return True
        return False

    def selected_session_id(self) -> int | None:
        idx = self.table.currentIndex()
        return idx.siblingAtColumn(0).data(ID_ROLE) if idx.isValid() else None

    def session_count(self) -> int:
        return self.model.rowCount()

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.session_selected.emit(int(current.siblingAtColumn(0).data(ID_ROLE)))

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.session_activated.emit(int(index.siblingAtColumn(0).data(ID_ROLE)))
