"""`poise analyze` saving (one file, several with --jobs, SIGKILL mid-way) and sessions/show/export/delete."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, clip
from poise.vision.cli import main as cli
from poise.vision.reports import export
from poise.vision.sessions.ingest import save_result
from poise.vision.sessions.store import SessionStore

SHORT_CLIP = "pyfeat__single_face.mp4"          # 2.4 s: the cheapest real analysis
SHORT_CLIP_2 = "grid_lipnet__lbax4n.mpg"         # 3 s, MPEG-PS container
EVENT_CLIP = "proctoringai__center_left_center.mp4"  # 15 s, look-away at ~6-11 s: long enough to kill mid-way


def run_cli(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """The real command line in a fresh process (as a user runs it)."""
    return subprocess.run([sys.executable, "-m", "poise.vision.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kw)


def main(capsys, *args: str) -> tuple[int, str, str]:
    """`poise ARGS` in this process (fast: no interpreter start, no model load when none is needed)."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def seeded(tmp_path, analysed_clip):
    """A data dir holding one real analysed session with an event, notes and questions."""
    home = tmp_path / "home"
    store = SessionStore(home)
    sid = save_result(store, analysed_clip(EVENT_CLIP))
    store.set_notes(sid, notes="<script>alert('x')</script> & more", went_well="Calm <b>start</b>",
                    do_better="Look back sooner")
    a = store.add_segment(sid, 0, "Tell me about <yourself>.", "about you", 0.0, 6.0)
    store.add_segment(sid, 1, "Why this role?", "closing", 6.0, 15.0)
    store.set_segment_notes(a, went_well="Clear & short")
    store.close()
    return home, sid


# ------------------------------------------------------------------ analyze
def test_analyze_saves_the_session_and_prints_its_id(tmp_path):
    home, out_json = tmp_path / "home", tmp_path / "out.json"
    proc = run_cli("analyze", str(clip(SHORT_CLIP)), "--data-dir", str(home), "--json", str(out_json))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    sid = int(re.search(r"Saved as session (\d+)", proc.stdout).group(1))
    data = json.loads(out_json.read_text())
    store = SessionStore(home)
    info = store.get_session(sid)
    assert info.status == "complete" and info.kind == "file" and info.source.endswith(SHORT_CLIP)
    assert info.summary.to_dict() == data["summary"]
    assert [f.to_dict() for f in store.load_frames(sid)] == data["frames"]  # the --json output is unchanged
    # `poise export --format json` shares the schema of `poise analyze --json` (README: "JSON format").
    exported = export.session_dict(store, sid)
    assert exported["schema_version"] == data["schema_version"]
    assert set(exported) - set(data) == {"session", "segments"} and set(data) <= set(exported)
    assert exported["analysed_fps"] == pytest.approx(data["analysed_fps"], rel=0.02)


def test_no_save_leaves_the_store_alone(tmp_path, capsys):
    home = tmp_path / "home"
    code, out, err = main(capsys, "analyze", str(clip(SHORT_CLIP)), "--no-save", "--quiet", "--data-dir", str(home))
    assert code == 0 and "Saved as session" not in out and "eye contact" in out
    assert not home.exists()


def test_jobs_two_with_a_bad_file_reports_it_and_saves_the_rest(tmp_path):
    home = tmp_path / "home"
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    proc = run_cli("analyze", str(clip(SHORT_CLIP)), str(bad), str(clip(SHORT_CLIP_2)), "--jobs", "2",
                   "--data-dir", str(home))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "1 of 3 files could not be analysed" in proc.stderr
    table = proc.stdout.splitlines()
    assert table[0].split()[:3] == ["file", "result", "session"]
    rows = {line.split()[0]: line for line in table[1:]}
    assert " ok " in rows[SHORT_CLIP] and " ok " in rows[SHORT_CLIP_2]
    assert "failed" in rows["notes.mp4"] and "could not be opened as a video" in rows["notes.mp4"]
    sessions = SessionStore(home).list_sessions()
    assert sorted(os.path.basename(s.source) for s in sessions) == sorted([SHORT_CLIP, SHORT_CLIP_2])
    assert all(s.status == "complete" and s.summary.frames_analysed > 0 for s in sessions)


def test_sigkill_mid_analysis_keeps_frames_to_within_a_second(tmp_path):
    """Kill -9 `poise analyze` mid-way: the session is kept as 'interrupted' up to ~the kill."""
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-m", "poise.vision.cli", "analyze", str(clip(EVENT_CLIP)), "--data-dir", str(home)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    done: list[int] = []  # frames analysed, from the progress bar on stderr

    def read_progress() -> None:
        text = ""
        while chunk := os.read(proc.stderr.fileno(), 4096):
            text = (text + chunk.decode(errors="replace"))[-2000:]
            counts = re.findall(r"\| *(\d+)/(\d+) \[", text)
            if counts:
                done.append(int(counts[-1][0]))

    reader_thread = threading.Thread(target=read_progress, daemon=True)
    reader_thread.start()
    seen_while_writing = None
    deadline = time.monotonic() + 240
    try:
        while (not done or done[-1] < 70) and proc.poll() is None and time.monotonic() < deadline:
            if seen_while_writing is None and done and done[-1] >= 30:
                # A second connection reads while the CLI writes, and does not call it dead.
                with SessionStore(home) as reader:
                    info = reader.list_sessions()[0]
                    seen_while_writing = (info.status, reader.frame_count(info.id))
            time.sleep(0.01)
        assert proc.poll() is None, "the analysis ended before it could be killed"
        reached = done[-1]
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        reader_thread.join(5)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert seen_while_writing is not None and seen_while_writing[0] == "recording" and seen_while_writing[1] > 0

    store = SessionStore(home)  # opens fine after the kill
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    [info] = store.list_sessions()
    assert info.status == "interrupted"
    frames = store.load_frames(info.id)
    analysed_fps = 24.0 / 2  # the clip is 24 fps, analysed at every 2nd frame (15 Hz target)
    reached_t = (reached - 1) / analysed_fps
    assert frames[-1].t >= reached_t - 1.0, (frames[-1].t, reached_t)
    assert info.duration_s == pytest.approx(frames[-1].t + 1 / analysed_fps, abs=0.01)
    assert info.summary is not None and info.summary.frames_analysed == len(frames)
    code = cli.main(["show", str(info.id), "--data-dir", str(home)])  # reviewable
    assert code == 0


# ------------------------------------------------------------------ sessions / show
def test_sessions_and_show(seeded, capsys):
    home, sid = seeded
    code, out, err = main(capsys, "sessions", "--data-dir", str(home))
    assert code == 0
    header, row = out.splitlines()
    assert header.split()[:5] == ["id", "date", "kind", "status", "duration"]
    assert row.split()[0] == str(sid) and "Complete" in row and EVENT_CLIP[:25] in row and "%" in row
    code, out, err = main(capsys, "show", str(sid), "--data-dir", str(home))
    assert code == 0
    assert "eye contact" in out and re.search(r"0:0\d–0:1\d  Looked away", out)
    assert "Tell me about <yourself>." in out and "notes: <script>" in out


def test_empty_store_and_unknown_id(tmp_path, capsys):
    home = tmp_path / "home"
    code, out, _ = main(capsys, "sessions", "--data-dir", str(home))
    assert code == 0 and "No sessions yet" in out
    for command in (["show", "7"], ["export", "7"], ["delete", "7", "--yes"]):
        code, out, err = main(capsys, *command, "--data-dir", str(home))
        assert code == 2 and err.strip() == "poise: There is no session 7 (`poise sessions` lists them)."


# ------------------------------------------------------------------ export
def test_export_json_csv_html(seeded, capsys, tmp_path):
    home, sid = seeded
    store = SessionStore(home)
    code, out, _ = main(capsys, "export", str(sid), "--format", "json", "--data-dir", str(home))
    assert code == 0
    path = store.export_path(sid, "json")
    assert out.strip() == f"Wrote {path}"
    data = json.loads(path.read_text())
    assert data["session"]["notes"].startswith("<script>") and len(data["frames"]) == store.frame_count(sid)
    assert [s["question"] for s in data["segments"]] == ["Tell me about <yourself>.", "Why this role?"]
    assert data["summary"] == store.get_session(sid).summary.to_dict()

    csv_path = tmp_path / "out" / "s.csv"
    code, _, _ = main(capsys, "export", str(sid), "-f", "csv", "-o", str(csv_path), "--data-dir", str(home))
    lines = csv_path.read_text().splitlines()
    assert code == 0 and lines[0].startswith("t,eye_contact,posture,fidgeting") and len(lines) == 1 + store.frame_count(sid)

    code, _, _ = main(capsys, "export", str(sid), "-f", "html", "--data-dir", str(home))
    page = store.export_path(sid, "html").read_text()
    assert code == 0 and page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert "Tell me about &lt;yourself&gt;." in page and "Calm &lt;b&gt;start&lt;/b&gt;" in page
    assert "Looked away" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")  # self-contained
    assert not [p for p in store.exports_dir.iterdir() if p.name.endswith(".tmp")]


def test_export_is_atomic(seeded, monkeypatch):
    home, sid = seeded
    store = SessionStore(home)
    target = store.export_path(sid, "json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("previous export")

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", failing_replace)
    with pytest.raises(export.ExportError, match="No space left"):
        export.export_session(store, sid, "json")
    assert target.read_text() == "previous export"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left behind


def test_export_to_a_directory_is_a_user_error(seeded, capsys, tmp_path):
    home, sid = seeded
    code, _, err = main(capsys, "export", str(sid), "-o", str(tmp_path), "--data-dir", str(home))
    assert code == 2 and "is a folder" in err


# ------------------------------------------------------------------ delete
class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_delete_asks_refuses_without_tty_and_deletes_with_yes(seeded, capsys, monkeypatch):
    home, sid = seeded
    main(capsys, "export", str(sid), "--data-dir", str(home))
    exported = SessionStore(home).export_path(sid, "html")
    assert exported.exists()

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal, no --yes
    code, _, err = main(capsys, "delete", str(sid), "--data-dir", str(home))
    assert code == 2 and "confirm with --yes" in err and len(err.strip().splitlines()) == 1

    monkeypatch.setattr(sys, "stdin", _Tty("n\n"))
    code, out, _ = main(capsys, "delete", str(sid), "--data-dir", str(home))
    assert code == 0 and "Nothing deleted" in out
    assert SessionStore(home).get_session(sid)

    monkeypatch.setattr(sys, "stdin", _Tty("y\n"))
    code, out, _ = main(capsys, "delete", str(sid), "--data-dir", str(home))
    assert code == 0 and "Deleted session" in out
    assert SessionStore(home).list_sessions() == [] and not exported.exists()


def test_delete_with_yes(tmp_path, capsys):
    home = tmp_path / "home"
    store = SessionStore(home)
    sid = store.create_session("live", "camera:0", settings={}, models={})
    store.close()
    code, out, _ = main(capsys, "delete", str(sid), "--yes", "--data-dir", str(home))
    assert code == 0 and SessionStore(home).list_sessions() == []
