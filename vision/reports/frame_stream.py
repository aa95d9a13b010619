"""Frame-by-frame writers for `poise analyze --json/--csv`: each frame goes to disk as it is analysed.

The file appears (atomically, vision.atomic) only when the analysis ends; an analysis that
fails leaves no file. The JSON has the same fields as AnalysisResult.to_dict() (README,
"JSON format"), in the order they become known: the header, the frames, then the summary, and
the transcript's fields (``transcript``, ``speech``, ``words``) when the sound was transcribed.
The words go to a second CSV beside the frames' one (:func:`words_csv_path`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from typing import Any, Iterable

from pathlib import Path

from poise.vision.analysis import AnalysisResult
from poise.vision.atomic import atomic_path, write_atomic
from poise.vision.speech.pace import speech_figures
from poise.vision.speech.transcript import Transcript
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


WORDS_CSV_COLUMNS: tuple[str, ...] = ("start_s", "end_s", "text", "probability", "filler")


def words_csv_path(frames_csv_path: str | os.PathLike) -> Path:
    """Where the words CSV goes beside a frames CSV: 'out.csv' -> 'out.words.csv'."""
    p = Path(frames_csv_path)
    return p.with_name((p.name[:-4] if p.name.lower().endswith(".csv") else p.name) + ".words.csv")


def words_csv(transcript: Transcript) -> str:
    """One row per word: times in session seconds (3 decimals), the text, Whisper's probability, filler 0/1."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(WORDS_CSV_COLUMNS)
    w.writerows([f"{x.start_s:.3f}", f"{x.end_s:.3f}", x.text, _cell(x.probability), int(x.filler)]
                for x in transcript.words)
    return out.getvalue()


def transcript_fields(transcript: Transcript | None) -> dict[str, Any]:
    """The JSON export's transcript keys: ``transcript`` (status, model, message, language; null when
    the sound was not transcribed), ``speech`` (the session's SpeechFigures) and ``words``."""
    if transcript is None:
        return {"transcript": None, "speech": None, "words": []}
    return {"transcript": transcript.to_dict(), "speech": speech_figures(transcript.words).to_dict(),
            "words": [w.to_dict() for w in transcript.words]}


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
        self.path = Path(path)
        self._file = _StreamedFile(path)
        self._csv = csv.writer(self._file.fh, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)
        self._transcript: Transcript | None = None

    def on_result(self, update: FrameUpdate) -> None:
        if update.frame is not None:  # frame None: events closed at the end, not a new frame
            self._csv.writerow(csv_row(update.scores))

    def on_transcript(self, transcript: Transcript) -> None:
        """The words go to words_csv_path(path) when the frames do (one row per word)."""
        self._transcript = transcript

    def close(self, result: AnalysisResult | None) -> None:
        if result is None:
            self._file.abort()
            return
        if self._transcript is not None:
            write_atomic(words_csv_path(self.path), words_csv(self._transcript))
        self._file.commit()


class JsonFramesWriter:
    """`poise analyze --json`: a FrameSink writing the header, then each frame, then the rest."""

    def __init__(self, path: str | os.PathLike, header: dict[str, Any]) -> None:
        self._file = _StreamedFile(path)
        self._first = True
        self._transcript: Transcript | None = None
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

    def on_transcript(self, transcript: Transcript) -> None:
        self._transcript = transcript

    def close(self, result: AnalysisResult | None) -> None:
        if result is None:
            self._file.abort()
            return
        fh = self._file.fh
        fh.write("\n ]" if not self._first else "]")
        for key, value in {**result.trailer(), **transcript_fields(self._transcript)}.items():
            fh.write(f",\n {json.dumps(key)}: {json.dumps(value)}")
        fh.write("\n}\n")
        self._file.commit()
