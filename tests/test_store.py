"""The session store on real SQLite files: round trips, migration, concurrency, crash recovery, faults."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from poise.vision.sessions import migrations
from poise.vision.sessions.recorder import SessionRecorder
from poise.vision.sessions.ingest import save_result
from poise.vision.sessions.store import HEARTBEAT_STALE_S, SessionStore, StoreError, data_dir
from poise.vision.types import Components, Event, FrameScores, FrameUpdate, Summary

SHORT_CLIP = "pyfeat__single_face.mp4"        # 2.4 s, one still face: a quick real analysis
EVENT_CLIP = "proctoringai__center_left_center.mp4"  # 15 s with a look-away event at ~6-11 s


def _frames(n: int, t0: float = 0.0, step: float = 1 / 15) -> list[FrameScores]:
    return [FrameScores(i, t0 + i * step, 0.5 + (i % 5) / 10, None if i % 7 == 0 else 0.9, 0.1,
                        None, "no_pose" if i % 7 == 0 else None, None,
                        Components(head_yaw=i * 0.123456, blink=bool(i % 2), face_touch=False),
                        speaking=(None, True, False)[i % 3])
            for i in range(n)]


def _summary(duration: float = 1.0) -> Summary:
    return Summary(duration, 10, 1.0, 0.5, 0.6, 0.7, 0.1, 0.2, 0.0, {"look_away": 1, "slouch": 0, "fidgeting": 0})


def _new(store: SessionStore, kind: str = "file") -> int:
    return store.create_session(kind, "clip.mp4", settings={"analysis_fps": 15.0}, models={"face": "f"})


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ location
def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("POISE_HOME", str(tmp_path / "env"))
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv("POISE_HOME")
    assert data_dir().name.lower() == "poise"


def test_store_uses_poise_home_and_wal(poise_home):
    with SessionStore() as store:
        assert store.db_path == poise_home / "poise.sqlite3"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert migrations.schema_version(store.conn) == migrations.LATEST_VERSION


# ------------------------------------------------------------------ round trips
def test_frames_events_summary_round_trip(tmp_path):
    store = SessionStore(tmp_path)
    sid = _new(store)
    frames = _frames(40)
    store.append_frames(sid, frames[:20])
    store.append_frames(sid, frames[20:], events=[Event("look_away", 0.5)])
    store.append_events(sid, [Event("look_away", 0.5, 1.25), Event("slouch", 2.0)])
    assert store.get_session(sid).status == "recording"
    loaded = store.load_frames(sid)
    assert len(loaded) == 40
    for a, b in zip(frames, loaded):
        assert (b.index, b.eye_contact, b.posture, b.posture_reason) == (a.index, a.eye_contact, a.posture, a.posture_reason)
        assert b.t == pytest.approx(a.t, abs=1e-3)
        assert b.components.head_yaw == pytest.approx(a.components.head_yaw, abs=1e-4)
        assert b.components.blink is a.components.blink and b.components.gaze_offset is None
        assert b.speaking is a.speaking
    assert store.load_events(sid) == [Event("look_away", 0.5, 1.25), Event("slouch", 2.0, None)]
    final = [Event("look_away", 0.5, 1.25), Event("slouch", 2.0, 2.6)]
    store.finish_session(sid, summary=_summary(2.67), events=final, duration_s=2.67)
    info = store.get_session(sid)
    assert info.status == "complete" and info.duration_s == pytest.approx(2.67)
    assert info.summary == _summary(2.67)
    assert info.started_at.tzinfo is not None and info.settings == {"analysis_fps": 15.0}
    assert store.load_events(sid) == final


def test_save_result_matches_the_analysis(tmp_path, analysed_clip):
    result = analysed_clip(SHORT_CLIP)
    store = SessionStore(tmp_path)
    sid = save_result(store, result)
    info = store.get_session(sid)
    assert info.status == "complete" and info.summary.to_dict() == result.summary.to_dict()
    assert info.models == result.models and info.settings == result.settings
    # The stored frames export exactly like the analysed ones (same 4-decimal precision).
    assert [f.to_dict() for f in store.load_frames(sid)] == [f.to_dict() for f in result.frames]
    assert store.load_events(sid) == [Event(e.kind, round(e.start_s, 3), None if e.end_s is None else round(e.end_s, 3))
                                      for e in result.events]


def test_list_newest_first_notes_and_unknown_ids(tmp_path):
    store = SessionStore(tmp_path)
    now = datetime.now(timezone.utc)
    old = store.create_session("live", "camera:0", settings={}, models={}, started_at=now - timedelta(days=2))
    new = store.create_session("mock_interview", "camera:0", settings={}, models={}, started_at=now)
    mid = store.create_session("file", "a.mp4", settings={}, models={}, started_at=now - timedelta(days=1))
    assert [s.id for s in store.list_sessions()] == [new, mid, old]
    store.set_notes(mid, notes="<b>n</b>", went_well="eye contact")
    store.set_notes(mid, do_better="slow down")
    info = store.get_session(mid)
    assert (info.notes, info.went_well, info.do_better) == ("<b>n</b>", "eye contact", "slow down")
    with pytest.raises(StoreError, match="no session 999"):
        store.get_session(999)
    with pytest.raises(StoreError, match="no session 999"):
        store.append_frames(999, _frames(1))
    with pytest.raises(ValueError):
        store.create_session("party", "x", settings={}, models={})


def test_segments_and_calibrations(tmp_path):
    store = SessionStore(tmp_path)
    sid = _new(store, "mock_interview")
    a = store.add_segment(sid, 0, "Tell me about yourself.", "about you", 0.0)
    store.end_segment(a, 31.5)
    b = store.add_segment(sid, 1, "A conflict you resolved?", "behavioural", 35.0, 80.0)
    store.set_segment_notes(b, went_well="STAR structure", do_better="look up")
    segs = store.list_segments(sid)
    assert [(s.index, s.question, s.start_s, s.end_s) for s in segs] == [
        (0, "Tell me about yourself.", 0.0, 31.5), (1, "A conflict you resolved?", 35.0, 80.0)]
    assert (segs[1].went_well, segs[1].do_better) == ("STAR structure", "look up")
    with pytest.raises(StoreError):
        store.end_segment(12345, 1.0)
    assert store.latest_calibration("cam-0") is None
    c1 = store.save_calibration("cam-0", {"pitch": 1.0})
    c2 = store.save_calibration("cam-0", {"pitch": 2.0})
    store.save_calibration("cam-1", {"pitch": 9.0})
    assert store.latest_calibration("cam-0") == (c2, {"pitch": 2.0}) and c1 < c2
    sid2 = store.create_session("live", "camera:0", settings={}, models={}, calibration={"pitch": 2.0}, calibration_id=c2)
    assert store.get_session(sid2).calibration_id == c2


def test_delete_removes_rows_recording_and_exports(tmp_path):
    store = SessionStore(tmp_path)
    keep, doomed = _new(store), _new(store)
    for sid in (keep, doomed):
        store.append_frames(sid, _frames(5))
        store.add_segment(sid, 0, "q", "c", 0.0, 1.0)
    rec = store.recordings_dir / "doomed.mp4"
    rec.parent.mkdir()
    rec.write_bytes(b"video")
    store.set_recording_path(doomed, rec)
    store.exports_dir.mkdir()
    exports = [store.export_path(doomed, "html"), store.export_path(doomed, "csv")]
    other = store.export_path(keep, "html")
    for p in [*exports, other]:
        p.write_text("x")
    store.delete_session(doomed)
    assert not rec.exists() and not any(p.exists() for p in exports) and other.exists()
    with pytest.raises(StoreError):
        store.get_session(doomed)
    n = store.conn.execute("SELECT count(*) FROM frames WHERE session_id = ?", (doomed,)).fetchone()[0]
    assert n == 0 and store.list_segments(doomed) == []
    assert len(store.load_frames(keep)) == 5 and len(store.list_segments(keep)) == 1


# ------------------------------------------------------------------ migration
def test_v1_database_is_upgraded_with_its_data(tmp_path):
    db = tmp_path / "poise.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(migrations.V1_DDL)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO sessions (kind, started_at, source, status, summary, notes, settings, models,"
                 " component_fields) VALUES ('file', '2024-01-02T03:04:05.000000+00:00', 'old.mp4', 'complete',"
                 " ?, 'v1 note', '{}', '{}', '[\"head_yaw\",\"head_pitch\"]')",
                 ('{"duration_s": 1.0, "frames_analysed": 1, "measurable_share": 1.0, "eye_contact_share": 1.0,'
                  ' "mean_eye_contact": 0.9, "mean_posture": 0.8, "fidgeting_share": 0.0, "mean_fidgeting": 0.1,'
                  ' "longest_look_away_s": 0.0, "event_counts": {}}',))
    conn.execute("INSERT INTO frames VALUES (1, 0, 0.0, 0.9, 0.8, 0.1, NULL, NULL, NULL, '[1.5,-2.5]')")
    conn.execute("INSERT INTO events (session_id, kind, start_s, end_s) VALUES (1, 'slouch', 0.0, 1.0)")
    conn.commit()
    conn.close()

    store = SessionStore(tmp_path)
    assert migrations.schema_version(store.conn) == migrations.LATEST_VERSION == 4
    info = store.get_session(1)
    assert (info.source, info.notes, info.went_well, info.do_better, info.calibration_id) == ("old.mp4", "v1 note", "", "", None)
    assert info.summary.mean_posture == 0.8
    [frame] = store.load_frames(1)
    assert (frame.components.head_yaw, frame.components.head_pitch, frame.components.gaze_yaw) == (1.5, -2.5, None)
    assert frame.speaking is None   # v3: frames stored before voice activity have no audio
    assert info.summary.speaking_share is None
    assert store.load_events(1) == [Event("slouch", 0.0, 1.0)]
    seg = store.add_segment(1, 0, "q", "c", 0.0)
    assert store.list_segments(1)[0].id == seg
    store.close()
    assert SessionStore(tmp_path).get_session(1).notes == "v1 note"  # reopening does not migrate again


def test_newer_schema_is_refused_untouched(tmp_path):
    db = tmp_path / "poise.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = _sha(db)
    with pytest.raises(StoreError, match="newer Poise"):
        SessionStore(tmp_path)
    assert _sha(db) == before


def test_foreign_sqlite_database_is_refused_untouched(tmp_path):
    db = tmp_path / "poise.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    before = _sha(db)
    with pytest.raises(StoreError, match="not a Poise one"):
        SessionStore(tmp_path)
    assert _sha(db) == before


def test_not_sqlite_file_is_refused_and_never_overwritten(tmp_path):
    db = tmp_path / "poise.sqlite3"
    db.write_text("these are my notes, not a database\n" * 50)
    before = _sha(db)
    with pytest.raises(StoreError, match="not a Poise database") as info:
        SessionStore(tmp_path)
    assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)
    assert _sha(db) == before
    assert not (tmp_path / "poise.sqlite3-wal").exists()


# ------------------------------------------------------------------ concurrency and crash recovery
def test_reader_reads_while_a_writer_writes(tmp_path):
    writer = SessionStore(tmp_path)
    sid = _new(writer)
    writer.append_frames(sid, _frames(10))
    reader = SessionStore(tmp_path)
    reader.conn.execute("BEGIN")  # a long read transaction (a review window scrolling the timeline)
    assert len(reader.load_frames(sid)) == 10
    writer.append_frames(sid, _frames(10, t0=10.0))  # the writer is not blocked by the reader...
    assert reader.conn.execute("SELECT count(*) FROM frames").fetchone()[0] == 10  # ...who sees a snapshot
    reader.conn.execute("COMMIT")
    assert reader.frame_count(sid) == 10  # indices 0..9 replaced by the second batch
    assert reader.load_frames(sid)[-1].t == pytest.approx(10.0 + 9 / 15, abs=1e-3)
    assert reader.get_session(sid).status == "recording"  # a live writer is not called dead


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_dead_writer_is_marked_interrupted_with_frames_kept(tmp_path):
    store = SessionStore(tmp_path)
    dead, stale, alive = _new(store), _new(store), _new(store)
    for sid in (dead, stale, alive):
        store.append_frames(sid, _frames(30))
        store.append_events(sid, [Event("look_away", 1.0)])  # still open when the writer died
    store.conn.execute("UPDATE sessions SET writer_pid = ? WHERE id = ?", (_dead_pid(), dead))
    store.conn.execute("UPDATE sessions SET heartbeat_at = ? WHERE id = ?", (time.time() - HEARTBEAT_STALE_S - 1, stale))
    store.close()

    store = SessionStore(tmp_path)
    for sid in (dead, stale):
        info = store.get_session(sid)
        assert info.status == "interrupted"
        assert info.duration_s == pytest.approx(30 / 15, abs=0.01)
        assert info.summary is not None and info.summary.frames_analysed == 30
        assert len(store.load_frames(sid)) == 30
        assert store.load_events(sid) == [Event("look_away", 1.0, info.duration_s)]
    assert store.get_session(alive).status == "recording"  # this process, fresh heartbeat


# ------------------------------------------------------------------ the recorder
def _feed(recorder: SessionRecorder, frames, events_at: dict | None = None) -> None:
    for f in frames:
        recorder.on_result(FrameUpdate(f, None, tuple((events_at or {}).get(f.index, ()))))


def test_recorder_writes_in_batches_and_finishes(tmp_path, analysed_clip):
    result = analysed_clip(EVENT_CLIP)
    store = SessionStore(tmp_path)
    sid = _new(store)
    recorder = SessionRecorder(store, sid)
    _feed(recorder, result.frames, {0: [Event("look_away", 0.0)]})
    recorder.finish(result)
    assert recorder.error is None and recorder.frames_written == len(result.frames)
    # At least one commit per 0.5 s of source time, even though the frames came all at once.
    assert recorder.commits >= result.summary.duration_s / (0.5 + 2 / result.analysed_fps)
    info = store.get_session(sid)
    assert info.status == "complete" and info.summary.to_dict() == result.summary.to_dict()
    assert [f.to_dict() for f in store.load_frames(sid)] == [f.to_dict() for f in result.frames]
    assert [e.kind for e in store.load_events(sid)] == [e.kind for e in result.events]


def test_recorder_close_without_finish_marks_interrupted(tmp_path):
    store = SessionStore(tmp_path)
    sid = _new(store, "live")
    recorder = SessionRecorder(tmp_path, sid)
    _feed(recorder, _frames(20), {3: [Event("slouch", 0.2)]})
    recorder.close()
    info = store.get_session(sid)
    assert info.status == "interrupted" and len(store.load_frames(sid)) == 20
    assert store.load_events(sid)[0].end_s == pytest.approx(info.duration_s)
    recorder.on_result(FrameUpdate(_frames(1)[0], None))  # after close: ignored, never raises


def test_recorder_on_result_does_not_touch_the_disk(tmp_path, monkeypatch):
    store = SessionStore(tmp_path)
    sid = _new(store)
    recorder = SessionRecorder(store, sid)
    import threading

    caller = threading.get_ident()
    seen = []
    real = SessionStore.append_frames

    def spy(self, *a, **k):
        seen.append(threading.get_ident())
        return real(self, *a, **k)

    monkeypatch.setattr(SessionStore, "append_frames", spy)
    _feed(recorder, _frames(30))
    recorder.finish(_summary(2.0), events=[], duration_s=2.0)
    assert seen and caller not in seen


# ------------------------------------------------------------------ faults: full disk, read-only
def _limit_pages(store: SessionStore, spare_pages: int = 2) -> None:
    """Simulate a full disk: SQLite's max_page_count makes the file unable to grow (SQLITE_FULL)."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_full_disk_is_a_clear_error_and_nothing_is_lost(tmp_path):
    store = SessionStore(tmp_path)
    sid = _new(store)
    store.append_frames(sid, _frames(50))
    store.finish_session(sid, summary=_summary(), events=[Event("slouch", 0.0, 1.0)], duration_s=3.3)
    big = _new(store)
    _limit_pages(store)
    with pytest.raises(StoreError, match="is full") as info:
        for n in range(200):
            store.append_frames(big, _frames(200, t0=n * 20.0))
    assert "\n" not in str(info.value)
    store.close()
    reopened = SessionStore(tmp_path)
    assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert reopened.get_session(sid).status == "complete" and len(reopened.load_frames(sid)) == 50
    assert reopened.frame_count(big) % 200 == 0  # whole batches or nothing


def test_full_disk_while_recording_reports_and_keeps_earlier_frames(tmp_path, monkeypatch):
    store = SessionStore(tmp_path)
    sid = _new(store)
    real_open = SessionStore._open

    def open_nearly_full(self):
        real_open(self)
        _limit_pages(self, spare_pages=3)

    monkeypatch.setattr(SessionStore, "_open", open_nearly_full)
    recorder = SessionRecorder(tmp_path, sid)
    _feed(recorder, _frames(5000))  # never raises on the caller's thread
    with pytest.raises(StoreError, match="is full"):
        recorder.finish(_summary(), events=[], duration_s=300.0)
    monkeypatch.setattr(SessionStore, "_open", real_open)
    stored = store.frame_count(sid)
    assert 0 < stored < 5000
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def make_read_only(path) -> None:
    """chmod a-w, and (as root, where permissions do not bind) the immutable attribute too."""
    for p in [path, *path.iterdir()]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    if os.geteuid() == 0:
        proc = subprocess.run(["chattr", "+i", *map(str, [*path.iterdir(), path])], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.fail(f"running as root needs `chattr +i` to make a read-only folder: {proc.stderr.strip()}", pytrace=False)


def undo_read_only(path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path), *map(str, path.iterdir())], capture_output=True)
    path.chmod(0o755)
    for p in path.iterdir():
        p.chmod(0o644)


def test_read_only_data_dir_is_a_clear_error(tmp_path):
    home = tmp_path / "home"
    store = SessionStore(home)
    sid = _new(store)
    store.append_frames(sid, _frames(10))
    store.finish_session(sid, summary=_summary(), events=[], duration_s=0.7)
    store.close()
    db = home / "poise.sqlite3"
    before = _sha(db)
    make_read_only(home)
    try:
        with pytest.raises(StoreError, match="not writable"):
            SessionStore(home)
        with pytest.raises(StoreError, match="cannot be created|not writable"):
            SessionStore(home / "sub")
    finally:
        undo_read_only(home)
    assert _sha(db) == before
    assert len(SessionStore(home).load_frames(sid)) == 10


def _count_in_other_process(db) -> int:
    code = f"import sqlite3; c = sqlite3.connect({str(db)!r}); print(c.execute('SELECT count(*) FROM frames').fetchone()[0]); c.close()"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_commits_stay_visible_to_other_processes_with_two_stores_open(tmp_path):
    """Regression: opening a second store in the same process must not drop the first one's
    locks (a Python open()/close() of the file did), or another process resets the WAL under it."""
    writer = SessionStore(tmp_path)
    sid = _new(writer)
    writer.append_frames(sid, _frames(10))
    second = SessionStore(tmp_path)  # what a SessionRecorder does in its thread
    assert _count_in_other_process(writer.db_path) == 10
    writer.append_frames(sid, _frames(10, t0=10.0)[:5] + [FrameScores(99, 20.0, 0.5, 0.5, 0.5)])
    assert _count_in_other_process(writer.db_path) == 11
    second.close()
    writer.close()
    assert SessionStore(tmp_path).frame_count(sid) == 11


def test_a_writer_wrongly_judged_dead_resumes_recording(tmp_path):
    """A laptop that slept: another process marked the session interrupted; our next commit revives it."""
    store = SessionStore(tmp_path)
    sid = _new(store, "live")
    store.append_frames(sid, _frames(5))
    store.conn.execute("UPDATE sessions SET heartbeat_at = ? WHERE id = ?", (time.time() - HEARTBEAT_STALE_S - 5, sid))
    assert SessionStore(tmp_path).get_session(sid).status == "interrupted"
    store.append_frames(sid, _frames(5, t0=1.0))
    assert store.get_session(sid).status == "recording"
    store.mark_interrupted(sid)  # closed on purpose: stays closed
    store.heartbeat(sid)
    assert store.get_session(sid).status == "interrupted"


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes; Windows keeps the profile folder private")
def test_the_data_folder_and_database_are_private(tmp_path):
    """A shared computer: the folder is 0700; the database, its WAL and SHM files 0600, whatever
    the umask, and an older store made 0755 / 0644 is tightened when opened."""
    import stat

    from poise.vision.summary import summarize
    from poise.vision.types import FrameScores

    old_umask = os.umask(0o022)
    try:
        home = tmp_path / "new" / "poise"
        store = SessionStore(home)
        frames = [FrameScores(i, i / 15, 0.9, 0.8, 0.1) for i in range(30)]
        sid = store.create_session("live", "camera:0", settings={}, models={})
        store.append_frames(sid, frames)
        store.finish_session(sid, summary=summarize(frames, [], 2.0), events=[], duration_s=2.0)
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)
        assert mode(home) == 0o700
        files = [home / f"{store.db_path.name}{s}" for s in ("", "-wal", "-shm")]
        assert all(p.exists() for p in files), [p.name for p in home.iterdir()]
        assert [mode(p) for p in files] == [0o600] * 3
        store.close()

        os.chmod(home, 0o755)
        os.chmod(files[0], 0o644)
        SessionStore(home).close()
        assert mode(home) == 0o700 and mode(files[0]) == 0o600
    finally:
        os.umask(old_umask)


_PAGES_SCRIPT = r"""
import sys
from poise.vision.sessions.store import SessionStore
from poise.vision.types import Components, FrameScores

def rss_kib():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))

def frames(i0, n):
    return [FrameScores(i, i / 15, 0.5 + (i % 5) / 10, 0.9, 0.1, None, None, None,
                        Components(head_yaw=i * 0.123456, blink=bool(i % 2), face_touch=False), speaking=bool(i % 3))
            for i in range(i0, i0 + n)]

store = SessionStore(sys.argv[1])
sid = store.create_session("file", "clip.mp4", settings={"analysis_fps": 15.0}, models={"face": "f"})
written, sizes = 0, []
for minutes in (1, 12):
    while written < minutes * 60 * 15:          # 0.5 s batches, as the recorder commits them
        store.append_frames(sid, frames(written, 8))
        written += 8
    assert sum(1 for _ in store.iter_frames(sid)) == written   # and read back, as an export does
    sizes.append(rss_kib())
print(sizes[1] - sizes[0])
"""


def test_a_long_session_holds_no_more_database_pages_than_a_short_one(tmp_path):
    """Issue 16 (memory flat in the video's length): SQLite's page cache grew with the session
    (2000 KiB by default: +1.2 MB between 1 and 12 minutes of frames, written and read back);
    store.PAGE_CACHE_KIB bounds it. Measured in a fresh process, where nothing else allocates."""
    out = subprocess.run([sys.executable, "-c", _PAGES_SCRIPT, str(tmp_path)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    growth_kib = int(out.stdout.split()[-1])
    assert growth_kib < 400, f"the process grew {growth_kib} KiB between 1 and 12 minutes of frames"
