"""File > Analyse video: pick a video, analyse it into a session with progress and Cancel."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget)

from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_clock
from poise.app.review.analysis_worker import AnalysisRunner
from poise.app.review.person_picker import PersonPicker

logger = logging.getLogger(__name__)

VIDEO_FILTER = "Videos (*.mp4 *.mov *.m4v *.avi *.mkv *.webm *.mpg *.mpeg *.wmv);;All files (*)"
ERROR_STYLE = "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px; padding: 8px;"


class AnalyzeVideoDialog(QDialog):
    """Non-modal dialog. ``start(path)`` runs the analysis (tests call it; the Choose… button
    opens a file dialog for users). Emits ``session_saved(id)`` after a successful save and
    closes itself (unless ``close_on_success=False``); errors are shown inside the dialog and
    also emitted as ``error_occurred(message)``. A cancelled analysis keeps the part analysed
    as an 'interrupted' session (``session_kept(id)``, then ``analysis_cancelled``)."""

    session_saved = Signal(int)
    session_kept = Signal(int)
    error_occurred = Signal(str)
    analysis_cancelled = Signal()
    running_changed = Signal(bool)

    def __init__(self, store, models=None, parent: QWidget | None = None, *, settings=None,
                 close_on_success: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Analyse a video")
        self.setModal(False)
        self.setMinimumWidth(520)
        self._close_on_success = close_on_success
        self._last_dir = str(Path.home())
        self.runner = AnalysisRunner(store, models=models, settings=settings, parent=self)

        intro = QLabel("Score a recording you already have (an interview practice video, a call recording). "
                       "It is analysed on this computer and saved as a session you can review.")
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {TEXT_MUTED};")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Video file…")
        self.path_edit.returnPressed.connect(self._on_analyse_clicked)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._on_choose_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        # Whose face: a frame of the chosen video to click on (vision.person, like --person).
        self.person_picker = PersonPicker()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.status_label = QLabel("Choose a video file to analyse.")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.buttons = QDialogButtonBox()
        self.analyse_button = self.buttons.addButton("Analyse", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Cancel analysis", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.analyse_button.setDefault(True)
        # The box's own accepted/rejected would close the dialog; route the clicks explicitly.
        self.analyse_button.clicked.connect(self._on_analyse_clicked)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)

        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addLayout(file_row)
        lay.addWidget(self.person_picker, 1)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.status_label)
        lay.addWidget(self.error_label)
        lay.addStretch(1)
        lay.addWidget(self.buttons)

        self.runner.status_changed.connect(self.status_label.setText)
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.failed.connect(self._on_failed)
        self.runner.running_changed.connect(self._on_running_changed)
        self._on_running_changed(False)

    # ----- public API -------------------------------------------------------------------------
    def start(self, path: str | os.PathLike) -> bool:
        """Analyse ``path`` in the background; False if one is already running or path is empty."""
        text = str(path).strip()
        if not text:
            self._show_error("Choose a video file first.")
            return False
        self.path_edit.setText(text)
        self.error_label.hide()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        path = Path(text).expanduser()
        self.person_picker.load(path)
        return self.runner.start(path, person=self.person_picker.choice)

    def cancel(self) -> None:
        """Stop a running analysis after the current frame; what was analysed is kept."""
        if self.runner.is_running():
            self.status_label.setText("Cancelling…")
            self.runner.cancel()

    def is_running(self) -> bool:
        return self.runner.is_running()

    def shutdown(self) -> None:
        """Cancel and wait for the worker thread (bounded); safe to call twice."""
        self.runner.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)

    def reject(self) -> None:  # Esc: cancel a running analysis, then close
        self.shutdown()
        super().reject()

    # ----- handlers ---------------------------------------------------------------------------
    def _on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a video to analyse", self._last_dir, VIDEO_FILTER)
        if path:
            self._last_dir = str(Path(path).parent)
            self.choose_video(path)

    def choose_video(self, path: str | os.PathLike) -> None:
        """Show a frame of ``path`` to click the face to score on; Analyse starts. A video
        whose frame cannot be shown starts at once (the analysis then says what is wrong)."""
        self.path_edit.setText(str(path))
        self.error_label.hide()
        if self.person_picker.load(Path(path).expanduser()):
            self.status_label.setText("Click the face to score if more than one person is in the video, then Analyse.")
        else:
            self.start(path)

    def _on_analyse_clicked(self) -> None:
        if not self.runner.is_running():
            self.start(self.path_edit.text())

    def _on_progress(self, done: int, total: int, t: float) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
            self.progress_bar.setFormat(f"%p%  ·  {fmt_clock(t)} analysed")
        else:
            self.progress_bar.setRange(0, 0)   # unknown length: busy indicator

    def _on_succeeded(self, session_id: int) -> None:
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(100)
        self.status_label.setText(f"Done: saved as session {session_id}.")
        self.session_saved.emit(session_id)
        if self._close_on_success:
            self.accept()

    def _on_cancelled(self, session_id: int) -> None:
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        if session_id < 0:
            self.status_label.setText("Cancelled before any frame was analysed; nothing was saved.")
        else:
            self.status_label.setText(f"Cancelled: the part analysed so far is saved as session {session_id} "
                                      "(interrupted).")
            self.session_kept.emit(session_id)
        self.analysis_cancelled.emit()

    def _on_failed(self, message: str) -> None:
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.status_label.setText("The video could not be analysed.")
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.grow_to_fit()
        self.error_occurred.emit(message)

    def grow_to_fit(self) -> None:
        """Make the dialog tall enough for its wrapped text at its current width (a top-level
        window does not grow by itself when a word-wrapped label gets more lines)."""
        lay = self.layout()
        lay.activate()
        need = lay.totalHeightForWidth(self.width()) if lay.hasHeightForWidth() else lay.totalMinimumSize().height()
        if need > self.height():
            self.resize(self.width(), need)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():   # narrower: the text needs more lines
            QTimer.singleShot(0, self.grow_to_fit)

    def _on_running_changed(self, running: bool) -> None:
        self.analyse_button.setEnabled(not running)
        self.choose_button.setEnabled(not running)
        self.path_edit.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.running_changed.emit(running)

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""
