"""The one ingest service: a source in, a saved session out (CLI, File > Analyse video, live sessions).

Every way of making a session goes through :class:`SessionIngest`: ``poise analyze`` and the
window's File > Analyse video call :func:`ingest` (or :func:`ingest_file`), which runs
vision.analysis.analyze on the source; a live session's analysis is run by the live pipeline
on its own thread, which hands each frame to ``SessionIngest.on_result`` and the result to
``SessionIngest.finish``. Frames stream: each one goes to the store's writer thread (and to
any other sink, such as the ``--json``/``--csv`` writers) as it is made and is not kept.

What is kept, the same everywhere (docs/store.md, "What a session keeps"):

- The analysis reached the end of its source (for a live session: the user stopped it, or the
  camera ended): the session is ``complete``.
- The analysis was cancelled (Cancel in the window, Ctrl-C in the terminal, the window closed
  during an analysis) or failed part-way: the session is kept as ``interrupted``, with every
  frame analysed so far, its events and the summary of that part. Nothing analysed is lost
  silently, and the status says it is not the whole source.
- Not a single frame was analysed: there is nothing to review, and the session is deleted.

A file's sound is transcribed *after* its analysis (``transcribe=True``; `poise analyze` does, with
--no-transcript to skip), not during it: the analysis already keeps both cores of a 2-core machine
busy (MediaPipe's three models and the decoder), so running Whisper beside it would slow both and
finish no sooner, and the analysis speed the benchmarks promise would no longer hold. The session
is closed first, so a transcript that fails or is cancelled never costs the analysed frames.
A cancelled analysis is not transcribed.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol, Sequence

from poise.vision.atomic import WriteError
from poise.vision.analysis import AnalysisResult, AnalysisSettings, analyze, open_video
from poise.vision.calibration import Calibration
from poise.vision.landmarker import Landmarker
from poise.vision.models import ModelError, ModelPaths, resolve_models
from poise.vision.sessions.recorder import SessionRecorder
from poise.vision.sessions.store import SessionStore, StoreError
from poise.vision.sources import FrameSource, SourceError
from poise.vision.speech.transcribe import transcribe_file, transcribe_session
from poise.vision.speech.transcript import Transcript
from poise.vision.types import CancelToken, FrameUpdate, Progress, Summary

logger = logging.getLogger(__name__)

COMPLETE, INTERRUPTED = "complete", "interrupted"


class FrameSink(Protocol):
    """Anything that takes the analysis's frames as they are made (the --json/--csv writers)."""

    def on_result(self, update: FrameUpdate) -> None: ...

    def close(self, result: AnalysisResult | None) -> None:
        """The analysis ended (``result``) or failed (None: drop what was written)."""


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What became of one ingest: the session (None if not saved) and its status."""

    session_id: int | None
    #: 'complete' or 'interrupted' for a saved session; None when nothing was saved.
    status: str | None
    result: AnalysisResult | None
    #: A store error while finishing (the frames already written are kept).
    error: str | None = None
    #: The sound's transcript when one was asked for (ingest's ``transcribe``).
    transcript: Transcript | None = None


class SessionIngest:
    """One session being made from one analysis: opens it, streams frames into it, closes it
    with the status the module docstring defines. Raises StoreError if it cannot be opened."""

    def __init__(self, store: SessionStore, kind: str, source_name: str, *, settings: dict, models: dict,
                 calibration: dict | None = None, calibration_id: int | None = None,
                 sinks: Sequence[Callable[[FrameUpdate], None]] = ()) -> None:
        self.store = store
        self.session_id = store.create_session(kind, source_name, settings=settings, models=models,
                                               calibration=calibration, calibration_id=calibration_id)
        try:
            self.recorder = SessionRecorder(store, self.session_id)
        except StoreError:
            self._delete()
            raise
        self._sinks = tuple(sinks)
        self.status: str | None = None

    def on_result(self, update: FrameUpdate) -> None:
        """Hand one analysed frame to the store's writer (it only queues) and to the sinks."""
        self.recorder.on_result(update)
        for sink in self._sinks:
            sink(update)

    @property
    def frames_written(self) -> int:
        return self.recorder.frames_written

    def finish(self, result: AnalysisResult | None) -> IngestOutcome:
        """Close the session after its analysis: ``result`` is None if the analysis raised.
        Never raises; a store error is in the outcome (what reached the disk is kept)."""
        error = None
        try:
            if result is not None and result.frames_analysed:
                status = INTERRUPTED if result.cancelled else COMPLETE
                self.recorder.finish(result, status=status)
                self.status = status
            else:
                self.recorder.close()  # flushes; a session that saw frames is marked 'interrupted'
                if result is None and self.recorder.frames_written:
                    self.status = INTERRUPTED
        except StoreError as exc:
            logger.error("finishing session %d failed: %s", self.session_id, exc)
            error = str(exc)
            self.status = INTERRUPTED if self.recorder.frames_written else None
        if self.status is None:
            self._delete()
        logger.info("session %d %s: %d frames", self.session_id, self.status or "not kept (no frame analysed)",
                    self.recorder.frames_written)
        return IngestOutcome(self.session_id if self.status else None, self.status, result, error)

    def _delete(self) -> None:
        try:
            self.store.delete_session(self.session_id)
        except StoreError as exc:
            logger.warning("could not delete the empty session %d: %s", self.session_id, exc)


def ingest(source: FrameSource, store: SessionStore | None, *, kind: str = "file",
           models: ModelPaths | None = None, settings: AnalysisSettings | None = None,
           calibration: Calibration | None = None, cancel: CancelToken | None = None,
           on_progress: Callable[[Progress], None] | None = None, sinks: Sequence[FrameSink] = (),
           on_session: Callable[[int], None] | None = None, landmarker: Landmarker | None = None,
           keep_frames: bool = False,
           transcribe: Callable[[IngestOutcome], Transcript] | None = None) -> IngestOutcome:
    """Analyse ``source`` into a new session of ``store`` (no session when ``store`` is None)
    and into ``sinks``; see the module docstring for what is kept. Raises what analyze()
    raises (SourceError, ModelError) after closing the session and the sinks. ``transcribe``
    makes the transcript once the session is closed (not for a cancelled analysis); the sinks
    get it (``on_transcript``) before they close."""
    settings = settings or AnalysisSettings()
    models = models or (None if landmarker else resolve_models())
    session = None
    callbacks = [s.on_result for s in sinks]
    if store is not None:
        session = SessionIngest(store, kind, source.name, settings=settings.to_dict(),
                                models={} if models is None else models.describe(),
                                calibration=None if calibration is None else calibration.to_dict(),
                                sinks=callbacks)
        if on_session is not None:
            on_session(session.session_id)
        on_result = session.on_result
    else:
        on_result = _fan_out(callbacks)
    result = None
    try:
        result = analyze(source, models=models, settings=settings, calibration=calibration,
                         on_progress=on_progress, on_result=on_result, cancel=cancel,
                         landmarker=landmarker, keep_frames=keep_frames)
    finally:
        outcome = session.finish(result) if session is not None else IngestOutcome(None, None, result)
        if result is None:
            for sink in sinks:
                sink.close(None)
    try:
        if transcribe is not None and not result.cancelled and outcome.error is None:
            outcome = replace(outcome, transcript=transcribe(outcome))
            for sink in sinks:
                if hasattr(sink, "on_transcript"):
                    sink.on_transcript(outcome.transcript)
    finally:
        for sink in sinks:
            sink.close(result)
    return outcome


def _fan_out(callbacks: list[Callable[[FrameUpdate], None]]) -> Callable[[FrameUpdate], None] | None:
    if not callbacks:
        return None

    def on_result(update: FrameUpdate) -> None:
        for cb in callbacks:
            cb(update)

    return on_result


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file (crosses the batch's process boundary, so plain data)."""

    path: str
    ok: bool
    session_id: int | None = None
    #: 'complete' or 'interrupted' (cancelled part-way) for a saved session, else None.
    status: str | None = None
    summary: Summary | None = None
    analysed_fps: float | None = None
    cancelled: bool = False
    warnings: tuple[str, ...] = ()
    error: str | None = None
    #: True when the error is the user's to fix (bad file, full disk): exit code 2, not 1.
    user_error: bool = True
    elapsed_s: float = 0.0
    extra: dict = field(default_factory=dict)
    #: The transcript of the file's sound, when it was transcribed (ingest_file's ``transcribe``).
    transcript: Transcript | None = None


def ingest_file(path: str | os.PathLike, *, settings: AnalysisSettings | None = None,
                data_dir: str | os.PathLike | None = None, store: SessionStore | None = None,
                save: bool = True, kind: str = "file", models: ModelPaths | None = None,
                cancel: CancelToken | None = None, on_progress: Callable[[Progress], None] | None = None,
                on_session: Callable[[int], None] | None = None,
                open_sinks: Callable[[FrameSource], Sequence[FrameSink]] | None = None,
                keep_frames: bool = False, transcribe: bool = False,
                on_transcript_progress: Callable[[float, float], None] | None = None
                ) -> tuple[FileOutcome, AnalysisResult | None]:
    """Analyse one video file into a session (of ``store``, or of a store opened on
    ``data_dir``; none unless ``save``), and into the sinks ``open_sinks(source)`` returns
    once the file is open (the --json/--csv writers need its frame rate). Errors a user can
    cause are in the outcome, never raised; the store is opened before the analysis, so a
    read-only data folder fails at once. ``transcribe``: then transcribe its sound (saved with
    the session; ``on_transcript_progress(done_s, total_s)``, stopped by the same ``cancel``)."""
    t0 = time.perf_counter()
    settings = settings or AnalysisSettings()

    def fail(msg: str, user: bool = True, session_id: int | None = None):
        return FileOutcome(str(path), False, session_id=session_id, error=msg, user_error=user,
                           elapsed_s=time.perf_counter() - t0), None

    try:
        models = models or resolve_models()
        source = open_video(path, settings)
    except (SourceError, ModelError) as exc:
        return fail(str(exc))
    own_store = None
    try:
        with source:
            if save and store is None:
                store = own_store = SessionStore(data_dir)
            sinks = () if open_sinks is None else open_sinks(source)

            def transcript_of(done: IngestOutcome) -> Transcript:
                if done.session_id is not None:
                    return transcribe_session(store, done.session_id, on_progress=on_transcript_progress,
                                              cancel=cancel)
                return transcribe_file(path, on_progress=on_transcript_progress, cancel=cancel)

            outcome = ingest(source, store if save else None, kind=kind, models=models, settings=settings,
                             cancel=cancel, on_progress=on_progress, sinks=sinks, on_session=on_session,
                             keep_frames=keep_frames, transcribe=transcript_of if transcribe else None)
    except (StoreError, SourceError, WriteError) as exc:
        return fail(str(exc))
    except Exception as exc:
        logger.exception("analysis of %s failed", path)
        return fail(f"{Path(path).name}: the analysis failed ({type(exc).__name__}: {exc}).", user=False)
    finally:
        if own_store is not None:
            own_store.close()
    result = outcome.result
    if outcome.error:
        return fail(outcome.error, session_id=outcome.session_id)
    return FileOutcome(str(path), True, session_id=outcome.session_id, status=outcome.status,
                       summary=result.summary, analysed_fps=result.analysed_fps, cancelled=result.cancelled,
                       warnings=tuple(result.warnings), elapsed_s=time.perf_counter() - t0,
                       transcript=outcome.transcript), result


def save_result(store: SessionStore, result: AnalysisResult, kind: str = "file") -> int | None:
    """Save an analysis that kept its frames (``analyze(keep_frames=True)``) as a session, by
    the same rules as :func:`ingest`; returns its id (None: no frame, nothing saved)."""
    if result.frames is None:
        raise ValueError("save_result needs the frames: analyze(keep_frames=True), or use ingest()")
    session = SessionIngest(store, kind, result.source, settings=result.settings, models=result.models,
                            calibration=result.calibration)
    session.recorder.add_frames(result.frames)
    outcome = session.finish(result)
    if outcome.error:
        raise StoreError(outcome.error)
    return outcome.session_id
