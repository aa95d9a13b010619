"""Mock-interview answers in review: scores per question, jump to an answer, notes per answer."""

from __future__ import annotations

import logging
from typing import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QSplitter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from poise.app.elided_label import ElidedLabel
from poise.app.review.notes_editor import SEGMENT_FIELDS, NotesEditor
from poise.app.theme import SCORE_COLOURS
from poise.vision.reports.format import QUESTION_COLUMNS_SHORT, SCORE_NAMES, fmt_clock, fmt_seconds, question_rows
from poise.vision.reports.transcript_report import SPEECH_COLUMNS_SHORT, answer_speech_cells

logger = logging.getLogger(__name__)

COLUMNS = (*QUESTION_COLUMNS_SHORT, "Pause", *SPEECH_COLUMNS_SHORT)
# The pace columns are shown once the session is transcribed.
SPEECH_FIRST_COLUMN = len(COLUMNS) - len(SPEECH_COLUMNS_SHORT)
SPEECH_TIPS = {"WPM": "Words per minute while speaking (from the transcript)",
               "Fillers": "Filler words in the answer (um, uh, like, you know…; from the transcript)"}
START_ROLE = Qt.ItemDataRole.UserRole
# The question table may shrink to its header and about one row, so the review fits a
# 1024x640 window; the splitter gives it more when there is room.
TABLE_MIN_HEIGHT = 50
# The Question column is shown only when it gets at least this many pixels beside the figures
# (about 15 characters); narrower, the table shows the answers' numbers (as the report does), and
# the chosen answer's question is the line under the table (when the pane has the height for it; the
# tooltips always have it). At 1366x768 the figures took the whole width and the question read
# "T..." behind a sideways scroll bar.
QUESTION_MIN_WIDTH_PX = 120
QUESTION_COLUMN = 1


class QuestionsPanel(QWidget):
    """A row per answer with its own summary (computed by vision.interview); clicking a row
    emits ``question_activated(start_s)`` and shows that answer's notes below."""

    question_activated = Signal(float)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list = []
        self._rows: list = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setShowGrid(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setStyleSheet("QTableView { selection-background-color: #dbeafe; selection-color: #111827; outline: 0; }")
        # In a narrow pane (a 1024-wide window) the figures are set a point smaller, so the seven
        # figure columns fit without a sideways scroll bar.
        self._font, self._small_font = self.table.font(), self.table.font()
        self._small_font.setPointSizeF(max(6.0, self._font.pointSizeF() - 1.0))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(TABLE_MIN_HEIGHT)
        self.table.itemClicked.connect(self._on_item_clicked)
        self.table.currentCellChanged.connect(self._on_current_cell_changed)
        self.table.viewport().installEventFilter(self)
        self.question_label = ElidedLabel(elide=Qt.TextElideMode.ElideRight)
        self.question_label.setStyleSheet("font-weight: 600;")
        self.notes = NotesEditor(store, fields=SEGMENT_FIELDS, saver=store.set_segment_notes)
        self.notes.error_occurred.connect(self.error_occurred)
        answer = QWidget()
        answer_lay = QVBoxLayout(answer)
        answer_lay.setContentsMargins(0, 0, 0, 0)
        answer_lay.setSpacing(2)
        answer_lay.addWidget(self.question_label)
        answer_lay.addWidget(self.notes, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(answer)
        self._split = split
        split.setChildrenCollapsible(False)
        split.setSizes([300, 200])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

    def set_segments(self, segments: Sequence, frames: Sequence, events: Sequence, *,
                     words: Sequence | None = None) -> None:
        """Show the store's Segments of a session with a summary of the frames in each and,
        with a transcript's ``words``, each answer's pace and fillers."""
        self.notes.set_session(None)
        self._segments = list(segments)
        rows = question_rows(frames, events, self._segments) if self._segments else []
        speech = answer_speech_cells(words, self._segments, frames) if self._segments else []
        for c in range(SPEECH_FIRST_COLUMN, len(COLUMNS)):
            self.table.setColumnHidden(c, words is None)
        self.table.setRowCount(len(rows))
        for r, (row, cells) in enumerate(zip(rows, speech)):
            values = (str(row.number), row.question, *(row.figures[name] for name in SCORE_NAMES),
                      fmt_seconds(row.summary.longest_pause_s), *cells)
            tip = (f"{row.category}: " if row.category else "") + row.question + \
                f"\n{fmt_clock(row.start_s)} – {fmt_clock(row.end_s)} ({fmt_clock(row.summary.duration_s)})"
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(START_ROLE, row.start_s)
                item.setToolTip(tip)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if 2 <= c <= 4:
                    item.setForeground(QColor(SCORE_COLOURS[SCORE_NAMES[c - 2]]))
                elif c == 5:
                    item.setToolTip(tip + "\nLongest silence inside the answer, between two stretches of speech")
                elif c >= SPEECH_FIRST_COLUMN:
                    item.setToolTip(tip + "\n" + SPEECH_TIPS[COLUMNS[c]])
                self.table.setItem(r, c, item)
        self._rows = rows
        self._fit_question_column()
        if rows:  # the first answer's notes are ready to edit (selecting does not seek)
            self.table.setCurrentCell(0, 0)
        self._show_question(self.table.currentRow())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        # the question's line only where the table and the notes keep their minimum heights
        needed = (TABLE_MIN_HEIGHT + self._split.handleWidth() + self.notes.minimumSizeHint().height()
                  + self.question_label.sizeHint().height() + 2)
        self.question_label.setVisible(self.height() >= needed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_question_column()
        return super().eventFilter(watched, event)

    def _fit_question_column(self) -> None:
        """Show the Question column only where it gets QUESTION_MIN_WIDTH_PX beside the figures;
        where even the figures do not fit (a 1024-wide window), a point smaller and, if still too
        wide, each figure column narrowed in proportion (its text elided) rather than a sideways
        scroll bar."""
        header = self.table.horizontalHeader()
        shown = [c for c in range(len(COLUMNS)) if c != QUESTION_COLUMN and not self.table.isColumnHidden(c)]

        def widths() -> dict[int, int]:
            return {c: max(header.sectionSizeHint(c), self.table.sizeHintForColumn(c)) for c in shown}

        room = self.table.viewport().width()
        need = widths()
        spare = room - sum(need.values())
        narrow = spare < QUESTION_MIN_WIDTH_PX
        self.table.setColumnHidden(QUESTION_COLUMN, narrow)
        font = self._small_font if narrow and spare < 0 else self._font
        if self.table.font() != font:
            self.table.setFont(font)
            header.setFont(font)
            need = widths()
        total = sum(need.values())
        if narrow and total > room > 0:
            for c, w in need.items():
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(c, max(1, w * room // total))
        else:
            for c in shown:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(QUESTION_COLUMN, QHeaderView.ResizeMode.Stretch)

    def segment_count(self) -> int:
        return len(self._segments)

    def flush(self) -> None:
        self.notes.flush()

    def _on_item_clicked(self, item: QTableWidgetItem) -> None:
        self.question_activated.emit(float(item.data(START_ROLE)))

    def _on_current_cell_changed(self, row: int, *_):
        self.notes.set_session(self._segments[row] if 0 <= row < len(self._segments) else None)
        self._show_question(row)

    def _show_question(self, row: int) -> None:
        """The chosen answer's question, written out in full under the table."""
        if 0 <= row < len(self._rows):
            r = self._rows[row]
            self.question_label.setText(f"Q{r.number} · {r.question}")
            self.question_label.setToolTip(r.category)
        else:
            self.question_label.clear()
