"""Export a stored session as CSV, JSON or a self-contained HTML report, written atomically."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from poise.vision.atomic import WriteError, write_atomic
from poise.vision.practice.interview import per_segment_speech
from poise.vision.reports.frame_stream import frames_csv, transcript_fields, words_csv, words_csv_path
from poise.vision.reports.html_report import render_html
from poise.vision.reports.report import Report, build_report
from poise.vision.sessions.store import SessionStore, StoreError
from poise.vision.types import SCHEMA_VERSION

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json", "html")


class ExportError(WriteError):
    """An export could not be written; the message is one sentence for the user."""


def session_dict(store: SessionStore, session_id: int) -> dict[str, Any]:
    """A stored session as JSON: the schema of `poise analyze --json` (AnalysisResult.to_dict(),
    same schema_version) plus ``session`` and ``segments`` (each answer with its ``speech`` figures
    when the session was transcribed). The store does not keep the source's frame rate, so ``fps``
    is null; ``analysed_fps`` is measured from the frames (README: "JSON format")."""
    info = store.get_session(session_id)
    frames = store.load_frames(session_id)
    events = store.load_events(session_id)
    segments = store.list_segments(session_id)
    transcript = store.load_transcript(session_id)
    speech = per_segment_speech(transcript.words, segments, frames) if transcript else [None] * len(segments)
    span = frames[-1].t - frames[0].t if len(frames) > 1 else 0.0
    return {
        "schema_version": SCHEMA_VERSION,
        "source": info.source,
        "fps": None,
        "analysed_fps": round((len(frames) - 1) / span, 3) if span > 0 else None,
        "settings": info.settings,
        "models": info.models,
        "calibration": info.calibration,
        "cancelled": info.status == "interrupted",
        "warnings": [],
        "summary": None if info.summary is None else info.summary.to_dict(),
        "events": [e.to_dict() for e in events],
        "frames": [f.to_dict() for f in frames],
        **transcript_fields(transcript),
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
        "segments": [
            {"index": s.index, "question": s.question, "category": s.category, "start_s": s.start_s,
             "end_s": s.end_s, "went_well": s.went_well, "do_better": s.do_better,
             "speech": None if said is None else said.figures.to_dict()}
            for s, said in zip(segments, speech)
        ],
    }


def session_report(store: SessionStore, session_id: int) -> Report:
    """The report document of a stored session (the HTML and the PDF are drawn from it)."""
    return build_report(store.get_session(session_id), store.load_frames(session_id),
                        store.load_events(session_id), store.list_segments(session_id),
                        store.load_transcript(session_id))


def render(store: SessionStore, session_id: int, fmt: str) -> str:
    """The text of an export in ``fmt`` (csv, json or html)."""
    if fmt == "json":
        return json.dumps(session_dict(store, session_id), indent=1, ensure_ascii=False)
    if fmt == "csv":
        store.get_session(session_id)  # StoreError for an unknown id
        return frames_csv(store.iter_frames(session_id))  # the same columns as `poise analyze --csv`
    if fmt == "html":
        return render_html(session_report(store, session_id))
    raise ExportError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def export_session(store: SessionStore, session_id: int, fmt: str, path: str | os.PathLike | None = None) -> Path:
    """Write the export (default: the store's exports folder) and return its path. A CSV export of
    a transcribed session also writes its words beside it (frame_stream.words_csv_path)."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    text = render(store, session_id, fmt)
    target = Path(path) if path is not None else store.export_path(session_id, fmt)
    transcript = store.load_transcript(session_id) if fmt == "csv" else None
    try:
        if transcript is not None:
            write_atomic(words_csv_path(target), words_csv(transcript))
        return write_atomic(target, text)
    except WriteError as exc:
        raise ExportError(str(exc)) from None


__all__ = ["FORMATS", "ExportError", "StoreError", "export_session", "render", "session_dict",
           "session_report"]
