"""The session database schema, version by version, and the migrations between versions.

The schema version lives in SQLite's ``PRAGMA user_version``. Version 1 is the first design
(sessions, frames, events); every later version is a migration applied in one transaction,
so a database is either fully upgraded or left exactly as it was.
"""

from __future__ import annotations

import logging
import sqlite3

logger = logging.getLogger(__name__)

#: The first schema, kept verbatim: tests create a v1 database from it and upgrade it.
V1_DDL = """
CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('live', 'file', 'mock_interview')),
    started_at     TEXT NOT NULL,            -- ISO 8601, UTC
    duration_s     REAL,
    source         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
    summary        TEXT,                     -- JSON (Summary.to_dict()), NULL until finished
    notes          TEXT NOT NULL DEFAULT '',
    recording_path TEXT,
    settings       TEXT NOT NULL DEFAULT '{}',   -- JSON
    models         TEXT NOT NULL DEFAULT '{}',   -- JSON
    calibration    TEXT,                     -- JSON or NULL
    component_fields TEXT NOT NULL DEFAULT '[]', -- JSON list naming frames.components entries
    writer_pid     INTEGER,                  -- process writing a 'recording' session
    writer_host    TEXT,
    heartbeat_at   REAL                      -- unix time of the writer's last commit
);
CREATE INDEX sessions_started ON sessions (started_at);
CREATE TABLE frames (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    t           REAL NOT NULL,
    eye_contact REAL,
    posture     REAL,
    fidgeting   REAL,
    eye_contact_reason TEXT,
    posture_reason     TEXT,
    fidgeting_reason   TEXT,
    components  TEXT,                        -- compact JSON array, order = sessions.component_fields
    PRIMARY KEY (session_id, idx)
) WITHOUT ROWID;
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    start_s    REAL NOT NULL,
    end_s      REAL
);
CREATE INDEX events_session ON events (session_id, start_s);
"""

#: Version 2: mock-interview segments, saved calibrations, reflection notes on sessions.
V1_TO_V2 = """
ALTER TABLE sessions ADD COLUMN went_well TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN do_better TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN calibration_id INTEGER REFERENCES calibrations (id) ON DELETE SET NULL;
CREATE TABLE calibrations (
    id         INTEGER PRIMARY KEY,
    camera_key TEXT NOT NULL,
    created_at TEXT NOT NULL,                -- ISO 8601, UTC
    data       TEXT NOT NULL                 -- JSON (Calibration.to_dict())
);
CREATE INDEX calibrations_camera ON calibrations (camera_key, id);
CREATE TABLE segments (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    question   TEXT NOT NULL,
    category   TEXT NOT NULL DEFAULT '',
    start_s    REAL NOT NULL,
    end_s      REAL,
    went_well  TEXT NOT NULL DEFAULT '',
    do_better  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX segments_session ON segments (session_id, idx);
"""

#: Version 3: voice activity per frame (issue 11): 1 speaking, 0 silent, NULL without audio.
V2_TO_V3 = """
ALTER TABLE frames ADD COLUMN speaking INTEGER;
"""

#: Version 4: the transcript of a session (issue 17): its status and model, and its words.
V3_TO_V4 = """
CREATE TABLE transcripts (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('done', 'no_sound', 'no_speech', 'failed', 'cancelled')),
    model      TEXT,                     -- e.g. 'faster-whisper-tiny.en sha256:1a5afae06a4d'
    message    TEXT,                     -- one sentence for the user when status is not 'done'
    language   TEXT NOT NULL DEFAULT 'en',
    created_at TEXT NOT NULL             -- ISO 8601, UTC
);
CREATE TABLE words (
    session_id  INTEGER NOT NULL REFERENCES transcripts (session_id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    start_s     REAL NOT NULL,           -- session seconds, the clock of frames.t
    end_s       REAL NOT NULL,
    text        TEXT NOT NULL,
    probability REAL,
    filler      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, idx)
) WITHOUT ROWID;
"""

#: MIGRATIONS[n] upgrades a version-n database to version n + 1.
MIGRATIONS: dict[int, str] = {1: V1_TO_V2, 2: V2_TO_V3, 3: V3_TO_V4}
LATEST_VERSION = 4


class SchemaTooNew(RuntimeError):
    """The database was written by a newer Poise; it is left untouched."""


class ForeignDatabase(RuntimeError):
    """An SQLite file that is not a Poise database (tables but no schema version)."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check(conn: sqlite3.Connection) -> int:
    """Read-only: the schema version on disk; raises if the file is not ours to change."""
    found = schema_version(conn)
    if found > LATEST_VERSION:
        raise SchemaTooNew(found)
    if found == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise ForeignDatabase()
    return found


def migrate(conn: sqlite3.Connection) -> int:
    """Create or upgrade the schema to LATEST_VERSION; returns the version found on disk.

    ``conn`` must be in autocommit mode (isolation_level=None): each step runs in its own
    BEGIN IMMEDIATE transaction, DDL included, so a failed step leaves the previous version.
    """
    found = check(conn)
    if found == LATEST_VERSION:
        return found
    version = found
    if version == 0:
        _run(conn, V1_DDL, 1)
        version = 1
    while version < LATEST_VERSION:
        logger.info("upgrading the session database from schema %d to %d", version, version + 1)
        _run(conn, MIGRATIONS[version], version + 1)
        version += 1
    return found


def _run(conn: sqlite3.Connection, script: str, new_version: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # A concurrent process may have migrated while we waited for the write lock.
        if schema_version(conn) >= new_version:
            conn.execute("ROLLBACK")
            return
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(new_version)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a DDL script on semicolons (executescript would COMMIT our transaction)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
