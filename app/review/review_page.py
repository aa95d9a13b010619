"""The Review page: the sessions list beside the selected session's view."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

from poise.app.review.session_view import SessionView
from poise.app.review.sessions_list import SessionsList
from poise.app.review.transcription_worker import TranscriptionRunner

logger = logging.getLogger(__name__)

# The compact list shows date, kind, length, three scores and status without scrolling.
LIST_WIDTH_PX = 440


class ReviewPage(QWidget):
    """Composes SessionsList and SessionView; selecting a session shows it.

    After a new session is saved (live or File > Analyse video) call ``show_session(id)``:
    it refreshes the list, selects the row and opens the session.
    """

    session_selected = Signal(int)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = SessionsList(store, compact=True)
        #: Transcribes sessions in the background: asked for in the review, or by the window after a
        #: live session or a file analysis.
        self.transcriber = TranscriptionRunner(store, self)
        self.view = SessionView(store, transcriber=self.transcriber)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.sessions)
        split.addWidget(self.view)
        split.setStretchFactor(1, 1)
        split.setSizes([LIST_WIDTH_PX, 1000])
        split.setChildrenCollapsible(False)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        self.sessions.session_selected.connect(self._on_session_selected)
        self.sessions.error_occurred.connect(self.error_occurred)
        self.view.error_occurred.connect(self.error_occurred)

    def refresh(self) -> None:
        self.sessions.refresh()

    def show_session(self, session_id: int) -> bool:
        self.sessions.refresh()
        self.sessions.select_session(session_id, emit=False)
        return self.view.show_session(session_id)

    def shutdown(self) -> None:
        """Stop playback and transcription and save pending notes (call from the window's closeEvent)."""
        self.view.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)

    def _on_session_selected(self, session_id: int) -> None:
        if session_id != self.view.current_session_id():
            self.view.show_session(session_id)
        self.session_selected.emit(session_id)
