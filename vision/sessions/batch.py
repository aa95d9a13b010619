"""Analyse video files one after another or in parallel processes, saving each as a session.

Each file gets its own Landmarker (MediaPipe's VIDEO mode tracks across frames, so reusing
one across files would let one video's tracking state leak into the next). With ``jobs > 1``
files are spread over a ProcessPoolExecutor using the spawn context (MediaPipe and OpenCV
threads do not survive fork); every worker records into the same database through its own
connection (SQLite WAL serialises the short write transactions). A file that fails is
reported in its row and the others go on.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from poise.vision.types import Progress, Summary

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file of a batch (crosses the process boundary, so plain data)."""

    path: str
    ok: bool
    session_id: int | None = None
    summary: Summary | None = None
    analysed_fps: float | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None
    #: True when the error is the user's to fix (bad file, full disk): exit code 2, not 1.
    user_error: bool = True
    elapsed_s: float = 0.0
    extra: dict = field(default_factory=dict)


def analyze_file(path: str | os.PathLike, *, settings=None, data_dir: str | os.PathLike | None = None,
                 save: bool = True, kind: str = "file", models=None,
                 on_progress: Callable[[Progress], None] | None = None,
                 on_session: Callable[[int], None] | None = None):
    """Analyse one file and (unless ``save`` is false) record it as a session while it runs.

    Returns ``(FileOutcome, AnalysisResult | None)``. Errors a user can cause are reported in
    the outcome, never raised; the store is opened before the analysis so a read-only or
    broken data directory fails at once. ``on_session(id)`` is called when the session exists.
    """
    from poise.vision.analysis import AnalysisSettings, analyze, open_video
    from poise.vision.models import ModelError, resolve_models
    from poise.vision.sessions.recorder import SessionRecorder
    from poise.vision.sources import SourceError
    from poise.vision.sessions.store import SessionStore, StoreError

    t0 = time.perf_counter()
    settings = settings or AnalysisSettings()
    fail = lambda msg, user=True: (FileOutcome(str(path), False, error=msg, user_error=user,
                                               elapsed_s=time.perf_counter() - t0), None)
    store = recorder = None
    try:
        models = models or resolve_models()
        source = open_video(path, settings)
    except (SourceError, ModelError) as exc:
        return fail(str(exc))
    try:
        with source:
            if save:
                store = SessionStore(data_dir)
                sid = store.create_session(kind, source.name, settings=settings.to_dict(), models=models.describe())
                if on_session is not None:
                    on_session(sid)
                recorder = SessionRecorder(store, sid)
            result = analyze(source, models=models, settings=settings, on_progress=on_progress,
                             on_result=None if recorder is None else recorder.on_result)
        if recorder is not None:
            recorder.finish(result)
    except StoreError as exc:
        return fail(str(exc))
    except SourceError as exc:
        return fail(str(exc))
    except BaseException as exc:
        if not isinstance(exc, Exception):  # KeyboardInterrupt: keep what was recorded, then stop
            raise
        logger.exception("analysis of %s failed", path)
        return fail(f"{Path(path).name}: the analysis failed ({type(exc).__name__}: {exc}).", user=False)
    finally:
        if recorder is not None:
            recorder.close()  # no-op after finish; otherwise marks the session interrupted
        if store is not None:
            store.close()
    outcome = FileOutcome(str(path), True, session_id=None if recorder is None else recorder.session_id,
                          summary=result.summary, analysed_fps=result.analysed_fps,
                          warnings=tuple(result.warnings), elapsed_s=time.perf_counter() - t0)
    return outcome, result


def _worker(path: str, settings, data_dir: str | None, save: bool) -> FileOutcome:
    """Runs in a spawned process: quiet native logs, analyse, return the picklable outcome."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    return analyze_file(path, settings=settings, data_dir=data_dir, save=save)[0]


def run_batch(paths: Sequence[str | os.PathLike], *, jobs: int = 1, settings=None,
              data_dir: str | os.PathLike | None = None, save: bool = True,
              on_outcome: Callable[[FileOutcome], None] | None = None) -> list[FileOutcome]:
    """Analyse ``paths`` with up to ``jobs`` processes; outcomes in the order of ``paths``."""
    paths = [str(p) for p in paths]
    data_dir = None if data_dir is None else str(data_dir)
    outcomes: dict[int, FileOutcome] = {}

    def done(i: int, outcome: FileOutcome) -> None:
        outcomes[i] = outcome
        if on_outcome is not None:
            on_outcome(outcome)

    if jobs <= 1 or len(paths) <= 1:
        for i, p in enumerate(paths):
            done(i, analyze_file(p, settings=settings, data_dir=data_dir, save=save)[0])
        return [outcomes[i] for i in range(len(paths))]

    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=ctx) as pool:
        futures = {pool.submit(_worker, p, settings, data_dir, save): i for i, p in enumerate(paths)}
        for fut in cf.as_completed(futures):
            i = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # a worker died (e.g. killed, out of memory)
                logger.error("worker for %s failed: %s", paths[i], exc)
                outcome = FileOutcome(paths[i], False, error=f"{Path(paths[i]).name}: the worker process failed ({exc}).",
                                      user_error=False)
            done(i, outcome)
    return [outcomes[i] for i in range(len(paths))]
