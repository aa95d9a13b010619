"""Analyse video files one after another or in parallel processes, each through the ingest service.

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
from pathlib import Path
from typing import Callable, Sequence

from poise.vision.sessions.ingest import FileOutcome, ingest_file

logger = logging.getLogger(__name__)


def _worker(path: str, settings, data_dir: str | None, save: bool, transcribe: bool = False) -> FileOutcome:
    """Runs in a spawned process: quiet native logs, analyse, return the picklable outcome."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    return ingest_file(path, settings=settings, data_dir=data_dir, save=save, transcribe=transcribe)[0]


def run_batch(paths: Sequence[str | os.PathLike], *, jobs: int = 1, settings=None,
              data_dir: str | os.PathLike | None = None, save: bool = True,
              on_outcome: Callable[[FileOutcome], None] | None = None, transcribe: bool = False) -> list[FileOutcome]:
    """Analyse ``paths`` with up to ``jobs`` processes (then transcribe each, with ``transcribe``);
    outcomes in the order of ``paths``."""
    paths = [str(p) for p in paths]
    data_dir = None if data_dir is None else str(data_dir)
    outcomes: dict[int, FileOutcome] = {}

    def done(i: int, outcome: FileOutcome) -> None:
        outcomes[i] = outcome
        if on_outcome is not None:
            on_outcome(outcome)

    if jobs <= 1 or len(paths) <= 1:
        for i, p in enumerate(paths):
            done(i, ingest_file(p, settings=settings, data_dir=data_dir, save=save, transcribe=transcribe)[0])
        return [outcomes[i] for i in range(len(paths))]

    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=ctx) as pool:
        futures = {pool.submit(_worker, p, settings, data_dir, save, transcribe): i for i, p in enumerate(paths)}
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
