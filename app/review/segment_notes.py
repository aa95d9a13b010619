"""Per-question review of a mock interview: each answer's scores and its "went well / do better" notes."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QPlainTextEdit, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from vision.interview import per_segment_summary

from .notes_editor import SAVE_DEBOUNCE_MS
from .style import SCORE_COLOURS, TEXT_MUTED, fmt_clock, fmt_share

logger = logging.getLogger(__name__)

EMPTY_TEXT = "This session has no questions (it was not a mock interview)."
NOTE_FIELDS = (("went_well", "What went well"), ("do_better", "What to do better"))


class SegmentNotes(QWidget):
    """One card per answered question; notes save as you type (debounced) and on :meth:`flush`.

    ``seek_requested(t)`` fires when the user clicks a question's time, so the session view can
    jump its timeline there.
    """

    seek_requested = Signal(float)
    notes_saved = Signal(int)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session_id: int | None = None
        self._dirty: dict[int, set[str]] = {}
        self._loading = False
        self.edits: dict[tuple[int, str], QPlainTextEdit] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self._body = QWidget()
        self._cards = QVBoxLayout(self._body)
        self._cards.setContentsMargins(0, 0, 0, 0)
        self._cards.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._body)
        self.status = QLabel("")
        self.status.setStyleSheet(f"color: {TEXT_MUTED};")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.status)

    def set_session(self, session_id: int | None) -> int:
        """Load the questions of a session (None clears); returns how many there are."""
        self.flush()
        self._session_id = session_id
        self._clear()
        if session_id is None:
            return 0
        try:
            segments = self._store.list_segments(session_id)
            frames = self._store.load_frames(session_id) if segments else []
            events = self._store.load_events(session_id) if segments else []
        except Exception as exc:  # StoreError sentence
            self.error_occurred.emit(str(exc))
            return 0
        if not segments:
            empty = QLabel(EMPTY_TEXT)
            empty.setStyleSheet(f"color: {TEXT_MUTED};")
            self._cards.addWidget(empty)
            self._cards.addStretch(1)
            return 0
        self._loading = True
        try:
            for item in per_segment_summary(frames, events, segments):
                self._cards.addWidget(self._card(item.segment, item.summary))
        finally:
            self._loading = False
        self._cards.addStretch(1)
        self.status.setText("Notes are saved automatically as you type.")
        return len(segments)

    def flush(self) -> None:
        self._timer.stop()
        if not self._dirty:
            return
        pending, self._dirty = self._dirty, {}
        for seg_id, keys in pending.items():
            values = {k: self.edits[(seg_id, k)].toPlainText() for k in keys}
            try:
                self._store.set_segment_notes(seg_id, **values)
            except Exception as exc:
                logger.warning("question notes not saved: %s", exc)
                self._dirty.setdefault(seg_id, set()).update(keys)  # keep them to retry
                self.status.setText(f"Not saved: {exc}")
                self.error_occurred.emit(str(exc))
                return
            self.notes_saved.emit(seg_id)
        self.status.setText("Saved")

    # ----- internals --------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.edits.clear()
        while self._cards.count():
            item = self._cards.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.status.setText("")

    def _card(self, seg, summary) -> QWidget:
        card = QFrame()
        card.setObjectName("segmentCard")
        card.setStyleSheet("#segmentCard { border: 1px solid #e5e7eb; border-radius: 8px; background: #ffffff; }")
        grid = QGridLayout(card)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setVerticalSpacing(4)
        head = QLabel(f"Q{seg.index + 1}  ·  {seg.category}")
        head.setStyleSheet(f"color: {TEXT_MUTED};")
        when = QPushButton(f"{fmt_clock(seg.start_s)}–{fmt_clock(seg.end_s) if seg.end_s is not None else 'end'}")
        when.setFlat(True)
        when.setCursor(Qt.CursorShape.PointingHandCursor)
        when.setToolTip("Show this answer on the timeline")
        when.clicked.connect(lambda _=False, t=seg.start_s: self.seek_requested.emit(t))
        question = QLabel(seg.question)
        question.setTextFormat(Qt.TextFormat.PlainText)
        question.setWordWrap(True)
        question.setStyleSheet("font-weight: 600; font-size: 11pt;")
        figures = QLabel(
            f"<span style='color:{SCORE_COLOURS['eye_contact']}'>Eye contact {fmt_share(summary.eye_contact_share)}</span>"
            f" &nbsp; <span style='color:{SCORE_COLOURS['posture']}'>Posture {fmt_share(summary.mean_posture)}</span>"
            f" &nbsp; <span style='color:{SCORE_COLOURS['fidgeting']}'>Fidgeting {fmt_share(summary.fidgeting_share)}</span>")
        figures.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(head, 0, 0)
        grid.addWidget(when, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(question, 1, 0, 1, 2)
        grid.addWidget(figures, 2, 0, 1, 2)
        for col, (key, title) in enumerate(NOTE_FIELDS):
            box = QVBoxLayout()
            label = QLabel(title)
            label.setStyleSheet(f"color: {TEXT_MUTED}; font-size: 9pt;")
            edit = QPlainTextEdit(getattr(seg, key) or "")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(56)
            edit.textChanged.connect(lambda s=seg.id, k=key: self._on_text_changed(s, k))
            self.edits[(seg.id, key)] = edit
            box.addWidget(label)
            box.addWidget(edit)
            grid.addLayout(box, 3, col)
        return card

    def _on_text_changed(self, seg_id: int, key: str) -> None:
        if self._loading:
            return
        self._dirty.setdefault(seg_id, set()).add(key)
        self.status.setText("Editing…")
        self._timer.start()
