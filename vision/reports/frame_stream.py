"""Frame-by-frame writers for `poise analyze --json/--csv`: each frame goes to disk as it is analysed.

The file appears (atomically, vision.atomic) only when the analysis ends; an analysis that
fails leaves no file. The JSON has the same fields as AnalysisResult.to_dict() (README,
"JSON format"), in the order they become known: the header, the frames, then the summary.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from typing import Any, Iterable

from poise.vision.analysis import AnalysisResult
from poise.vision.atomic import atomic_path
from poise.vision.types import Components, FrameScores, FrameUpdate

CSV_COMPONENTS: tuple[str, ...] = tuple(Components.__slots__)
CSV_COLUMNS: tuple[str, ...] = ("t", "eye_contact", "posture", "fidgeting", "speaking", "eye_contact_reason",
                                "posture_reason", "fidgeting_reason", *CSV_COMPONENTS)


def csv_row(f: FrameScores) -> list[str]:
    """One frame as a CSV row under CSV_COLUMNS (4 decimals; empty = not measurable)."""
    c = f.components
    return [f"{f.t:.3f}", _cell(f.eye_contact), _cell(f.posture), _cell(f.fidgeting), _cell(f.speaking),
            f.eye_contact_reason or "", f.posture_reason or "", f.fidgeting_reason or "",
            *(_cell(getattr(c, n)) for n in CSV_COMPONENTS)]


def frames_csv(frames: Iterable[FrameScores]) -> str:
    """Per-frame scores and components as CSV text (one row per analysed frame)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(csv_row(f) for f in frames)
    return out.getvalue()


def _cell(v: Any) -> Any:
    return "" if v is None else (f"{v:.4f}" if isinstance(v, float) else v)


class _StreamedFile:
    """A text file written piece by piece into a temp file, put in place by ``commit``."""

    def __init__(self, path: str | os.PathLike) -> None:
        self._stack = contextlib.ExitStack()
        tmp = self._stack.enter_context(atomic_path(path))  # raises WriteError (one sentence)
        self.fh = self._stack.enter_context(open(tmp, "w", encoding="utf-8", newline=""))

    def commit(self) -> None:
        self._stack.close()

    def abort(self) -> None:
        self._stack.__exit__(RuntimeError, RuntimeError("analysis failed"), None)  # removes the temp file


class CsvFramesWriter:
    """`poise analyze --csv`: a FrameSink (vision.sessions.ingest) writing one row per frame."""

    def __init__(self, path: str | os.PathLike) -> None:
        self._file = _StreamedFile(path)
        self._csv = csv.writer(self._file.fh, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def on_result(self, update: FrameUpdate) -> None:
        if update.frame is not None:  # frame None: events closed at the end, not a new frame
            self._csv.writerow(csv_row(update.scores))

    def close(self, result: AnalysisResult | None) -> None:
        self._file.commit() if result is not None else self._file.abort()


class JsonFramesWriter:
    """`poise analyze --json`: a FrameSink writing the header, then each frame, then the rest."""

    def __init__(self, path: str | os.PathLike, header: dict[str, Any]) -> None:
        self._file = _StreamedFile(path)
        self._first = True
        fh = self._file.fh
        fh.write("{\n")
        for key, value in header.items():
            fh.write(f" {json.dumps(key)}: {json.dumps(value)},\n")
        fh.write(' "frames": [')

    def on_result(self, update: FrameUpdate) -> None:
        if update.frame is None:
            return
        self._file.fh.write(("\n  " if self._first else ",\n  ") + json.dumps(update.scores.to_dict()))
        self._first = False

    def close(self, result: AnalysisResult | None) -> None:
        if result is None:
            self._file.abort()
            return
        fh = self._file.fh
        fh.write("\n ]" if not self._first else "]")
        for key, value in result.trailer().items():
            fh.write(f",\n {json.dumps(key)}: {json.dumps(value)}")
        fh.write("\n}\n")
        self._file.commit()
