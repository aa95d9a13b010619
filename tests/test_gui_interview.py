"""The mock-interview panel, offscreen: setup, thinking → answering on its timer, Next/Finish, segments stored."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt

from poise.vision.practice.interview import Phase, StoreSegments
from poise.vision.practice.questions import Question

pytestmark = pytest.mark.gui

QUESTIONS = [Question("Tell me about yourself.", "About you", "Keep it short."),
             Question("What is your greatest strength?", "Strengths and weaknesses"),
             Question("Do you have any questions for us?", "Closing")]


class Clock:
    def __init__(self) -> None:
        self.t = 3.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def panel(qtbot):
    from poise.app.practice.interview_panel import InterviewPanel

    p = InterviewPanel(QUESTIONS, rng=random.Random(0))
    qtbot.addWidget(p)
    p.resize(900, 560)
    p.show()
    return p


def test_interview_runs_question_by_question_and_stores_segments(qtbot, panel, poise_home):
    from poise.vision.sessions.store import SessionStore

    clock = Clock()
    panel.count_spin.setValue(3)
    panel.thinking_spin.setValue(10)
    panel.answer_spin.setValue(1)
    with SessionStore() as store:
        sid = store.create_session("mock_interview", "camera:0", settings={}, models={})
        finished = []
        panel.interview_finished.connect(finished.append)
        panel.begin(clock, StoreSegments(store, sid))
        assert panel.pages.currentIndex() == 1
        assert panel.question_label.text() == "Tell me about yourself."
        assert panel.position_label.text().startswith("Question 1 of 3")
        assert panel.tip_label.text() == "Keep it short." and panel.answer_button.isVisible()
        assert panel.next_button.text() == "Skip question"

        # Thinking time runs out: the panel's own timer switches to answering.
        clock.t = 13.5
        qtbot.waitUntil(lambda: panel.flow.phase == Phase.ANSWERING, timeout=2000)
        assert not panel.answer_button.isVisible()
        assert "Answer now" in panel.phase_label.text()
        assert panel.next_button.text() == "Next question"
        clock.t = 80.0  # past the one-minute guide: a gentle nudge, nothing is cut off
        qtbot.waitUntil(lambda: "wrap up" in panel.phase_label.text(), timeout=2000)
        assert panel.clock_label.text().startswith("+")
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)

        assert panel.question_label.text() == "What is your greatest strength?"
        clock.t = 82.0
        qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)  # ready early
        clock.t = 100.0
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
        assert panel.next_button.text() == "Finish"
        clock.t = 101.0
        qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
        clock.t = 130.0
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)

        assert panel.pages.currentIndex() == 2
        assert "3 questions" in panel.done_text.text()
        assert len(finished) == 1 and len(finished[0]) == 3
        segs = store.list_segments(sid)
    assert [(s.index, s.question, s.start_s, s.end_s) for s in segs] == [
        (0, "Tell me about yourself.", 13.0, 80.0),
        (1, "What is your greatest strength?", 82.0, 100.0),
        (2, "Do you have any questions for us?", 101.0, 130.0),
    ]


def test_end_interview_early_and_start_again(qtbot, panel):
    clock = Clock()
    panel.thinking_spin.setValue(0)  # answering starts at once
    panel.begin(clock)
    assert panel.flow.phase == Phase.ANSWERING and not panel.answer_button.isVisible()
    clock.t = 20.0
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    assert panel.pages.currentIndex() == 2 and "1 question." in panel.done_text.text()
    qtbot.mouseClick(panel.again_button, Qt.MouseButton.LeftButton)
    assert panel.pages.currentIndex() == 0 and not panel.is_running()


def test_start_button_asks_the_session_owner_and_default_decks_load(qtbot):
    from poise.app.practice.interview_panel import InterviewPanel

    p = InterviewPanel()  # the built-in decks
    qtbot.addWidget(p)
    assert "questions available" in p.deck_note.text()
    assert p.count_spin.maximum() >= 30
    with qtbot.waitSignal(p.start_requested, timeout=1000):
        qtbot.mouseClick(p.start_button, Qt.MouseButton.LeftButton)
    assert p.pages.currentIndex() == 0  # waits for begin() from the session owner


def test_calibration_panel_records_frames_and_saves_per_camera(qtbot, poise_home, clip_landmarks):
    from poise.app.practice.calibration_panel import CalibrationPanel, RecalibrateBanner
    from poise.vision.calibration import Calibration
    from poise.vision.setup_check import SETUP_KEY, SetupMonitor
    from poise.vision.sessions.store import SessionStore
    from poise.vision.types import FrameScores, FrameUpdate

    landmarks = clip_landmarks("proctoringai__center_left_center.mp4")  # looks at the lens 0-5.5 s
    with SessionStore() as store:
        dlg = CalibrationPanel(store, "camera:0")
        qtbot.addWidget(dlg)
        dlg.show()
        dlg.add_update(FrameUpdate(FrameScores(0, 0.0, None, None, None), landmarks[0]))  # ignored before start
        dlg.start(countdown=0)
        assert dlg.state == "recording"
        with qtbot.waitSignal(dlg.calibrated, timeout=1000) as saved:
            for lm in landmarks[:80]:
                dlg.add_update(FrameUpdate(FrameScores(lm.index, lm.timestamp_ms / 1000, None, None, None), lm))
        cal_id, data = saved.args
        assert dlg.state == "saved" and "Baseline saved" in dlg.status.text()
        assert store.latest_calibration("camera:0") == (cal_id, data)
        assert store.latest_calibration("camera:1") is None
        assert Calibration.from_dict(data).frames >= 40 and SETUP_KEY in data
        # The same seat later fits the stored baseline.
        monitor = SetupMonitor(data)
        verdicts = [v for v in map(monitor.feed, landmarks[80:]) if v is not None]
        assert verdicts and verdicts[0].fits

        # Nobody in view: a clear sentence in the dialog, Try again offered.
        dlg.start(countdown=0)
        no_face = [type(lm)(lm.index, lm.timestamp_ms, lm.width, lm.height) for lm in landmarks[:80]]
        with qtbot.waitSignal(dlg.error_occurred, timeout=1000):
            for lm in no_face:
                dlg.add_update(lm)
        assert dlg.state == "error" and "face clearly in view" in dlg.status.text()
        assert dlg.start_button.text() == "Try again"

    banner = RecalibrateBanner()
    qtbot.addWidget(banner)
    banner.show_verdict(type("V", (), {"fits": False, "message": "Your setup seems to have changed."})())
    assert not banner.isHidden() and "changed" in banner.text.text()
    with qtbot.waitSignal(banner.recalibrate_requested, timeout=1000):
        qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)


def test_setup_watcher_reports_a_moved_camera_once(qtbot, clip_landmarks):
    import dataclasses

    from poise.app.practice.calibration_panel import RecalibrateBanner
    from poise.app.practice.setup_watch import SetupWatcher
    from poise.vision.setup_check import SETUP_KEY, measure_setup
    from poise.vision.types import FrameScores, FrameUpdate

    landmarks = [lm for lm in clip_landmarks("proctoringai__center_left_center.mp4") if lm.face is not None]
    calibration = {SETUP_KEY: measure_setup(landmarks[:60]).to_dict()}
    moved = []
    for lm in landmarks:  # the camera moved back: the picture shrinks toward a corner (known by construction)
        face = lm.face.copy()
        face[:, :2] *= 0.6
        moved.append(dataclasses.replace(lm, face=face))
    watcher = SetupWatcher()
    banner = RecalibrateBanner()
    qtbot.addWidget(banner)
    watcher.setup_checked.connect(banner.show_verdict)
    verdicts = []
    watcher.setup_checked.connect(verdicts.append)
    watcher.restart(calibration)
    for lm in moved:
        watcher.on_update_ready(FrameUpdate(FrameScores(lm.index, lm.timestamp_ms / 1000, None, None, None), lm))
    assert len(verdicts) == 1 and not verdicts[0].fits
    assert not banner.isHidden() and "Recalibrate" in banner.text.text()


def test_the_longest_question_fits_the_column_of_a_1024x640_window(qtbot, poise_home):
    """The deck's longest question (with its tip) in the ~330x395 px column a 1024x640 window
    leaves beside the mirror: its font steps down until it fits, nothing is cut off."""
    from poise.app.practice.interview_panel import QUESTION_POINT_SIZE, InterviewPanel
    from poise.vision.practice.questions import all_questions, load_decks
    from poise.vision.sessions.store import SessionStore
    from window_checks import clipped_labels

    decks, _ = load_decks()
    longest = max(all_questions(decks), key=lambda q: len(q.text) + len(q.tip or ""))
    p = InterviewPanel([longest], rng=random.Random(0))
    qtbot.addWidget(p)
    p.resize(330, 395)
    p.show()
    with SessionStore() as store:
        sid = store.create_session("mock_interview", "camera:0", settings={}, models={})
        p.begin(Clock(), StoreSegments(store, sid))
        qtbot.waitUntil(lambda: p.question_label.text() == longest.text, timeout=2000)
        qtbot.wait(100)
        assert p.question_label.font().pointSize() < QUESTION_POINT_SIZE, "a long question steps its font down"
        assert clipped_labels(p) == []
        p.resize(900, 700)   # room again: back to the full size
        qtbot.waitUntil(lambda: p.question_label.font().pointSize() == QUESTION_POINT_SIZE, timeout=2000)
        assert clipped_labels(p) == []
