"""The real window on a real X server (Xvfb, Qt's xcb platform), as a user starts it: it opens
(a missing system library fails here, not on a user's desktop), OpenCV's Qt variables do not
reach Qt, every page fits at 1024x640, 1366x768 and 1920x1080, and SIGTERM during a session
finishes and saves it. Needs Xvfb (apt `xvfb`; scripts/setup.sh and .ci/run install it)."""

from __future__ import annotations

import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import clip
from poise.vision.sessions.store import DB_NAME

ROOT = Path(__file__).resolve().parents[1]
XVFB_SCREEN = "1920x1080x24"
XVFB_START_TIMEOUT_S = 20
# Measured: the window opens and the models load in ~3-6 s on a loaded 2-core machine.
SESSION_START_TIMEOUT_S = 90
SESSION_SECONDS = 3.0
EXIT_TIMEOUT_S = 60
CHILD_PYTEST_TIMEOUT_S = 900
CAMERA_CLIP = "pyfeat__single_face.mp4"


@pytest.fixture
def xvfb(tmp_path):
    """A private Xvfb server; yields its DISPLAY (":N")."""
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.fail("Xvfb is not installed: run 'apt-get install xvfb' (scripts/setup.sh and .ci/run do it as root)",
                    pytrace=False)
    read_fd, write_fd = os.pipe()
    log = tmp_path / "xvfb.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([exe, "-displayfd", str(write_fd), "-screen", "0", XVFB_SCREEN, "-nolisten", "tcp"],
                                pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=err)
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + XVFB_START_TIMEOUT_S
    while not number.endswith(b"\n") and time.monotonic() < deadline:   # "N\n" once it accepts clients
        ready, _, _ = select.select([read_fd], [], [], 0.5)
        if ready:
            chunk = os.read(read_fd, 32)
            if not chunk:
                break
            number += chunk
    os.close(read_fd)
    if not number.strip():
        proc.kill()
        proc.wait()
        pytest.fail(f"Xvfb did not start: {log.read_text(errors='replace')[-500:]}", pytrace=False)
    yield f":{number.decode().strip()}"
    proc.terminate()
    proc.wait(timeout=10)


def _xcb_env(display: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display, **extra)
    return env


def _session_rows(db: Path) -> list[tuple]:
    if not db.is_file():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            return c.execute("SELECT s.id, s.status, s.summary, (SELECT COUNT(*) FROM frames f WHERE f.session_id = s.id)"
                             " FROM sessions s").fetchall()
    except sqlite3.OperationalError:   # the window is creating the database
        return []


def test_window_opens_on_xcb_and_sigterm_finishes_the_session(xvfb, tmp_path):
    """`poise --camera-file CLIP` on xcb; a session runs; SIGTERM ends it 'complete' with a summary."""
    poise = Path(sys.executable).with_name("poise")
    assert poise.is_file(), f"the poise command is not installed in {poise.parent} (pip install -e .)"
    data = tmp_path / "data"
    proc = subprocess.Popen([str(poise), "--camera-file", str(clip(CAMERA_CLIP)), "--data-dir", str(data)],
                            env=_xcb_env(xvfb, POISE_AUTOSTART_SESSION="1"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + SESSION_START_TIMEOUT_S
        db = data / DB_NAME
        while not any(r[1] == "recording" and r[3] > 0 for r in _session_rows(db)):
            assert proc.poll() is None, f"poise exited ({proc.returncode}) before a session ran:\n{proc.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, f"no session with frames after {SESSION_START_TIMEOUT_S} s"
            time.sleep(0.2)
        time.sleep(SESSION_SECONDS)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=EXIT_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, f"exit code {proc.returncode}:\n{err[-2000:]}"
    assert "Could not load the Qt platform plugin" not in err
    rows = _session_rows(db)
    assert len(rows) == 1, rows
    sid, status, summary, frames = rows[0]
    assert status == "complete", f"session {sid} left {status!r} after SIGTERM"
    assert summary and frames > 0


def test_opencv_qt_variables_do_not_reach_qt(xvfb, tmp_path):
    """cv2 sets QT_QPA_PLATFORM_PLUGIN_PATH and QT_QPA_FONTDIR to its bundled Qt 5 on import;
    run() removes them before the QApplication, which then loads PySide6's own xcb plugin."""
    code = f"""
import os, sys
import cv2
assert "cv2" in os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", ""), "precondition: this OpenCV sets the variable"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import poise.app.main_window as mw
shown = mw.MainWindow.show
def show(self):
    shown(self)
    app = QApplication.instance()
    print("PLATFORM", app.platformName())
    print("PATHS", os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"), os.environ.get("QT_QPA_FONTDIR"), app.libraryPaths())
    QTimer.singleShot(200, self.close)
mw.MainWindow.show = show
sys.exit(mw.run(data_dir={str(tmp_path / 'data')!r}))
"""
    r = subprocess.run([sys.executable, "-c", code], env=_xcb_env(xvfb), capture_output=True, text=True,
                       timeout=SESSION_START_TIMEOUT_S)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "PLATFORM xcb" in r.stdout, r.stdout + r.stderr[-2000:]
    paths = r.stdout.split("PATHS", 1)[1]
    assert "cv2" not in paths, f"OpenCV's Qt paths reached Qt: {paths}"


def test_every_page_fits_on_xcb(xvfb):
    """tests/test_window_fit.py (all three sizes, every page, the labels) in a child pytest on xcb."""
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_window_fit.py"],
                       env=_xcb_env(xvfb), cwd=ROOT, capture_output=True, text=True, timeout=CHILD_PYTEST_TIMEOUT_S)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout
