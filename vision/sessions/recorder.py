"""Record a running analysis into the store from a writer thread, so the analysis never waits on disk.

Used by the ingest service (vision.sessions.ingest.SessionIngest), which opens the session,
hands ``on_result`` to the analysis and finishes the recorder with the result.

``on_result`` only puts the frame's scores and events on an unbounded queue. The writer thread,
with its own database connection, commits what has arrived at least every FLUSH_INTERVAL_S of
wall time and every FLUSH_SOURCE_S of source time (file analysis runs faster than real time),
so a killed process loses at most about half a second of session.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Sequence

from poise.vision.analysis import AnalysisResult
from poise.vision.sessions.store import SessionStore, StoreError
from poise.vision.types import Event, FrameScores, FrameUpdate, Summary

logger = logging.getLogger(__name__)

# "Loses at most the last second" (issue 3) with a 2x margin; a commit of a 0.5 s batch costs
# ~1 ms in WAL mode with synchronous=NORMAL (scripts/bench_store.py), so this is cheap.
FLUSH_INTERVAL_S = 0.5
FLUSH_SOURCE_S = 0.5
# Bounded waits: opening the store (may wait for another writer's lock) and the final flush.
OPEN_TIMEOUT_S = 15.0
JOIN_TIMEOUT_S = 15.0

_STOP = ("stop",)


class SessionRecorder:
    """Writes one session's frames and events as they arrive; see the module docstring."""

    def __init__(self, data_dir_or_store: SessionStore | str | os.PathLike | None, session_id: int) -> None:
        root = data_dir_or_store.root if isinstance(data_dir_or_store, SessionStore) else data_dir_or_store
        self._root: Path | None = None if root is None else Path(root)
        self.session_id = session_id
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._ready = threading.Event()
        self._closed = False
        self._finished = False
        self._done = False
        self.error: StoreError | None = None
        #: Figures for scripts/bench_store.py: frames committed, commits, seconds spent committing.
        self.frames_written = 0
        self.commits = 0
        self.write_seconds = 0.0
        self.last_t: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"poise-recorder-{session_id}", daemon=True)
        self._thread.start()
        if not self._ready.wait(OPEN_TIMEOUT_S):
            raise StoreError("The session database did not open in time (is another program holding it?).")
        if self.error is not None:
            raise self.error

    # ------------------------------------------------------------ caller side
    def on_result(self, update: FrameUpdate) -> None:
        """Queue the frame's scores and events; never blocks and never touches the disk."""
        if self._closed or self.error is not None:
            return
        self._queue.put(("frame", update.scores, update.events))

    def add_frames(self, frames: Sequence[FrameScores], events: Sequence[Event] = ()) -> None:
        """Queue frames that did not come through on_result (e.g. from another worker)."""
        if self._closed or self.error is not None:
            return
        for f in frames:
            self._queue.put(("frame", f, ()))
        if events:
            self._queue.put(("frame", None, tuple(events)))

    def finish(self, result_or_summary: AnalysisResult | Summary, *, events: Sequence[Event] | None = None,
               duration_s: float | None = None, status: str | None = None,
               timeout: float = JOIN_TIMEOUT_S) -> None:
        """Flush, write the summary and final events, close the session, stop the thread.

        Pass an AnalysisResult, or a Summary with ``events`` and ``duration_s``. Status
        defaults to 'complete' ('interrupted' for a cancelled analysis). Raises StoreError if
        anything could not be written.
        """
        if isinstance(result_or_summary, AnalysisResult):
            result = result_or_summary
            summary, events = result.summary, list(result.events)
            duration_s = result.summary.duration_s if duration_s is None else duration_s
            status = status or ("interrupted" if result.cancelled else "complete")
        else:
            summary = result_or_summary
            events = list(events or ())
            duration_s = summary.duration_s if duration_s is None else duration_s
            status = status or "complete"
        if not self._closed:
            self._finished = True
            self._queue.put(("finish", summary, events, float(duration_s), status))
        self._stop(timeout)
        if self.error is not None:
            raise self.error

    def close(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Flush and stop. A session that was never finished is marked 'interrupted'."""
        if not self._closed and not self._finished:
            self._queue.put(("interrupt",))
        self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive() and self.error is None:
            self.error = StoreError("Saving the session did not finish in time; what was written is kept.")

    def __enter__(self) -> "SessionRecorder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ writer thread
    def _run(self) -> None:
        try:
            store = SessionStore(self._root)
        except StoreError as exc:
            self.error = exc
            self._ready.set()
            return
        self._ready.set()
        frames: list[FrameScores] = []
        events: list[Event] = []
        last_flush = time.monotonic()
        batch_t0: float | None = None
        try:
            while True:
                wait = max(0.0, last_flush + FLUSH_INTERVAL_S - time.monotonic())
                try:
                    item = self._queue.get(timeout=wait)
                except queue.Empty:
                    item = None
                if item is None:
                    pass
                elif item[0] == "frame":
                    _, scores, evs = item
                    if scores is not None:
                        frames.append(scores)
                        batch_t0 = scores.t if batch_t0 is None else batch_t0
                    events.extend(evs)
                elif item is _STOP:
                    self._flush(store, frames, events)
                    break
                else:
                    self._flush(store, frames, events)
                    if item[0] == "finish":
                        _, summary, final_events, duration, status = item
                        store.finish_session(self.session_id, summary=summary, events=final_events,
                                             duration_s=duration, status=status)
                    else:
                        store.mark_interrupted(self.session_id)
                    self._done = True  # no heartbeats for a closed session
                    last_flush, batch_t0 = time.monotonic(), None
                    continue
                source_due = frames and batch_t0 is not None and frames[-1].t - batch_t0 >= FLUSH_SOURCE_S
                if source_due or time.monotonic() - last_flush >= FLUSH_INTERVAL_S:
                    self._flush(store, frames, events)
                    last_flush, batch_t0 = time.monotonic(), None
        except StoreError as exc:
            logger.error("recording session %d failed: %s", self.session_id, exc)
            self.error = exc
            self._drain()
        finally:
            store.close()

    def _flush(self, store: SessionStore, frames: list[FrameScores], events: list[Event]) -> None:
        if self.error is not None or (self._done and not frames and not events):
            return
        t0 = time.perf_counter()
        if frames or events:
            store.append_frames(self.session_id, frames, events=events)
        else:
            store.heartbeat(self.session_id)
        self.write_seconds += time.perf_counter() - t0
        self.commits += 1
        self.frames_written += len(frames)
        if frames:
            self.last_t = frames[-1].t
        frames.clear()
        events.clear()

    def _drain(self) -> None:
        while True:
            try:
                if self._queue.get(timeout=0.5) is _STOP:
                    return
            except queue.Empty:
                if self._closed:
                    return
