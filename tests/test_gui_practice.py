"""The practice workflow in the real main window (offscreen), with a shared clip as the camera:
a mock interview end to end, calibration from the live feed, the Progress page and report export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from conftest import clip

pytestmark = pytest.mark.gui

CAMERA_CLIP = "pyfeat__single_face.mp4"  # 2.4 s, 30 fps, a man looking into the lens; loops
TIMEOUT_MS = 30_000


@pytest.fixture
def window(qtbot, poise_home, models, tmp_path, no_modal_dialogs, no_dangling_threads):
    from app.main_window import MainWindow
    from app.settings import Settings
    from vision.store import SessionStore, data_dir

    store = SessionStore(data_dir())
    settings = Settings(QSettings(str(tmp_path / "poise.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, settings=settings, models=models, cameras=[], camera_file=str(clip(CAMERA_CLIP)))
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitUntil(lambda: w.live.session.button.isEnabled(), timeout=TIMEOUT_MS)
    yield w
    w.close()
    store.close()


def _session_time(w):
    return w.live.controller.clock() or 0.0


def test_mock_interview_end_to_end(qtbot, window):
    w = window
    w.show_interview()
    assert w.interview_dock.isVisible()
    panel = w.practice.interview
    panel.count_spin.setValue(2)
    panel.thinking_spin.setValue(0)
    panel._on_start_clicked()  # the Start button's slot: asks the window to start the session
    sid = w.live.controller.session_id()
    assert sid is not None and w.live.controller.is_running()
    qtbot.waitUntil(lambda: _session_time(w) >= 1.5, timeout=TIMEOUT_MS)
    panel._on_next_clicked()   # answer 1 done, question 2
    t_mid = _session_time(w)
    qtbot.waitUntil(lambda: _session_time(w) >= t_mid + 1.5, timeout=TIMEOUT_MS)
    panel._on_next_clicked()   # answer 2 done: the interview finishes and the session stops
    qtbot.waitUntil(lambda: not w.live.controller.is_running(), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(w.live.session_saved, timeout=TIMEOUT_MS, raising=False):
        pass
    qtbot.waitUntil(lambda: w.store.get_session(sid).status == "complete", timeout=TIMEOUT_MS)

    info = w.store.get_session(sid)
    assert info.kind == "mock_interview"
    segments = w.store.list_segments(sid)
    assert len(segments) == 2
    a, b = segments
    assert 0 <= a.start_s < a.end_s <= b.start_s < b.end_s
    assert a.end_s - a.start_s >= 1.0 and b.end_s - b.start_s >= 1.0
    assert len(w.store.load_frames(sid)) >= 20

    panel.review_requested.emit()
    assert w.tabs.currentWidget() is w.review
    assert w.review.view.current_session_id() == sid


def test_calibration_from_the_live_feed_is_saved_per_camera_and_used(qtbot, window):
    w = window
    key = w.practice.camera_key()
    assert key and key.startswith("file-camera:")
    dlg = w.practice.open_calibration()
    assert dlg is not None and dlg.isVisible()
    dlg.start(countdown=0)
    qtbot.waitUntil(lambda: w.store.latest_calibration(key) is not None, timeout=TIMEOUT_MS)
    cal_id, data = w.store.latest_calibration(key)
    assert data["frames"] >= 15 and "gaze_yaw" in data
    dlg.close()

    sid = w.live.start_session()
    qtbot.waitUntil(lambda: _session_time(w) >= 1.0, timeout=TIMEOUT_MS)
    w.live.stop_session()
    qtbot.waitUntil(lambda: w.store.get_session(sid).status == "complete", timeout=TIMEOUT_MS)
    info = w.store.get_session(sid)
    assert info.calibration_id == cal_id and info.calibration["gaze_yaw"] == pytest.approx(data["gaze_yaw"])


def test_progress_page_and_report_export(qtbot, window, tmp_path, analysed_clip):
    from vision.store import save_result

    w = window
    for name in ("pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg"):
        save_result(w.store, analysed_clip(name))
    w.tabs.setCurrentWidget(w.progress)
    sessions = w.store.list_sessions()
    assert len(sessions) == 2
    assert w.progress.report is not None and len(w.progress.report.sessions) == 2

    w._open_in_review(sessions[0].id)
    html = w.export_report("html", str(tmp_path / "r.html"))
    pdf = w.export_report("pdf", str(tmp_path / "r.pdf"))
    assert html is not None and "<html" in html.read_text().lower()
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")


def test_a_changed_setup_offers_to_recalibrate(qtbot, window):
    """A stored calibration whose picture does not match this camera (face half the size, in a
    corner, a different frame shape) makes the window offer to recalibrate during the session."""
    from vision.calibration import Calibration

    w = window
    key = w.practice.camera_key()
    cal = Calibration(gaze_yaw=0.0, gaze_pitch=0.0, head_roll=0.0, shoulder_tilt=0.0, neck_ratio=0.5,
                      side_offset=0.0, distance_cm=40.0, frames=60).to_dict()
    cal["setup"] = {"face_x": 0.15, "face_y": 0.2, "face_size": 0.08, "head_yaw": 0.0, "head_pitch": 0.0,
                    "aspect": 0.5625, "frames": 60}
    cal_id = w.store.save_calibration(key, cal)
    assert w.practice.banner.isHidden()
    sid = w.live.start_session()
    qtbot.waitUntil(lambda: w.practice.banner.isVisible(), timeout=TIMEOUT_MS)
    assert "calibrat" in w.practice.banner.text.text().lower() or w.practice.banner.button.text() == "Recalibrate…"
    w.live.stop_session()
    qtbot.waitUntil(lambda: w.store.get_session(sid).status == "complete", timeout=TIMEOUT_MS)
    assert w.store.get_session(sid).calibration_id == cal_id
