"""The session store: one SQLite database (WAL) of sessions, per-frame scores, events and notes.

Layout of the data directory (see :func:`data_dir`)::

    poise.sqlite3 (+ -wal, -shm)   sessions, frames, events, segments, calibrations, transcripts
    recordings/                    video recordings of live sessions
    exports/                       CSV / JSON / HTML exports (default location)

Crash safety: WAL mode, every write is one short transaction (``synchronous=NORMAL``: a
committed transaction survives the process being killed; only an OS crash or power cut can
lose the last commits, never corrupt the file). Readers never block the writer.

Telling a dead 'recording' session from a live one: the writing process stores its pid and
host name on the session and refreshes ``heartbeat_at`` on every commit (the recorder commits
at least every 0.5 s, even with nothing to write). When a store opens, a 'recording' session is
judged dead, and marked 'interrupted', when its heartbeat is older than HEARTBEAT_STALE_S, or
when its writer ran on this host and that pid no longer exists. A writer that was wrongly
judged dead (a laptop that slept) puts the session back to 'recording' on its next commit.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import socket
import sqlite3
import threading
import time
from dataclasses import MISSING, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Sequence

import platformdirs

from poise.vision.sessions import migrations
from poise.vision.speech.transcript import Transcript, TranscriptStatus, Word
from poise.vision.summary import SummaryAccumulator
from poise.vision.types import Components, Event, FrameScores, Summary

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "POISE_HOME"
DB_NAME = "poise.sqlite3"
RECORDINGS_DIR = "recordings"
# Privacy on a shared computer: the data folder and the database (with its WAL and SHM files)
# hold the user's notes and scores, so only the user may read them (the recordings are 0600 too).
DIR_MODE = 0o700
FILE_MODE = 0o600
EXPORTS_DIR = "exports"
# Wait this long for another process's write transaction (batch analysis writes from several
# processes at once; one frame batch commits in well under 10 ms, scripts/bench_store.py).
BUSY_TIMEOUT_MS = 10_000
# Each connection's page cache, in KiB. SQLite's default (2000 KiB) fills as a session's frames are
# appended and read back, so a long session held ~2 MB more than a short one (issue 16: memory flat
# in the length of the video); the operating system caches the file anyway, and at 256 KiB a 0.5 s
# batch still commits in about a millisecond (scripts/bench_store.py).
PAGE_CACHE_KIB = 256
# A writer commits at least every 0.5 s (recorder.FLUSH_INTERVAL_S); 30x that is a safe margin
# for a loaded 2-core machine before a session without a heartbeat is called dead.
HEARTBEAT_STALE_S = 15.0
# Scores and components are stored with the precision of the JSON export (types._round).
DECIMALS = 4

SessionKind = Literal["live", "file", "mock_interview"]
SessionStatus = Literal["recording", "complete", "interrupted"]
KINDS: tuple[str, ...] = ("live", "file", "mock_interview")
STATUSES: tuple[str, ...] = ("recording", "complete", "interrupted")
COMPONENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Components))
SUMMARY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Summary))
#: Summary fields added later with a default (the voice figures of schema 3, the
#: multiple_people_share of issue 10): summaries stored before them load with the default.
_SUMMARY_DEFAULTS = {f.name for f in fields(Summary) if f.default is not MISSING}


class StoreError(RuntimeError):
    """The store cannot do what was asked; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One session's metadata (its frames and events are loaded separately)."""

    id: int
    kind: str
    started_at: datetime  # tz-aware, UTC
    duration_s: float | None
    source: str
    status: str
    summary: Summary | None
    notes: str
    went_well: str
    do_better: str
    recording_path: Path | None
    settings: dict
    models: dict
    calibration: dict | None
    calibration_id: int | None


@dataclass(frozen=True, slots=True)
class Segment:
    """One answer of a mock interview: the question and where it sits in the session."""

    id: int
    session_id: int
    index: int
    question: str
    category: str
    start_s: float
    end_s: float | None
    went_well: str
    do_better: str


def _restrict(path: Path, mode: int) -> None:
    """chmod to ``mode`` (POSIX). On Windows the user's profile folder is already private and
    os.chmod only sets the read-only flag, so nothing is done there."""
    if os.name == "nt":
        return
    try:
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError as exc:  # not ours (a shared --data-dir): keep working, say so in the log
        logger.warning("cannot make %s private: %s", path, exc)


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data directory: ``--data-dir`` > ``$POISE_HOME`` > the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("poise", appauthor=False))


_resolve_data_dir = data_dir  # SessionStore's parameter shadows the function's name


def _translated(method):
    """Turn sqlite3 / OS errors raised by a store method into a one-sentence StoreError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(_sentence(exc, self.db_path)) from exc

    return wrapper


def _sentence(exc: BaseException, db_path: Path) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    where = db_path.parent
    if name.startswith("SQLITE_FULL") or "disk is full" in text or getattr(exc, "errno", None) == 28:
        return (f"The disk holding {where} is full, so the session could not be saved; "
                "free some space and try again (what was saved before is intact).")
    if name.startswith("SQLITE_NOTADB") or "not a database" in text:
        return (f"{db_path} is not a Poise database (not an SQLite file); it was left untouched: "
                "move it away or choose another --data-dir.")
    if (name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"))
            or "readonly" in text or "read-only" in text or "unable to open" in text
            or isinstance(exc, PermissionError)):
        return (f"The Poise data directory {where} is not writable (read-only or no permission); "
                "choose another with --data-dir or POISE_HOME.")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return f"The session database {db_path} is busy (locked by another program); try again."
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return f"The session database {db_path} is damaged ({exc}); it was left untouched."
    return f"The session database {db_path} could not be used: {exc}."


def _now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _num(v: Any) -> Any:
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, DECIMALS)
    return v


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), default=str)


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def frame_row(session_id: int, f: FrameScores) -> tuple:
    """The database row of one frame: lean columns, components as a compact JSON array."""
    comps = [_num(getattr(f.components, name)) for name in COMPONENT_FIELDS]
    while comps and comps[-1] is None:
        comps.pop()
    return (session_id, f.index, round(f.t, 3), _num(f.eye_contact), _num(f.posture), _num(f.fidgeting),
            f.eye_contact_reason, f.posture_reason, f.fidgeting_reason, _dumps(comps) if comps else None,
            None if f.speaking is None else int(f.speaking))


def summary_from_dict(d: dict | None) -> Summary | None:
    if not d:
        return None
    try:
        values = {name: d[name] for name in SUMMARY_FIELDS if name in d or name not in _SUMMARY_DEFAULTS}
    except KeyError:
        logger.warning("stored summary lacks fields %s", set(SUMMARY_FIELDS) - set(d))
        return None
    values["event_counts"] = dict(values["event_counts"] or {})
    return Summary(**values)


class SessionStore:
    """Sessions in ``<data_dir>/poise.sqlite3``. Thread-safe (one connection behind a lock);
    other threads or processes that write at the same time should open their own store."""

    def __init__(self, data_dir: str | os.PathLike | None = None) -> None:
        self.root = _resolve_data_dir(data_dir)
        self.db_path = self.root / DB_NAME
        self.recordings_dir = self.root / RECORDINGS_DIR
        self.exports_dir = self.root / EXPORTS_DIR
        self._lock = threading.RLock()
        self._host = socket.gethostname()
        self._conn: sqlite3.Connection | None = None
        self._open()

    # ----------------------------------------------------------------- opening
    def _open(self) -> None:
        try:
            created = not self.root.exists()
            self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            if created or self.db_path.is_file():  # ours: private (an older Poise made it 0755)
                _restrict(self.root, DIR_MODE)
        except OSError as exc:
            raise StoreError(f"The Poise data directory {self.root} cannot be created "
                             f"({exc.strerror or exc}); choose another with --data-dir or POISE_HOME.") from exc
        if self.db_path.is_dir():
            raise StoreError(f"{self.db_path} is a directory, not a Poise database; move it away.")
        # Never open() the database file outside SQLite here: closing any descriptor of it
        # drops this process's POSIX locks, another process then takes itself for the last
        # user and resets the WAL under our connections (lost commits; found by the SIGKILL
        # test). SQLite refuses a non-database itself, on the first read, without writing.
        try:
            conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except OSError as exc:
            raise StoreError(_sentence(exc, self.db_path)) from exc
        except sqlite3.Error as exc:
            raise StoreError(_sentence(exc, self.db_path)) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            migrations.check(conn)  # before anything that writes: WAL mode rewrites the header
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"The session database {self.db_path} cannot use write-ahead logging "
                                 f"(journal mode {mode}); is the folder on a network drive?")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            migrations.migrate(conn)
        except migrations.SchemaTooNew as exc:
            conn.close()
            raise StoreError(f"{self.db_path} was written by a newer Poise (schema {exc.args[0]}); "
                             "update Poise to open it (the file was left untouched).") from exc
        except migrations.ForeignDatabase as exc:
            conn.close()
            raise StoreError(f"{self.db_path} is an SQLite database but not a Poise one; it was left "
                             "untouched: move it away or choose another --data-dir.") from exc
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(_sentence(exc, self.db_path)) from exc
        self._conn = conn
        self._make_private()
        self._mark_dead_sessions()

    def _make_private(self) -> None:
        """The database and its WAL and SHM files are readable by the user only (FILE_MODE).
        SQLite creates the database with 0644 & ~umask and gives the WAL and SHM files the
        database's mode, so restricting the database (chmod opens no descriptor) covers them too."""
        for suffix in ("", "-wal", "-shm"):
            path = self.db_path.with_name(self.db_path.name + suffix)
            if path.exists():
                _restrict(path, FILE_MODE)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("The session store is closed.")
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "SessionStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _tx(self):
        return _Transaction(self.conn)

    # ----------------------------------------------------------------- sessions
    @_translated
    def create_session(self, kind: str, source: str, *, settings: dict, models: dict,
                       calibration: dict | None = None, calibration_id: int | None = None,
                       started_at: datetime | None = None) -> int:
        """A new session in state 'recording', owned by this process; returns its id."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        started = _iso(started_at or _now_utc())
        with self._lock, self._tx() as c:
            cur = c.execute(
                "INSERT INTO sessions (kind, started_at, source, status, settings, models, calibration,"
                " calibration_id, component_fields, writer_pid, writer_host, heartbeat_at)"
                " VALUES (?, ?, ?, 'recording', ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, started, str(source), _dumps(settings or {}), _dumps(models or {}),
                 None if calibration is None else _dumps(calibration), calibration_id,
                 _dumps(COMPONENT_FIELDS), os.getpid(), self._host, time.time()))
            return int(cur.lastrowid)

    @_translated
    def append_frames(self, session_id: int, frames: Sequence[FrameScores], *, events: Sequence[Event] = ()) -> None:
        """Add frames (and optionally events, see append_events) in one transaction, and
        refresh the writer's heartbeat. A frame index already stored is replaced."""
        rows = [frame_row(session_id, f) for f in frames]
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            if rows:
                c.executemany("INSERT OR REPLACE INTO frames VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if events:
                self._upsert_events(c, session_id, events)
            self._beat(c, session_id)

    @_translated
    def append_events(self, session_id: int, events: Sequence[Event]) -> None:
        """Record events as they start (end_s None) and end; an ended event closes its open row."""
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            self._upsert_events(c, session_id, events)
            self._beat(c, session_id)

    @_translated
    def heartbeat(self, session_id: int) -> None:
        """Tell other processes this session is still being written (no data to add)."""
        with self._lock, self._tx() as c:
            self._beat(c, session_id)

    def _beat(self, c: sqlite3.Connection, session_id: int) -> None:
        # A session another process wrongly judged dead (this one was asleep) goes back to
        # 'recording'; one closed on purpose (finish, mark_interrupted) has no writer any more.
        c.execute("UPDATE sessions SET heartbeat_at = ?,"
                  " status = CASE WHEN status = 'interrupted' AND writer_pid = ? AND writer_host = ?"
                  " THEN 'recording' ELSE status END WHERE id = ?",
                  (time.time(), os.getpid(), self._host, session_id))

    @staticmethod
    def _upsert_events(c: sqlite3.Connection, session_id: int, events: Iterable[Event]) -> None:
        for e in events:
            start = round(e.start_s, 3)
            end = None if e.end_s is None else round(e.end_s, 3)
            row = c.execute("SELECT id FROM events WHERE session_id = ? AND kind = ? AND abs(start_s - ?) < 0.0005",
                            (session_id, e.kind, start)).fetchone()
            if row is None:
                c.execute("INSERT INTO events (session_id, kind, start_s, end_s) VALUES (?, ?, ?, ?)",
                          (session_id, e.kind, start, end))
            elif end is not None:
                c.execute("UPDATE events SET end_s = ? WHERE id = ?", (end, row[0]))

    @_translated
    def finish_session(self, session_id: int, *, summary: Summary, events: Sequence[Event],
                       duration_s: float, status: str = "complete") -> None:
        """Write the summary and the final event list, and close the session."""
        if status not in STATUSES or status == "recording":
            raise ValueError(f"a finished session is 'complete' or 'interrupted', not {status!r}")
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            c.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            self._upsert_events(c, session_id, events)
            c.execute("UPDATE sessions SET summary = ?, duration_s = ?, status = ?, writer_pid = NULL,"
                      " writer_host = NULL, heartbeat_at = ? WHERE id = ?",
                      (_dumps(summary.to_dict()), float(duration_s), status, time.time(), session_id))

    @_translated
    def list_sessions(self) -> list[SessionInfo]:
        """All sessions, newest first."""
        with self._lock:
            rows = self.conn.execute(f"SELECT {_INFO_COLUMNS} FROM sessions ORDER BY started_at DESC, id DESC").fetchall()
        return [_info(r) for r in rows]

    @_translated
    def get_session(self, session_id: int) -> SessionInfo:
        with self._lock:
            row = self.conn.execute(f"SELECT {_INFO_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no session {session_id} (`poise sessions` lists them).")
        return _info(row)

    @_translated
    def load_frames(self, session_id: int, *, max_frames: int | None = None) -> list[FrameScores]:
        """The session's frames in order, with reasons and components. With ``max_frames``,
        a long session is thinned to at most that many, evenly spaced in index, first and
        last kept (for display: the review's timeline cannot show more points than pixels)."""
        with self._lock:
            names = self._component_fields(self.conn, session_id)
            step = 1
            if max_frames is not None:
                count = int(self.conn.execute("SELECT count(*) FROM frames WHERE session_id = ?",
                                              (session_id,)).fetchone()[0])
                step = max(1, math.ceil(count / max(1, max_frames)))
            if step == 1:
                rows = self.conn.execute(_FRAME_QUERY + " ORDER BY idx", (session_id,)).fetchall()
            else:  # every step-th row by position, and the last one
                rows = self.conn.execute(
                    "SELECT idx, t, eye_contact, posture, fidgeting, eye_contact_reason, posture_reason,"
                    " fidgeting_reason, components, speaking FROM (SELECT *, row_number() OVER (ORDER BY idx) - 1 AS pos,"
                    " count(*) OVER () AS n FROM frames WHERE session_id = ?)"
                    " WHERE pos % ? = 0 OR pos = n - 1 ORDER BY idx", (session_id, step)).fetchall()
        return [_frame(names, r) for r in rows]

    def iter_frames(self, session_id: int, *, batch: int = 500) -> Iterator[FrameScores]:
        """The session's frames in order, read ``batch`` rows at a time (memory stays flat). 500
        rows: under a minute at 15 Hz, so a one-minute session and a long one read in batches of
        the same size (2000 rows held ~1.3 MB more for any session over 2.2 minutes, issue 16)."""
        names = self._frame_names(session_id)
        last = -1
        while True:
            rows = self._frame_rows_after(session_id, last, batch)
            for r in rows:
                yield _frame(names, r)
            if len(rows) < batch:
                return
            last = rows[-1][0]

    @_translated
    def _frame_names(self, session_id: int) -> list[str]:
        with self._lock:
            return self._component_fields(self.conn, session_id)

    @_translated
    def _frame_rows_after(self, session_id: int, last_idx: int, limit: int) -> list[tuple]:
        with self._lock:
            return self.conn.execute(_FRAME_QUERY + " AND idx > ? ORDER BY idx LIMIT ?",
                                     (session_id, last_idx, limit)).fetchall()

    @_translated
    def frame_count(self, session_id: int) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT count(*) FROM frames WHERE session_id = ?", (session_id,)).fetchone()[0])

    @_translated
    def load_events(self, session_id: int) -> list[Event]:
        with self._lock:
            rows = self.conn.execute("SELECT kind, start_s, end_s FROM events WHERE session_id = ?"
                                     " ORDER BY start_s, id", (session_id,)).fetchall()
        return [Event(k, s, e) for k, s, e in rows]

    def _component_fields(self, c: sqlite3.Connection, session_id: int) -> list[str]:
        row = c.execute("SELECT component_fields FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no session {session_id} (`poise sessions` lists them).")
        return json.loads(row[0] or "[]") or list(COMPONENT_FIELDS)

    @_translated
    def set_notes(self, session_id: int, *, notes: str | None = None, went_well: str | None = None,
                  do_better: str | None = None) -> None:
        """Update the reflection notes; None leaves a field as it is."""
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            for column, value in (("notes", notes), ("went_well", went_well), ("do_better", do_better)):
                if value is not None:
                    c.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (str(value), session_id))

    @_translated
    def set_recording_path(self, session_id: int, path: str | os.PathLike | None) -> None:
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            c.execute("UPDATE sessions SET recording_path = ? WHERE id = ?",
                      (None if path is None else str(path), session_id))

    @_translated
    def delete_session(self, session_id: int) -> None:
        """Delete the session, its frames, events, segments and transcript, its recording and its exports."""
        info = self.get_session(session_id)
        with self._lock, self._tx() as c:
            c.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        doomed = [info.recording_path] if info.recording_path else []
        if self.exports_dir.is_dir():
            doomed += [p for p in self.exports_dir.iterdir() if _is_export_of(p.name, session_id)]
        for path in doomed:
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:  # the rows are gone; a left-over file is only untidy
                logger.warning("could not remove %s: %s", path, exc)

    def export_path(self, session_id: int, fmt: str) -> Path:
        """Default path of an export: ``exports/session-<id>.<fmt>`` (removed with the session)."""
        return self.exports_dir / f"{export_stem(session_id)}.{fmt}"

    # ----------------------------------------------------------------- segments
    @_translated
    def add_segment(self, session_id: int, index: int, question: str, category: str, start_s: float,
                    end_s: float | None = None) -> int:
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            cur = c.execute("INSERT INTO segments (session_id, idx, question, category, start_s, end_s)"
                            " VALUES (?, ?, ?, ?, ?, ?)",
                            (session_id, int(index), str(question), str(category or ""), float(start_s),
                             None if end_s is None else float(end_s)))
            return int(cur.lastrowid)

    @_translated
    def end_segment(self, segment_id: int, end_s: float) -> None:
        with self._lock, self._tx() as c:
            if c.execute("UPDATE segments SET end_s = ? WHERE id = ?", (float(end_s), segment_id)).rowcount == 0:
                raise StoreError(f"There is no segment {segment_id}.")

    @_translated
    def list_segments(self, session_id: int) -> list[Segment]:
        with self._lock:
            rows = self.conn.execute("SELECT id, session_id, idx, question, category, start_s, end_s, went_well,"
                                     " do_better FROM segments WHERE session_id = ? ORDER BY idx, id",
                                     (session_id,)).fetchall()
        return [Segment(*r) for r in rows]

    @_translated
    def set_segment_notes(self, segment_id: int, *, went_well: str | None = None,
                          do_better: str | None = None) -> None:
        with self._lock, self._tx() as c:
            if c.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
                raise StoreError(f"There is no segment {segment_id}.")
            for column, value in (("went_well", went_well), ("do_better", do_better)):
                if value is not None:
                    c.execute(f"UPDATE segments SET {column} = ? WHERE id = ?", (str(value), segment_id))

    # ----------------------------------------------------------------- transcripts
    @_translated
    def save_transcript(self, session_id: int, transcript: Transcript) -> None:
        """Store the session's transcript, replacing any earlier one, in one transaction."""
        rows = [(session_id, i, round(w.start_s, 3), round(w.end_s, 3), w.text, _num(w.probability), int(w.filler))
                for i, w in enumerate(transcript.words)]
        with self._lock, self._tx() as c:
            self._require(c, session_id)
            c.execute("DELETE FROM transcripts WHERE session_id = ?", (session_id,))  # its words cascade
            c.execute("INSERT INTO transcripts (session_id, status, model, message, language, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?)",
                      (session_id, TranscriptStatus(transcript.status).value, transcript.model, transcript.message,
                       transcript.language, _iso(_now_utc())))
            c.executemany("INSERT INTO words (session_id, idx, start_s, end_s, text, probability, filler)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    @_translated
    def load_transcript(self, session_id: int) -> Transcript | None:
        """The session's transcript; None when it was never transcribed."""
        with self._lock:
            self._require(self.conn, session_id)
            head = self.conn.execute("SELECT status, model, message, language FROM transcripts WHERE session_id = ?",
                                     (session_id,)).fetchone()
            if head is None:
                return None
            rows = self.conn.execute("SELECT start_s, end_s, text, probability, filler FROM words"
                                     " WHERE session_id = ? ORDER BY idx", (session_id,)).fetchall()
        status, model, message, language = head
        words = tuple(Word(s, e, t, p, bool(f)) for s, e, t, p, f in rows)
        return Transcript(TranscriptStatus(status), words, model, message, language or "en")

    # ----------------------------------------------------------------- calibrations
    @_translated
    def save_calibration(self, camera_key: str, data: dict) -> int:
        with self._lock, self._tx() as c:
            cur = c.execute("INSERT INTO calibrations (camera_key, created_at, data) VALUES (?, ?, ?)",
                            (str(camera_key), _iso(_now_utc()), _dumps(data)))
            return int(cur.lastrowid)

    @_translated
    def update_calibration(self, calibration_id: int, data: dict) -> None:
        """Replace a calibration's stored dict (e.g. to keep its self-check result with it)."""
        with self._lock, self._tx() as c:
            if c.execute("UPDATE calibrations SET data = ? WHERE id = ?", (_dumps(data), int(calibration_id))).rowcount == 0:
                raise StoreError(f"There is no calibration {calibration_id}.")

    @_translated
    def latest_calibration(self, camera_key: str) -> tuple[int, dict] | None:
        with self._lock:
            row = self.conn.execute("SELECT id, data FROM calibrations WHERE camera_key = ? ORDER BY id DESC LIMIT 1",
                                    (str(camera_key),)).fetchone()
        return None if row is None else (int(row[0]), json.loads(row[1]))

    # ----------------------------------------------------------------- recovery
    @staticmethod
    def _require(c: sqlite3.Connection, session_id: int) -> None:
        if c.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise StoreError(f"There is no session {session_id} (`poise sessions` lists them).")

    def _is_dead(self, pid: int | None, host: str | None, heartbeat: float | None) -> bool:
        if heartbeat is None or time.time() - heartbeat > HEARTBEAT_STALE_S:
            return True
        if host == self._host and pid is not None and pid != os.getpid():
            return not _pid_alive(pid)
        return False

    @_translated
    def _mark_dead_sessions(self) -> None:
        """Mark 'recording' sessions whose writer is gone as 'interrupted', with a summary."""
        rows = self.conn.execute("SELECT id, writer_pid, writer_host, heartbeat_at FROM sessions"
                                 " WHERE status = 'recording'").fetchall()
        for sid, pid, host, beat in rows:
            if self._is_dead(pid, host, beat):
                logger.warning("session %d was left 'recording' by a process that is gone; marking it interrupted", sid)
                self._close_interrupted(sid)

    @_translated
    def mark_interrupted(self, session_id: int) -> None:
        """Close a session that stopped without finish_session (open events end at the last frame)."""
        self._close_interrupted(session_id, on_purpose=True)

    def _close_interrupted(self, session_id: int, on_purpose: bool = False) -> None:
        running = SummaryAccumulator()
        first_t = last_t = None
        for f in self.iter_frames(session_id):  # streamed: a long session is not loaded at once
            running.add(f)
            first_t = f.t if first_t is None else first_t
            last_t = f.t
        duration = _duration(first_t, last_t, running.frames)
        events = self.load_events(session_id)
        closed = [e if e.end_s is not None else Event(e.kind, e.start_s, max(duration, e.start_s)) for e in events]
        summary = running.summary(closed, duration)
        with self._lock, self._tx() as c:
            if c.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone() != ("recording",):
                return  # another process got there first
            c.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            self._upsert_events(c, session_id, closed)
            c.execute("UPDATE sessions SET status = 'interrupted', duration_s = ?, summary = ?,"
                      " writer_pid = CASE WHEN ? THEN NULL ELSE writer_pid END WHERE id = ?",
                      (duration, _dumps(summary.to_dict()), on_purpose, session_id))


def _duration(first_t: float | None, last_t: float | None, count: int) -> float:
    """A session's length from its frames: the last frame's time plus one frame interval."""
    if count == 0 or first_t is None or last_t is None:
        return 0.0
    step = (last_t - first_t) / (count - 1) if count > 1 else 0.0
    return round(last_t + step, 3)


_FRAME_QUERY = ("SELECT idx, t, eye_contact, posture, fidgeting, eye_contact_reason, posture_reason,"
                " fidgeting_reason, components, speaking FROM frames WHERE session_id = ?")


def _frame(names: list[str], row: tuple) -> FrameScores:
    idx, t, ec, po, fi, ecr, por, fir, comps, speaking = row
    if comps:
        known = set(COMPONENT_FIELDS)
        components = Components(**{n: v for n, v in zip(names, json.loads(comps)) if n in known})
    else:
        components = Components()
    return FrameScores(idx, t, ec, po, fi, ecr, por, fir, components, None if speaking is None else bool(speaking))


def export_stem(session_id: int) -> str:
    return f"session-{int(session_id)}"


def _is_export_of(filename: str, session_id: int) -> bool:
    stem = export_stem(session_id)
    return filename.startswith(stem + ".") or filename.startswith(stem + "-")


_INFO_COLUMNS = ("id, kind, started_at, duration_s, source, status, summary, notes, went_well, do_better,"
                 " recording_path, settings, models, calibration, calibration_id")


def _info(r: tuple) -> SessionInfo:
    (sid, kind, started, duration, source, status, summary, notes, went_well, do_better, rec, settings,
     models, calibration, calibration_id) = r
    started_at = datetime.fromisoformat(started)
    if started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=timezone.utc)
    return SessionInfo(
        id=sid, kind=kind, started_at=started_at, duration_s=duration, source=source, status=status,
        summary=summary_from_dict(json.loads(summary)) if summary else None, notes=notes or "",
        went_well=went_well or "", do_better=do_better or "", recording_path=Path(rec) if rec else None,
        settings=json.loads(settings or "{}"), models=json.loads(models or "{}"),
        calibration=json.loads(calibration) if calibration else None, calibration_id=calibration_id)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): takes the write lock up front, so two
    writers wait for each other (busy_timeout) instead of failing to upgrade a read lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite may already have rolled back (e.g. disk full)
                pass
