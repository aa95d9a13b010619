"""The practice workflow in the real main window (offscreen), with a shared clip as the camera:
a mock interview end to end, calibration from the live feed, the Progress page and report export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from conftest import clip

pytestmark = pytest.mark.gui

CAMERA_CLIP = "pyfeat__single_face.mp4"  # 2.4 s, 30 fps, a man looking into the lens; loops
TIMEOUT_MS = 30_000


@pytest.fixture
def window(qtbot, poise_home, models, tmp_path, no_modal_dialogs, no_dangling_threads):
    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore, data_dir

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


def _click(qtbot, button):
    from PySide6.QtCore import Qt

    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_mock_interview_end_to_end(qtbot, window):
    w = window
    panel = w.practice.interview
    assert not panel.isVisible()
    _click(qtbot, w.interview_button)          # the Practice page's "Mock interview" toggle
    assert panel.isVisible() and w.interview_action.isChecked()
    assert panel.geometry().right() < w.live.video.geometry().left()   # beside the mirror, left of it
    panel.count_spin.setValue(2)
    panel.thinking_spin.setValue(0)
    _click(qtbot, panel.start_button)          # the window starts a mock-interview session
    sid = w.live.controller.session_id()
    assert sid is not None and w.live.controller.is_running()
    assert w.practice.banner.isVisible() and "not calibrated" in w.practice.banner.text.text()
    qtbot.waitUntil(lambda: _session_time(w) >= 1.5, timeout=TIMEOUT_MS)
    _click(qtbot, panel.next_button)           # answer 1 done, question 2
    t_mid = _session_time(w)
    qtbot.waitUntil(lambda: _session_time(w) >= t_mid + 1.5, timeout=TIMEOUT_MS)
    assert panel.next_button.text() == "Finish"
    with qtbot.waitSignal(w.live.session_saved, timeout=TIMEOUT_MS):
        _click(qtbot, panel.next_button)       # answer 2 done: the interview finishes, the session stops
    assert not w.live.controller.is_running()

    info = w.store.get_session(sid)
    assert info.kind == "mock_interview" and info.status == "complete"
    a, b = w.store.list_segments(sid)
    assert 0 <= a.start_s < a.end_s <= b.start_s < b.end_s
    assert a.end_s - a.start_s >= 1.0 and b.end_s - b.start_s >= 1.0
    frames = w.store.load_frames(sid)
    assert len(frames) >= 20 and frames[-1].t >= b.end_s - 0.5

    _click(qtbot, panel.review_button)         # "Review answers"
    view = w.review.view
    assert w.tabs.currentWidget() is w.review and view.current_session_id() == sid
    assert view.tabs.currentWidget() is view.questions and view.questions.segment_count() == 2

    w.show_interview(False)                    # leaving the mode hides the question
    assert not w.interview_action.isChecked() and panel.isHidden()


def test_leaving_mock_interview_mode_ends_the_interview_and_keeps_its_answers(qtbot, window):
    w = window
    panel = w.practice.interview
    w.interview_action.trigger()               # Session > Mock interview (Ctrl+I)
    assert panel.isVisible() and w.interview_button.isChecked()
    panel.thinking_spin.setValue(0)
    _click(qtbot, panel.start_button)
    sid = w.live.controller.session_id()
    qtbot.waitUntil(lambda: _session_time(w) >= 1.0, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(w.live.session_saved, timeout=TIMEOUT_MS):
        w.interview_action.trigger()           # mode off in the middle of the first answer
    assert panel.isHidden() and not w.live.controller.is_running()
    (seg,) = w.store.list_segments(sid)
    assert seg.end_s is not None and seg.end_s > seg.start_s
    w.interview_action.trigger()               # back on: a fresh set-up page, not the old result
    assert panel.pages.currentIndex() == 0


def test_calibration_from_the_live_feed_is_saved_per_camera_and_used(qtbot, window):
    w = window
    key = w.practice.camera_key()
    assert key and key.startswith("file-camera:")
    assert w.live.pipeline().current_run().calibration is None
    dlg = w.practice.open_calibration()
    assert dlg is not None and dlg.isVisible() and dlg.camera_key == key
    dlg.start(countdown=0)
    qtbot.waitUntil(lambda: w.store.latest_calibration(key) is not None, timeout=TIMEOUT_MS)
    cal_id, data = w.store.latest_calibration(key)
    assert data["frames"] >= 15 and "gaze_yaw" in data and "setup" in data
    dlg.close()
    # The mirror is scored against it at once, and so is the next session.
    qtbot.waitUntil(lambda: w.live.pipeline().current_run().calibration is not None, timeout=TIMEOUT_MS)

    w.session_action.trigger()                 # Session > Start session (Space)
    sid = w.live.controller.session_id()
    assert sid is not None and w.live.pipeline()
    qtbot.waitUntil(lambda: _session_time(w) >= 1.0, timeout=TIMEOUT_MS)
    assert w.live.pipeline().current_run().calibration.gaze_yaw == pytest.approx(data["gaze_yaw"])
    with qtbot.waitSignal(w.live.session_saved, timeout=TIMEOUT_MS):
        w.session_action.trigger()
    info = w.store.get_session(sid)
    assert info.calibration_id == cal_id and info.calibration["gaze_yaw"] == pytest.approx(data["gaze_yaw"])
    assert not w.practice.banner.isVisible()   # calibrated camera, same setup: no hint, no warning
    qtbot.waitUntil(lambda: w.live.pipeline().current_run().calibration is not None, timeout=TIMEOUT_MS)


def test_progress_page_shows_stored_sessions(qtbot, window, analysed_clip):
    from poise.vision.sessions.ingest import save_result

    w = window
    ids = [save_result(w.store, analysed_clip(name)) for name in ("pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg")]
    w.tabs.setCurrentWidget(w.progress)         # refreshed when shown
    assert w.progress.report is not None and {p.session_id for p in w.progress.report.sessions} == set(ids)
    assert w.progress.headline.text().startswith("2 sessions")
    w.progress.session_activated.emit(ids[1])   # double-clicking a point opens it in review
    assert w.tabs.currentWidget() is w.review and w.review.view.current_session_id() == ids[1]


def test_export_report_html_and_pdf_from_review(qtbot, window, tmp_path, analysed_clip, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from poise.vision.sessions.ingest import save_result

    w = window
    sid = save_result(w.store, analysed_clip("pyfeat__single_face.mp4"))
    w.store.add_segment(sid, 0, "Tell me about yourself.", "About you", 0.2, 2.0)
    w._open_in_review(sid)
    view = w.review.view
    view.notes.edits["notes"].setPlainText("Steady <b>eye contact</b>")  # typed a moment ago: flushed
    asked = []

    def save_as(parent, caption, name, filters):
        asked.append(name)
        return str(tmp_path / Path(name).name), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    html_action, pdf_action = view.export_button.menu().actions()
    html_action.trigger()                       # Review > Export report… > HTML
    pdf_action.trigger()
    # The first save starts in the user's Documents folder (else home), the next in the folder last used.
    from poise.app.settings import user_folder

    documents = user_folder(QStandardPaths.StandardLocation.DocumentsLocation)
    assert asked == [str(Path(documents) / f"poise-session-{sid}.html"), str(tmp_path / f"poise-session-{sid}.pdf")]
    asked = [Path(a).name for a in asked]
    html = (tmp_path / asked[0]).read_text()
    assert "<html" in html.lower() and "Tell me about yourself." in html
    assert "Steady &lt;b&gt;eye contact&lt;/b&gt;" in html
    assert (tmp_path / asked[1]).read_bytes().startswith(b"%PDF")

    written = w.export_report("html", str(tmp_path / "direct.html"))   # File > Export report as HTML
    assert written is not None and written.is_file()
