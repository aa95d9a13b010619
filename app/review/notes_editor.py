"""Reflection notes of a session (notes, what went well, what to do better), saved as you type."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from poise.app.theme import TEXT_MUTED

logger = logging.getLogger(__name__)

# Save this long after the last keystroke: short enough that closing the app right after
# typing loses nothing noticeable (and flush() runs on close anyway), long enough to write
# once per phrase rather than once per key.
SAVE_DEBOUNCE_MS = 600

FIELDS = (
    ("notes", "Notes", "Anything about this session: the question, the setting, how you felt…"),
    ("went_well", "What went well", "e.g. steady eye contact while answering the first question"),
    ("do_better", "What to do better", "e.g. keep hands still while thinking"),
)


# A notes field is never shorter than this many lines of text; it grows with its text (no
# scrollbar of its own) and the pane scrolls as one form when the fields outgrow it.
MIN_FIELD_LINES = 3
# A mock-interview answer has its own two reflection fields (store.set_segment_notes).
SEGMENT_FIELDS = FIELDS[1:]


class GrowingTextEdit(QPlainTextEdit):
    """A plain-text field as tall as its text (at least MIN_FIELD_LINES lines), never scrolling itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())

    def _height_for_lines(self, lines: float) -> int:
        margins = self.contentsMargins()
        doc_margin = 2 * self.document().documentMargin()
        return int(lines * self.fontMetrics().lineSpacing() + doc_margin + margins.top() + margins.bottom()) + 2

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        lines = max(MIN_FIELD_LINES, self.document().size().height())   # lines, for a plain-text layout
        return QSize(super().sizeHint().width(), self._height_for_lines(lines))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().minimumSizeHint().width(), self._height_for_lines(MIN_FIELD_LINES))


class NotesEditor(QWidget):
    """Plain-text fields bound to one record (a session, or with ``fields=SEGMENT_FIELDS`` and
    ``saver=store.set_segment_notes`` an interview answer); saves with a short debounce."""

    notes_saved = Signal(int)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None, *, fields=FIELDS, saver=None) -> None:
        super().__init__(parent)
        self._save = saver or store.set_notes
        self._session_id: int | None = None
        self._dirty: set[str] = set()
        self._loading = False
        self.edits: dict[str, QPlainTextEdit] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        # Each field is as tall as its text; the pane scrolls as one form when it is short.
        body = QWidget()
        fields_lay = QVBoxLayout(body)
        fields_lay.setContentsMargins(0, 0, 0, 0)
        fields_lay.setSpacing(4)
        for key, title, hint in fields:
            label = QLabel(title)
            label.setStyleSheet("font-weight: 600;")
            edit = GrowingTextEdit()
            edit.setPlaceholderText(hint)
            edit.setTabChangesFocus(True)
            edit.textChanged.connect(lambda k=key: self._on_text_changed(k))
            fields_lay.addWidget(label)
            fields_lay.addWidget(edit)
            self.edits[key] = edit
        fields_lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        # The form scrolls: the pane itself may be as short as a field label and a line or two
        # (a mock interview answer's notes under its question table in a 1024x640 window).
        scroll.setMinimumHeight(2 * self.fontMetrics().lineSpacing())
        self._status = QLabel("")
        self._status.setStyleSheet(f"color: {TEXT_MUTED};")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(scroll, 1)
        lay.addWidget(self._status)
        self.setEnabled(False)

    def set_session(self, info) -> None:
        """Show the notes of a record with ``.id`` and the fields (None clears); pending edits
        of the previous one are saved first."""
        self.flush()
        self._session_id = None if info is None else info.id
        self._loading = True
        try:
            for key, edit in self.edits.items():
                edit.setPlainText("" if info is None else getattr(info, key) or "")
        finally:
            self._loading = False
        self._dirty.clear()
        self._status.setText("Saved automatically as you type" if info is not None else "")
        self.setEnabled(info is not None)

    def _on_text_changed(self, key: str) -> None:
        if self._loading or self._session_id is None:
            return
        self._dirty.add(key)
        self._status.setText("Editing…")
        self._timer.start()

    def flush(self) -> None:
        """Write pending edits now (called by the debounce timer, on session change and on close)."""
        self._timer.stop()
        if self._session_id is None or not self._dirty:
            return
        values = {key: self.edits[key].toPlainText() for key in self._dirty}
        try:
            self._save(self._session_id, **values)
        except Exception as exc:  # StoreError carries a user sentence; keep the text to retry
            logger.warning("notes not saved: %s", exc)
            self._status.setText(f"Not saved: {exc}")
            self.error_occurred.emit(str(exc))
            return
        self._dirty.clear()
        self._status.setText("Saved")
        self.notes_saved.emit(self._session_id)

    def has_pending(self) -> bool:
        return bool(self._dirty)
