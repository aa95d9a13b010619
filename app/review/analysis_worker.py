"""Runs the ingest service (vision.sessions.ingest) on a video file in a QThread.

Frames are saved as they are analysed. Cancelling stops the analysis after the current frame
and keeps what was analysed as an 'interrupted' session, as `poise analyze` does on Ctrl-C
(docs/store.md, "What a session keeps"); a cancel before the first frame leaves nothing.
"""

from __future__ import annotations

import dataclasses

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from poise.vision.analysis import AnalysisSettings
from poise.vision.models import ModelPaths
from poise.vision.sessions.ingest import ingest_file
from poise.vision.types import CancelToken, Progress
from poise.app.threads import worker_thread

logger = logging.getLogger(__name__)

# Bounded wait for the worker thread after a cancel: one frame of inference (~25-50 ms), the
# decode thread's join and closing the MediaPipe graphs take well under this.
STOP_TIMEOUT_MS = 5000


class AnalysisWorker(QObject):
    """Lives on its own QThread; ``run`` analyses the file into a session, reporting by signals."""

    status_changed = Signal(str)
    progress = Signal(int, int, float)   # frames done, frames total (-1 unknown), seconds analysed
    succeeded = Signal(int)              # the saved session's id
    cancelled = Signal(int)              # the interrupted session kept, -1 if nothing was analysed
    failed = Signal(str)                 # one sentence for the user
    finished = Signal()                  # always last

    def __init__(self, store, path: str | os.PathLike, *, models: ModelPaths | None = None,
                 settings: AnalysisSettings | None = None) -> None:
        super().__init__()
        self._store = store
        self._path = Path(path)
        self._models = models
        self._settings = settings or AnalysisSettings()
        self.token = CancelToken()

    def cancel(self) -> None:
        """Thread-safe: the analysis loop checks the token after every frame."""
        self.token.cancel()

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a bug: keep the window alive, log the trace
            logger.exception("analysis of %s failed unexpectedly", self._path)
            self.failed.emit(f"The analysis of {self._path.name} failed unexpectedly ({type(exc).__name__}: {exc}).")
        finally:
            self.finished.emit()

    def _run(self) -> None:
        self.status_changed.emit(f"Analysing {self._path.name}…")
        outcome, result = ingest_file(self._path, settings=self._settings, store=self._store, models=self._models,
                                      cancel=self.token, on_progress=self._on_progress)
        if not outcome.ok:
            logger.warning("analysis of %s failed: %s", self._path, outcome.error)
            self.failed.emit(outcome.error)
        elif result.cancelled:
            logger.info("analysis of %s cancelled after %d frames; kept as session %s", self._path,
                        result.frames_analysed, outcome.session_id)
            self.cancelled.emit(-1 if outcome.session_id is None else outcome.session_id)
        elif outcome.session_id is None:
            self.failed.emit(f"{self._path.name} has no frames that could be analysed.")
        else:
            logger.info("analysed %s: %d frames saved as session %d", self._path, result.frames_analysed,
                        outcome.session_id)
            self.succeeded.emit(outcome.session_id)

    def _on_progress(self, p: Progress) -> None:
        self.progress.emit(p.frames_done, -1 if p.frames_total is None else p.frames_total, p.t)


class AnalysisRunner(QObject):
    """Owns at most one AnalysisWorker and its QThread; re-emits the worker's signals.

    ``start(path)`` returns False while an analysis is running. ``shutdown()`` cancels and
    waits (bounded) so no thread outlives the owner.
    """

    status_changed = Signal(str)
    progress = Signal(int, int, float)
    succeeded = Signal(int)
    cancelled = Signal(int)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, store, *, models: ModelPaths | None = None,
                 settings: AnalysisSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._models = models
        self._settings = settings
        self._thread: QThread | None = None
        self._worker: AnalysisWorker | None = None

    def is_running(self) -> bool:
        return self._thread is not None

    def analysis_thread(self) -> QThread | None:
        return self._thread

    def start(self, path: str | os.PathLike, *, person: str | None = None) -> bool:
        """Analyse ``path``; ``person`` (vision.person text, e.g. "0.8,0.5") overrides whose face."""
        if self._thread is not None:
            return False
        settings = self._settings
        if person is not None:
            settings = dataclasses.replace(settings or AnalysisSettings(), person=person)
        worker = AnalysisWorker(self._store, path, models=self._models, settings=settings)
        thread = worker_thread(worker, "poise-analysis")
        worker.status_changed.connect(self.status_changed)
        worker.progress.connect(self.progress)
        worker.succeeded.connect(self.succeeded)
        worker.cancelled.connect(self.cancelled)
        worker.failed.connect(self.failed)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def shutdown(self) -> None:
        """Cancel a running analysis and wait for its thread (never terminate())."""
        thread = self._thread
        if thread is None:
            return
        self.cancel()
        if not thread.wait(STOP_TIMEOUT_MS):
            logger.error("analysis thread did not stop within %d ms", STOP_TIMEOUT_MS)
            return
        self._on_thread_finished()

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, self._thread, self._worker = self._thread, None, None
        if thread is None:
            return
        thread.wait()   # already finished: returns at once, and makes deletion safe
        self.running_changed.emit(False)
