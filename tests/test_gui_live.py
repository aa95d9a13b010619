"""The real main window, offscreen, with a shared clip played as the camera: sessions are scored
and saved, stopping is prompt, nothing modal pops up and no thread outlives the window."""

from __future__ import annotations

import os
import time

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from poise.vision.reports.format import NOT_MEASURED
from conftest import clip

pytestmark = pytest.mark.gui

# 2.4 s, 640x360, 30 fps, a man facing the camera: the cheapest clip to loop as a camera.
CAMERA_CLIP = "pyfeat__single_face.mp4"
# Generous bounds for a loaded 2-core CI machine; the figures themselves are measured by
# scripts/bench_live.py, not asserted here.
MODELS_TIMEOUT_MS = 20_000
SCORES_TIMEOUT_MS = 30_000
SAVE_TIMEOUT_MS = 10_000
# "Stopping returns within a second" (issue 4); measured: Stop returns in < 1 ms, closing the
# window mid-session (finish and save) in 0.06-0.11 s, so the bound is > 5x the measured figure.
STOP_BOUND_S = 1.0
FIRST_SCORE_BOUND_S = 1.0


@pytest.fixture
def make_window(qtbot, poise_home, models, tmp_path, no_modal_dialogs, no_dangling_threads):
    """make_window(**kwargs) -> a shown MainWindow on a private store and settings file."""
    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore, data_dir

    made = []

    def make(**kwargs):
        store = SessionStore(data_dir())
        settings = Settings(QSettings(str(tmp_path / "poise.ini"), QSettings.Format.IniFormat))
        kwargs.setdefault("cameras", [])
        w = MainWindow(store, settings=settings, models=models, **kwargs)
        qtbot.addWidget(w)
        w.resize(1200, 800)
        w.show()
        made.append((w, store))
        return w

    yield make
    for w, store in made:
        w.close()
        assert not w.live.pipeline(), "closing the window stops the live pipeline"
        store.close()


def _wait_ready(qtbot, w):
    qtbot.waitUntil(lambda: w.live.session.button.isEnabled(), timeout=MODELS_TIMEOUT_MS)


def _wait_scores(qtbot, w, n=15, session_s=1.0):
    start = w.live.stats.scores
    qtbot.waitUntil(lambda: w.live.stats.scores >= start + n and (w.live.controller.clock() or 0) >= session_s,
                    timeout=SCORES_TIMEOUT_MS)


def _grab_array(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)[:, : 3 * w].reshape(h, w, 3).copy()


def test_live_session_from_a_clip_as_camera_is_scored_and_saved(qtbot, make_window):
    from poise.vision.sessions.store import SessionStore, data_dir

    w = make_window(camera_file=str(clip(CAMERA_CLIP)))
    assert w.live.stack.currentWidget() is not w.live.empty
    assert "video file as camera" in w.live.source_label.text()
    _wait_ready(qtbot, w)
    w.session_action.trigger()                      # Space
    assert w.live.controller.is_running()
    assert w.session_action.text() == "Stop session"
    _wait_scores(qtbot, w, n=20, session_s=1.5)
    # The meters show the core's values as percentages, or an em dash: never a made-up 0.
    for meter in w.live.meters.meters.values():
        assert meter.value_text() == NOT_MEASURED or meter.value_text().endswith("%")
    assert w.live.meters.meters["eye_contact"].value_text().endswith("%"), "a face looking at the lens is measurable"
    assert w.live.timeline.sample_count() > 0
    assert w.live.session.timer_label.text() != "0:00"
    status = w.live.status_text()
    assert "fps" in status and "Latency" in status and "Dropped" in status
    assert w.live.stats.latencies and all(0 <= x < 5 for x in w.live.stats.latencies)

    t0 = time.monotonic()
    with qtbot.waitSignal(w.live.session_saved, timeout=SAVE_TIMEOUT_MS) as saved:
        w.session_action.trigger()
        assert time.monotonic() - t0 < STOP_BOUND_S, "Stop returns at once"
    sid = saved.args[0]
    assert not w.live.controller.is_running()

    with SessionStore(data_dir()) as store:
        info = store.get_session(sid)
        frames = store.load_frames(sid)
    assert info.kind == "live" and info.status == "complete"
    assert info.source.startswith("file-camera:") and info.recording_path is None, "no recording unless asked"
    assert len(frames) >= 20
    ts = [f.t for f in frames]
    # The first frame scored is the first one inference takes after the session began: one of the
    # first frames on an idle machine, 0.5 s once seen at load 7 (inference busy, frames dropped). A clock
    # from the pipeline's start would be seconds (the models load and the mirror runs first).
    assert ts == sorted(ts) and ts[0] < FIRST_SCORE_BOUND_S, "session time starts at the session's first frame"
    assert info.duration_s == pytest.approx(ts[-1], abs=0.5)
    assert info.summary is not None and info.summary.frames_analysed == len(frames)
    # The live pipeline keeps running after the session: the mirror stays live.
    before = w.live.stats.scores
    qtbot.waitUntil(lambda: w.live.stats.scores > before + 3, timeout=SCORES_TIMEOUT_MS)


def test_recording_is_private_unmirrored_and_on_the_session_clock(qtbot, make_window):
    from poise.vision.sessions.store import SessionStore, data_dir

    w = make_window(camera_file=str(clip(CAMERA_CLIP)))
    _wait_ready(qtbot, w)
    w.record_action.trigger()
    assert w.live.session.record_box.isChecked()
    w.live.start_session()
    assert w.live.controller.is_recording()
    assert w.live.session.rec_label.isVisibleTo(w.live.session) and w.live.video.recording
    assert not w.record_action.isEnabled(), "the choice is fixed while a session runs"
    _wait_scores(qtbot, w, n=15, session_s=2.0)
    with qtbot.waitSignal(w.live.session_saved, timeout=SAVE_TIMEOUT_MS) as saved:
        w.live.stop_session()
    assert not w.live.video.recording
    with SessionStore(data_dir()) as store:
        info = store.get_session(saved.args[0])
    path = info.recording_path
    assert path is not None and path.is_file() and path.parent == store.recordings_dir
    assert os.stat(path).st_mode & 0o777 == 0o600, "only the user can read the recording"
    cap = cv2.VideoCapture(str(path))
    try:
        fps, count = cap.get(cv2.CAP_PROP_FPS), int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        ok, first = cap.read()
    finally:
        cap.release()
    assert ok and first.shape[:2] == (360, 640)
    assert fps == pytest.approx(30, abs=0.5)
    # Frame n of the file is at n / fps of the session: its length matches the session's.
    assert count / fps == pytest.approx(info.duration_s, abs=0.6)
    # Unmirrored: the recording's first frame matches the clip's own frames, not their mirror image.
    src = cv2.VideoCapture(str(clip(CAMERA_CLIP)))
    frames = []
    while len(frames) < 72:
        ok, f = src.read()
        if not ok:
            break
        frames.append(f.astype(float))
    src.release()
    straight = min(np.abs(first.astype(float) - f).mean() for f in frames)
    mirrored = min(np.abs(first.astype(float) - f[:, ::-1]).mean() for f in frames)
    assert straight < mirrored


def test_display_is_mirrored_and_overlay_toggles(qtbot, make_window):
    w = make_window(camera_file=str(clip(CAMERA_CLIP)))
    _wait_ready(qtbot, w)
    video = w.live.video
    qtbot.waitUntil(lambda: video.current_frame() is not None and w.live.stats.scores > 3, timeout=SCORES_TIMEOUT_MS)
    w.overlay_action.setChecked(False)
    assert not video.overlay_enabled and not w.live.overlay_button.isChecked()
    frame = video.current_frame()
    shown = _grab_array(video)
    rect = video.image_rect()
    dpr = video.devicePixelRatioF()
    x0, y0 = int(rect.left() * dpr) + 2, int(rect.top() * dpr) + 2
    x1, y1 = int(rect.right() * dpr) - 2, int(rect.bottom() * dpr) - 2
    shown = shown[y0:y1, x0:x1].astype(float)
    rgb = cv2.cvtColor(cv2.resize(frame.image, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA),
                       cv2.COLOR_BGR2RGB).astype(float)
    # Frames move on while we grab; the mirrored picture must still be far closer than the raw one.
    assert np.abs(shown - rgb[:, ::-1]).mean() < 0.6 * np.abs(shown - rgb).mean()
    w.overlay_action.setChecked(True)
    assert video.overlay_enabled and w.settings.overlay


def test_landmarks_are_mirrored_with_the_picture():
    from PySide6.QtCore import QRectF

    from poise.app.practice.overlay import to_view

    pts = np.array([[0.2, 0.5, 0.0], [0.9, 0.1, 0.0]])
    rect = QRectF(10, 20, 200, 100)
    mirrored = to_view(pts, rect, mirrored=True)
    straight = to_view(pts, rect, mirrored=False)
    assert mirrored[0].tolist() == pytest.approx([10 + 0.8 * 200, 20 + 50])
    assert straight[0].tolist() == pytest.approx([10 + 0.2 * 200, 20 + 50])
    assert mirrored[1, 1] == straight[1, 1]


def test_closing_the_window_mid_session_saves_it_and_stops_every_thread(qtbot, make_window):
    from poise.vision.sessions.store import SessionStore, data_dir

    w = make_window(camera_file=str(clip(CAMERA_CLIP)))
    _wait_ready(qtbot, w)
    sid = w.live.start_session()
    _wait_scores(qtbot, w, n=10, session_s=1.0)
    t0 = time.monotonic()
    w.close()
    assert time.monotonic() - t0 < STOP_BOUND_S, "closing (and saving) takes under a second"
    assert w.live.pipeline() is None
    with SessionStore(data_dir()) as store:
        info = store.get_session(sid)
        assert info.status == "complete" and store.frame_count(sid) >= 10


def test_without_cameras_the_empty_state_offers_a_video_file(qtbot, make_window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = make_window(cameras=[])
    live = w.live
    assert live.stack.currentWidget() is live.empty
    assert live.empty.title.text() == "No camera found"
    assert not w.camera_menu.actions()[0].isEnabled()   # "No camera found"
    w.live.empty.analyse_button.click()
    dlg = w._analyse
    assert dlg is not None and dlg.isVisible() and not dlg.isModal()
    dlg.close()
    path = str(clip(CAMERA_CLIP))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (path, "")))
    live.empty.open_button.click()
    assert live.stack.currentWidget() is not live.empty
    _wait_ready(qtbot, w)
    assert w.settings.last_video_dir == str(clip(CAMERA_CLIP).parent)


def test_a_broken_camera_file_gives_one_sentence_and_no_dialog(qtbot, make_window, tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    w = make_window(cameras=[])
    assert not w.live.open_video_as_camera(bad)
    assert w.live.error_label.isVisibleTo(w.live)
    text = w.live.error_label.text()
    assert "notes.mp4" in text and "\n" not in text and "Traceback" not in text
    assert w.live.stack.currentWidget() is w.live.empty
    w.live.start_session()   # nothing to record: a message, not a crash
    assert not w.live.controller.is_running()


def test_shortcuts_settings_and_about(qtbot, make_window, tmp_path):
    from PySide6.QtGui import QKeySequence

    w = make_window(cameras=[])
    expected = {w.session_action: "Space", w.open_camera_file_action: "Ctrl+O", w.analyse_action: "Ctrl+Shift+A",
                w.overlay_action: "O", w.mute_action: "M", w.quit_action: "Ctrl+Q", w.about_action: "F1"}
    for action, keys in expected.items():
        assert action.shortcut() == QKeySequence(keys), action.text()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=2000)
    QTest.keyClick(w, Qt.Key.Key_M)
    assert w.mute_action.isChecked() and w.live.cues.muted and not w.live.cues_button.isChecked()
    QTest.keyClick(w, Qt.Key.Key_O)
    assert not w.live.video.overlay_enabled
    # Space belongs to the recording player on the Review page.
    w.tabs.setCurrentWidget(w.review)
    assert not w.session_action.isEnabled()
    w.tabs.setCurrentWidget(w.live)
    assert w.session_action.isEnabled()

    about = w.show_about()
    labels = [label for label, _ in about.rows]
    assert {"Poise", "MediaPipe", "face_landmarker.task", "pose_landmarker_full.task", "hand_landmarker.task"} <= set(labels)
    assert "sha256" in dict(about.rows)["face_landmarker.task"]
    assert dict(about.rows)["hand_landmarker.task"] == "sha256 fbc2a30080c3", "the hand model is found and verified"
    about.close()

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings

    w.close()
    # The window was bigger than the 800x800 offscreen screen, which restoreGeometry clamps to,
    # so compare what was saved, not the restored position.
    assert Settings(QSettings(str(tmp_path / "poise.ini"), QSettings.Format.IniFormat)).geometry() == w.saveGeometry()
    again = MainWindow(w.store, settings=Settings(QSettings(str(tmp_path / "poise.ini"), QSettings.Format.IniFormat)),
                       cameras=[])
    qtbot.addWidget(again)
    assert again.mute_action.isChecked() and not again.overlay_action.isChecked()
    assert not again.record_action.isChecked(), "recording stays off by default"
    again.close()


def test_an_inference_failure_mid_session_keeps_what_was_saved(qtbot, make_window, monkeypatch):
    """Isolates the failure path: the real landmarker is made to fail after the session started."""
    from poise.vision.landmarker import Landmarker
    from poise.vision.sessions.store import SessionStore, data_dir

    w = make_window(camera_file=str(clip(CAMERA_CLIP)))
    _wait_ready(qtbot, w)
    sid = w.live.start_session()
    _wait_scores(qtbot, w, n=10, session_s=1.2)
    real = Landmarker.detect

    def failing(self, frame):
        raise RuntimeError("simulated inference failure")

    monkeypatch.setattr(Landmarker, "detect", failing)
    with qtbot.waitSignal(w.live.error_occurred, timeout=SAVE_TIMEOUT_MS):
        pass
    monkeypatch.setattr(Landmarker, "detect", real)
    assert "simulated inference failure" in w.live.error_label.text()
    qtbot.waitUntil(lambda: not w.live.controller.is_running(), timeout=SAVE_TIMEOUT_MS)
    assert w.live.session.button.text() == "Start session"
    with SessionStore(data_dir()) as store:
        info = store.get_session(sid)
        assert info.status == "interrupted" and store.frame_count(sid) >= 10, "the frames already saved are kept"
        # The same rule as a cancelled file analysis (vision.sessions.ingest): kept, marked
        # interrupted, summarised over exactly the frames kept.
        assert info.summary is not None and info.summary.frames_analysed == store.frame_count(sid)


def test_missing_models_are_one_sentence_in_the_window(qtbot, poise_home, tmp_path, monkeypatch, no_modal_dialogs,
                                                      no_dangling_threads):
    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore, data_dir

    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("POISE_MODEL_DIR", str(empty))
    store = SessionStore(data_dir())
    w = MainWindow(store, settings=Settings(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)),
                   camera_file=str(clip(CAMERA_CLIP)), cameras=[])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.live.error_box.isVisibleTo(w.live), timeout=MODELS_TIMEOUT_MS)
    assert "POISE_MODEL_DIR" in w.live.error_label.text()
    assert not w.live.session.button.isEnabled(), "no session without models"
    qtbot.waitUntil(lambda: w.live.video.current_frame() is not None, timeout=5000)   # the mirror still works
    w.close()
    store.close()


# A 1366x768 laptop screen, less a 40 px taskbar and a 38 px title bar.
SMALL_SCREEN_CLIENT_HEIGHT = 690


def test_the_window_fits_a_768_px_laptop_screen_with_a_session_in_review(qtbot, make_window, analysed_clip):
    from poise.vision.sessions.ingest import save_result

    w = make_window()
    sid = save_result(w.store, analysed_clip("pyfeat__face_noface.mov"), kind="file")
    w.tabs.setCurrentWidget(w.review)
    assert w.review.show_session(sid)
    w.review.view.tabs.setCurrentWidget(w.review.view.notes)
    assert w.minimumSizeHint().height() <= SMALL_SCREEN_CLIENT_HEIGHT
    w.resize(1366, SMALL_SCREEN_CLIENT_HEIGHT)
    qtbot.waitUntil(lambda: w.height() == SMALL_SCREEN_CLIENT_HEIGHT, timeout=2000)
    view = w.review.view
    # Nothing is squeezed below its minimum: the notes pane scrolls as one form instead.
    assert view.timeline.height() >= view.timeline.minimumHeight()
    assert view.player.height() >= view.player.minimumSizeHint().height()
    for edit in view.notes.edits.values():
        assert edit.height() >= edit.minimumSizeHint().height() > 2 * edit.fontMetrics().lineSpacing()
        assert edit.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff   # no scrollbar of its own


def test_no_models_and_no_network_the_first_screen_says_what_to_do(qtbot, poise_home, tmp_path, monkeypatch,
                                                                   no_modal_dialogs, no_dangling_threads):
    """Models missing and no network: the first screen (no camera) says which files are missing
    and what to do, in words (no '<urlopen error …>'); with a video open, the status bar does
    not count the frames nobody scores as dropped."""
    import socket
    import urllib.error
    import urllib.request

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore, data_dir

    monkeypatch.delenv("POISE_MODEL_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # an empty user cache

    def offline(*args, **kwargs):   # what urlopen raises when the name lookup fails
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    store = SessionStore(data_dir())
    w = MainWindow(store, settings=Settings(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)),
                   cameras=[])
    qtbot.addWidget(w)
    w.show()
    note = w.live.empty.models_note
    qtbot.waitUntil(note.isVisible, timeout=MODELS_TIMEOUT_MS)
    text = note.text()
    assert "face_landmarker.task" in text and "no internet connection" in text and "POISE_MODEL_DIR" in text
    assert "urlopen" not in text and "Errno" not in text
    assert w.live.stack.currentWidget() is w.live.empty, "the first screen, before any camera or video"

    w.live.open_video_as_camera(clip(CAMERA_CLIP))
    qtbot.waitUntil(lambda: w.live.error_box.isVisibleTo(w.live), timeout=MODELS_TIMEOUT_MS)
    qtbot.waitUntil(lambda: w.live.video.current_frame() is not None, timeout=5000)
    qtbot.wait(600)   # frames keep arriving and are not scored
    status = w.live.status_text()
    assert "Dropped" not in status and "Not scoring" in status
    w.close()
    store.close()


def test_the_session_timer_starts_at_zero_with_a_new_camera(qtbot, make_window):
    w = make_window(camera_file=str(clip(CAMERA_CLIP)))
    _wait_ready(qtbot, w)
    w.live.start_session()
    qtbot.waitUntil(lambda: w.live.session.timer_label.text() not in ("0:00", ""), timeout=SCORES_TIMEOUT_MS)
    with qtbot.waitSignal(w.live.session_saved, timeout=SAVE_TIMEOUT_MS):
        w.live.stop_session()
    assert w.live.session.timer_label.text() != "0:00", "the stopped session's time stays until the camera changes"
    w.live.open_video_as_camera(clip("proctoringai__center_focus.mp4"))
    assert w.live.session.timer_label.text() == "0:00"


def test_meter_bars_ease_with_the_camera_frames_not_a_timer_of_their_own(qtbot):
    """A new score moves the bar only as frames arrive (advance), easing over EASE_MS; None
    empties it at once. No animation timer repaints the window between camera frames."""
    from poise.app.practice.meters import EASE_MS, MeterBar

    bar = MeterBar("#2563eb")
    qtbot.addWidget(bar)
    bar.set_value(0.8, now=10.0)
    assert bar.shown_value() == 0.0, "nothing moves until the next frame"
    bar.advance(now=10.0 + EASE_MS / 2000.0)
    assert 0.0 < bar.shown_value() < 0.8
    bar.advance(now=10.0 + EASE_MS / 1000.0 + 0.01)
    assert bar.shown_value() == pytest.approx(0.8, abs=0.05)
    bar.set_value(None)
    assert bar.shown_value() == 0.0
    # Scores arrive with every frame, just before it: the bar still follows within EASE_MS
    # (restarting the easing on every score left it at 77 % of the way after 0.5 s).
    bar.set_value(1.0, now=20.0)
    for i in range(30):
        bar.advance(now=20.0 + i / 30)
    t = 21.0
    for i in range(15):
        bar.set_value(0.0, now=t + i / 30)
        bar.advance(now=t + i / 30 + 0.001)
    assert bar.shown_value() < 0.05, "the bar caught up with a score held for half a second"
    from PySide6.QtCore import QAbstractAnimation, QTimer

    assert not bar.findChildren(QAbstractAnimation) and not bar.findChildren(QTimer)
