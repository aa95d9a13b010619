"""Shared fixtures: the real clips and models in ../shared, and one cached analysis per clip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
CLIPS = SHARED / "clips"
MODELS = SHARED / "models"

# Tests and CI read the official models from ../shared/models; they never download.
os.environ.setdefault("POISE_MODEL_DIR", str(MODELS))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def clip(name: str) -> Path:
    """Path of a shared clip; fails (never skips) with a clear message when it is missing."""
    path = CLIPS / name
    if not path.is_file():
        pytest.fail(f"test clip {name} not found in {CLIPS}: the tests need ../shared/clips beside the project", pytrace=False)
    return path


@pytest.fixture(scope="session")
def models():
    from poise.vision.models import ModelError, resolve_models

    for name in ("face_landmarker.task", "pose_landmarker_full.task", "hand_landmarker.task"):
        if not (Path(os.environ["POISE_MODEL_DIR"]) / name).is_file():
            pytest.fail(f"model {name} not found in {os.environ['POISE_MODEL_DIR']}: the tests need ../shared/models", pytrace=False)
    try:
        return resolve_models(download=False)
    except ModelError as exc:
        pytest.fail(str(exc), pytrace=False)


_ANALYSED: dict = {}


@pytest.fixture(scope="session")
def analysed_clip(models):
    """analysed_clip(name, **settings) -> AnalysisResult, computed once per test session."""
    from poise.vision.analysis import AnalysisSettings, analyze, open_video

    def get(name: str, analysis_fps: float | None = None):
        key = (name, analysis_fps)
        if key not in _ANALYSED:
            settings = AnalysisSettings() if analysis_fps is None else AnalysisSettings(analysis_fps=analysis_fps)
            with open_video(clip(name), settings) as src:
                _ANALYSED[key] = analyze(src, models=models, settings=settings, keep_frames=True)
        return _ANALYSED[key]

    return get


_TRANSCRIPTS: dict = {}


@pytest.fixture(scope="session")
def transcribed_clip():
    """transcribed_clip(name) -> the clip's Transcript by the real speech model (faster-whisper
    tiny.en from ../shared/models), computed once per test session; fails unless DONE."""
    from poise.vision.speech.transcribe import transcribe_file
    from poise.vision.speech.transcript import TranscriptStatus

    def get(name: str):
        if name not in _TRANSCRIPTS:
            t = transcribe_file(clip(name))
            if t.status != TranscriptStatus.DONE:
                pytest.fail(f"{name} could not be transcribed: {t.message}", pytrace=False)
            _TRANSCRIPTS[name] = t
        return _TRANSCRIPTS[name]

    return get


@pytest.fixture
def poise_home(tmp_path, monkeypatch):
    """An empty, private Poise data directory (POISE_HOME) for one test."""
    home = tmp_path / "poise-home"
    monkeypatch.setenv("POISE_HOME", str(home))
    return home


_LANDMARKS: dict = {}


@pytest.fixture(scope="session")
def clip_landmarks(models):
    """clip_landmarks(name) -> list of FrameLandmarks at the default 15 Hz, computed once per test
    session; the same run fills the ``analysed_clip`` cache, so the clip is not analysed twice."""
    from poise.vision.analysis import AnalysisSettings, analyze, open_video

    def get(name: str):
        if name not in _LANDMARKS:
            seen: dict = {}
            settings = AnalysisSettings()
            with open_video(clip(name), settings) as src:
                result = analyze(src, models=models, settings=settings, keep_frames=True,
                                 on_result=lambda u: seen.setdefault(u.landmarks.index, u.landmarks))
            _ANALYSED.setdefault((name, None), result)
            _LANDMARKS[name] = [seen[i] for i in sorted(seen)]
        return _LANDMARKS[name]

    return get


# --- GUI guards (appended by the live-window tests; usable by any GUI test) -------------------

@pytest.fixture
def no_modal_dialogs(monkeypatch):
    """Fail the test if a modal dialog is exec'd (QDialog.exec, QMessageBox helpers, file and
    input dialogs) or a message box is left visible. A test that expects one patches it after."""
    from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox

    opened: list[str] = []

    def refuse(name):
        def f(*args, **kwargs):
            opened.append(name)
            raise AssertionError(f"unexpected modal dialog: {name}")
        return staticmethod(f)

    patches = {
        QDialog: ("exec",),
        QMessageBox: ("exec", "critical", "warning", "information", "question", "about", "aboutQt"),
        QFileDialog: ("exec", "getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"),
        QInputDialog: ("exec", "getText", "getInt", "getDouble", "getItem", "getMultiLineText"),
    }
    for cls, names in patches.items():
        for name in names:
            monkeypatch.setattr(cls, name, refuse(f"{cls.__name__}.{name}"), raising=False)
    yield opened
    boxes = [w.windowTitle() or w.text() for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert not opened, f"unexpected modal dialogs: {opened}"
    assert not boxes, f"message boxes left open: {boxes}"


def _running_qthreads() -> list:
    import gc

    import shiboken6
    from PySide6.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    main = app.thread() if app is not None else None
    return [o for o in gc.get_objects()
            if isinstance(o, QThread) and shiboken6.isValid(o) and o is not main and o != main and o.isRunning()]


@pytest.fixture
def no_dangling_threads(qapp):
    """Fail the test if a Python thread or a QThread it started is still running at the end.

    Python's _DummyThread entries (made when a QThread runs Python code) never leave
    threading.enumerate(), so they are not counted; QThreads are checked directly."""
    import threading
    import time

    def python_threads():
        return [t for t in threading.enumerate() if not isinstance(t, threading._DummyThread) and t.is_alive()]

    before = {t.ident for t in python_threads()}
    yield
    deadline = time.monotonic() + 2.0   # daemon threads finishing their last statement
    while time.monotonic() < deadline and (len(python_threads()) > len(before) or _running_qthreads()):
        qapp.processEvents()
        time.sleep(0.02)
    extra = [t.name for t in python_threads() if t.ident not in before]
    assert len(python_threads()) <= len(before) and not extra, f"threads left running: {extra}"
    running = _running_qthreads()
    assert not running, f"QThreads left running: {[t.objectName() or repr(t) for t in running]}"


@pytest.fixture
def store(poise_home):
    """A real SessionStore in the test's private data directory."""
    from poise.vision.sessions.store import SessionStore, data_dir

    s = SessionStore(data_dir())
    yield s
    s.close()


@pytest.fixture(autouse=True)
def gui_guards(request):
    """Every test that makes a widget (uses qtbot) runs under no_modal_dialogs and
    no_dangling_threads, without opting in. Set up before qtbot, so they check after it has
    closed the test's widgets."""
    if "qtbot" in request.fixturenames:
        request.getfixturevalue("no_dangling_threads")
        request.getfixturevalue("no_modal_dialogs")
    yield


@pytest.fixture(autouse=True)
def labels_fit(request):
    """Every GUI test (one that uses qtbot) ends with a check over every window still shown:
    no label is drawn shorter or narrower than its text needs (tests/window_checks.py)."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("qtbot")   # set up first, so this check runs before qtbot closes the widgets
    yield
    from PySide6.QtWidgets import QApplication

    from window_checks import clipped_labels

    app = QApplication.instance()
    app.processEvents()   # pending layout passes (a label whose text just changed)
    problems = [p for w in app.topLevelWidgets() if w.isVisible() for p in clipped_labels(w)]
    assert not problems, "labels drawn shorter than their text:\n  " + "\n  ".join(problems)
