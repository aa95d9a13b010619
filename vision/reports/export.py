"""Export a stored session as CSV, JSON or a self-contained HTML report, written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from poise.vision.sessions.store import SessionStore, StoreError
from poise.vision.types import SCHEMA_VERSION

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json", "html")


class ExportError(RuntimeError):
    """An export could not be written; the message is one sentence for the user."""


def session_dict(store: SessionStore, session_id: int) -> dict[str, Any]:
    """A stored session in the JSON export format (AnalysisResult.to_dict() plus the session)."""
    info = store.get_session(session_id)
    frames = store.load_frames(session_id)
    events = store.load_events(session_id)
    segments = store.list_segments(session_id)
    return {
        "schema_version": SCHEMA_VERSION,
        "session": {
            "id": info.id,
            "kind": info.kind,
            "started_at": info.started_at.isoformat(),
            "status": info.status,
            "duration_s": info.duration_s,
            "notes": info.notes,
            "went_well": info.went_well,
            "do_better": info.do_better,
            "recording_path": None if info.recording_path is None else str(info.recording_path),
            "calibration_id": info.calibration_id,
        },
        "source": info.source,
        "settings": info.settings,
        "models": info.models,
        "calibration": info.calibration,
        "summary": None if info.summary is None else info.summary.to_dict(),
        "events": [e.to_dict() for e in events],
        "segments": [
            {"index": s.index, "question": s.question, "category": s.category, "start_s": s.start_s,
             "end_s": s.end_s, "went_well": s.went_well, "do_better": s.do_better}
            for s in segments
        ],
        "frames": [f.to_dict() for f in frames],
    }


def render(store: SessionStore, session_id: int, fmt: str) -> str:
    """The text of an export in ``fmt`` (csv, json or html)."""
    if fmt == "json":
        return json.dumps(session_dict(store, session_id), indent=1, ensure_ascii=False)
    if fmt == "csv":
        from poise.vision.cli.main import frames_csv  # the same columns as `poise analyze --csv`

        store.get_session(session_id)  # StoreError for an unknown id
        return frames_csv(store.load_frames(session_id))
    if fmt == "html":
        from poise.vision.reports.html_report import render_report

        return render_report(store.get_session(session_id), store.load_frames(session_id),
                             store.load_events(session_id), store.list_segments(session_id))
    raise ExportError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def export_session(store: SessionStore, session_id: int, fmt: str, path: str | os.PathLike | None = None) -> Path:
    """Write the export (default: the store's exports folder) and return its path."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    text = render(store, session_id, fmt)
    target = Path(path) if path is not None else store.export_path(session_id, fmt)
    write_atomic(target, text)
    return target


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path``: temp file in the same folder, fsync, os.replace, fsync the folder.

    A crash at any moment leaves either the old file or the new one, never a half-written one.
    """
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target} is a directory; give a file name to write to.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    try:
        if os.name != "nt":  # mkstemp makes 0600; an export is an ordinary file (umask applies)
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    _fsync_dir(target.parent)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible or needed on Windows."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["FORMATS", "ExportError", "StoreError", "export_session", "render", "session_dict", "write_atomic"]
