"""Mock-interview answers in review: scores per question, jump to an answer, notes per answer."""

from __future__ import annotations

import logging
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QSplitter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

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


class QuestionsPanel(QWidget):
    """A row per answer with its own summary (computed by vision.interview); clicking a row
    emits ``question_activated(start_s)`` and shows that answer's notes below."""

    question_activated = Signal(float)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list = []
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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(TABLE_MIN_HEIGHT)
        self.table.itemClicked.connect(self._on_item_clicked)
        self.table.currentCellChanged.connect(self._on_current_cell_changed)
        self.notes = NotesEditor(store, fields=SEGMENT_FIELDS, saver=store.set_segment_notes)
        self.notes.error_occurred.connect(self.error_occurred)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.notes)
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
        if rows:  # the first answer's notes are ready to edit (selecting does not seek)
            self.table.setCurrentCell(0, 1)

    def segment_count(self) -> int:
        return len(self._segments)

    def flush(self) -> None:
        self.notes.flush()

    def _on_item_clicked(self, item: QTableWidgetItem) -> None:
        self.question_activated.emit(float(item.data(START_ROLE)))

    def _on_current_cell_changed(self, row: int, *_):
        self.notes.set_session(self._segments[row] if 0 <= row < len(self._segments) else None)
