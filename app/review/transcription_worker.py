"""Transcribes sessions (vision.speech.transcribe.transcribe_session) one at a time in a QThread.

Sessions wait in a queue; none is transcribed while a live session runs (``set_held(True)``
stops a running transcription at once and puts it back at the head of the queue, so the live
path has both cores to itself). Cancelling keeps the words so far (a 'cancelled' transcript).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from poise.vision.speech.transcribe import transcribe_session
from poise.vision.speech.transcript import Transcript, TranscriptStatus
from poise.app.threads import worker_thread

logger = logging.getLogger(__name__)

# Bounded wait for the worker thread after a cancel: the transcriber checks the cancel flag
# between Whisper's segments (a few seconds of speech each; tiny.en decodes one in well under a
# second on this 2-core machine) and before loading the model.
STOP_TIMEOUT_MS = 10_000


class TranscriptionWorker(QObject):
    """Lives on its own QThread; ``run`` transcribes one session and saves its transcript."""

    progress = Signal(int, float, float)   # session id, seconds done, seconds in all
    done = Signal(int, object)             # session id, the Transcript (also saved in the store)
    finished = Signal()                    # always last

    def __init__(self, store, session_id: int) -> None:
        super().__init__()
        self._store = store
        self.session_id = session_id
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        """Thread-safe: the transcriber stops after the current segment."""
        self.cancel_event.set()

    @Slot()
    def run(self) -> None:
        sid = self.session_id
        try:
            transcript = transcribe_session(self._store, sid, cancel=self.cancel_event,
                                            on_progress=lambda done, total: self.progress.emit(sid, done, total))
        except Exception as exc:  # a bug: keep the window alive, log the trace, say it in one sentence
            logger.exception("transcription of session %d failed unexpectedly", sid)
            transcript = Transcript(TranscriptStatus.FAILED, message=(
                f"The transcription failed unexpectedly ({type(exc).__name__}: {exc})."))
        logger.info("session %d transcribed: %s, %d words", sid, transcript.status.value, len(transcript.words))
        self.done.emit(sid, transcript)
        self.finished.emit()


class TranscriptionRunner(QObject):
    """A queue of sessions to transcribe, one QThread at a time.

    ``request(id)`` queues a session (at once if nothing runs and no live session is held);
    ``cancel(id)`` stops it or takes it off the queue; ``set_held(True)`` while a live session
    runs; ``shutdown()`` cancels and waits (bounded) so no thread outlives the owner.
    """

    progress = Signal(int, float, float)   # session id, seconds done, seconds in all
    transcribed = Signal(int, object)      # session id, Transcript (DONE, NO_SOUND, ... or CANCELLED)
    state_changed = Signal(int)            # a session was queued, started, put back or finished

    def __init__(self, store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._queue: list[int] = []
        self._held = False
        self._thread: QThread | None = None
        self._worker: TranscriptionWorker | None = None
        self._requeue = False   # the running one was stopped for a live session: run it again later

    # ----- state ---------------------------------------------------------------------------
    def running_session(self) -> int | None:
        return None if self._worker is None else self._worker.session_id

    def is_queued(self, session_id: int) -> bool:
        return session_id in self._queue

    def is_held(self) -> bool:
        return self._held

    def thread(self) -> QThread | None:  # noqa: D102 (the worker's QThread, for tests)
        return self._thread

    # ----- control -------------------------------------------------------------------------
    def request(self, session_id: int) -> None:
        """Transcribe ``session_id`` when its turn comes (nothing if already queued or running)."""
        if session_id == self.running_session() or session_id in self._queue:
            return
        self._queue.append(session_id)
        self.state_changed.emit(session_id)
        self._start_next()

    def cancel(self, session_id: int) -> None:
        """Stop transcribing ``session_id`` (the words so far are kept) or take it off the queue."""
        if session_id in self._queue:
            self._queue.remove(session_id)
            self.state_changed.emit(session_id)
        elif session_id == self.running_session():
            self._requeue = False
            self._worker.cancel()

    def set_held(self, held: bool) -> None:
        """While held (a live session runs) nothing is transcribed: a running transcription is
        stopped and queued again at the front; it starts over when the hold ends."""
        self._held = held
        if held and self._worker is not None:
            logger.info("live session started: transcription of session %d stopped, to run again after it",
                        self._worker.session_id)
            self._requeue = True
            self._worker.cancel()
        elif not held:
            self._start_next()

    def shutdown(self) -> None:
        """Forget the queue, cancel a running transcription and wait for its thread (never terminate())."""
        self._queue.clear()
        thread = self._thread
        if thread is None:
            return
        self._requeue = False
        self._worker.cancel()
        if not thread.wait(STOP_TIMEOUT_MS):
            logger.error("transcription thread did not stop within %d ms", STOP_TIMEOUT_MS)
            return
        self._on_thread_finished()

    # ----- internals -------------------------------------------------------------------------
    def _start_next(self) -> None:
        if self._thread is not None or self._held or not self._queue:
            return
        sid = self._queue.pop(0)
        worker = TranscriptionWorker(self._store, sid)
        thread = worker_thread(worker, "poise-transcription")
        worker.progress.connect(self.progress)
        worker.done.connect(self._on_done)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker, self._requeue = thread, worker, False
        thread.start()
        self.state_changed.emit(sid)

    @Slot(int, object)
    def _on_done(self, session_id: int, transcript: Transcript) -> None:
        if self._requeue and transcript.status == TranscriptStatus.CANCELLED:
            self._queue.insert(0, session_id)   # stopped for a live session, not by the user
        self.transcribed.emit(session_id, transcript)

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread, self._worker = None, None
        if thread is None:
            return
        thread.wait()   # already finished: returns at once, and makes deletion safe
        self.state_changed.emit(worker.session_id)
        self._start_next()
