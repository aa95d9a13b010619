"""Choosing the person in the window: a click on a face in File › Analyse video, and a click on
yourself in the live mirror (mirrored for display; inference sees the unmirrored frame).

The clips are built from two shared clips (tests/test_people_and_hands.py):
proctoringai__center_left_center from 6 s (eyes turned away) and proctoringai__center_focus
(eye contact), so the eye contact tells whose scores came out. A gallery view: the two side by
side, the same man at the same size, so without a choice nobody is scored. A speaker view: the
look-away as a self-view a quarter of the picture's height, which the face model finds only
when Poise looks closer at the place clicked.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest

from conftest import clip
from poise.vision.sources import read_frames
from poise.vision.types import Reason
from test_people_and_hands import inset, write_video

pytestmark = pytest.mark.gui

FPS = 12.0
MODELS_TIMEOUT_MS = 20_000
SCORES_TIMEOUT_MS = 40_000
ANALYSIS_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def short_gallery(tmp_path_factory):
    left, _ = read_frames(clip("proctoringai__center_left_center.mp4"), stride=2, limit=120)
    left = left[72:120]   # 6-10 s: eyes turned away (shared labels)
    right, _ = read_frames(clip("proctoringai__center_focus.mp4"), stride=2, limit=48)
    return write_video(tmp_path_factory.mktemp("clips") / "gallery.mp4", [np.hstack([a, b]) for a, b in zip(left, right)], FPS)


@pytest.fixture(scope="module")
def short_speaker_view(tmp_path_factory):
    away, _ = read_frames(clip("proctoringai__center_left_center.mp4"), stride=2, limit=120)
    away = away[72:120]   # 6-10 s: eyes turned away (shared labels)
    steady, _ = read_frames(clip("proctoringai__center_focus.mp4"), stride=2, limit=48)
    return write_video(tmp_path_factory.mktemp("clips") / "speaker.mp4",
                       [inset(s, a, 0.25)[0] for a, s in zip(away, steady)], FPS)


def click_at(widget, rect, fx, fy):
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(round(rect.left() + fx * rect.width()), round(rect.top() + fy * rect.height())))


@pytest.fixture
def analyse_dialog(qtbot, store, models, no_modal_dialogs):
    """File › Analyse video, open and shown; shut down (its worker stopped) after the test."""
    from poise.app.review.analyze_dialog import AnalyzeVideoDialog

    dlg = AnalyzeVideoDialog(store, models, close_on_success=False)
    qtbot.addWidget(dlg)
    dlg.resize(640, 560)
    dlg.show()
    yield dlg
    dlg.shutdown()


def test_analyse_dialog_scores_the_face_clicked_on_a_frame(qtbot, store, analyse_dialog, short_gallery):
    dlg = analyse_dialog
    dlg.choose_video(short_gallery)
    picker = dlg.person_picker
    assert picker.isVisible() and not dlg.is_running(), "a frame to click on, before the analysis"
    assert picker.choice == "largest"
    rect = picker.picture.image_rect()
    click_at(picker.picture, rect, 0.75, 0.35)            # the man on the right
    x, y = map(float, picker.choice.split(","))
    assert abs(x - 0.75) < 0.02 and abs(y - 0.35) < 0.02
    with qtbot.waitSignal(dlg.session_saved, timeout=ANALYSIS_TIMEOUT_MS) as saved:
        QTest.mouseClick(dlg.analyse_button, Qt.MouseButton.LeftButton)
    info = store.get_session(saved.args[0])
    assert info.settings["person"] == picker.choice
    assert info.summary.multiple_people_share == 0, "the clicked person is scored on every frame"
    assert info.summary.mean_eye_contact > 0.8 and info.summary.eye_contact_share > 0.9


def test_live_mirror_click_on_your_face_ends_the_two_people_blank(qtbot, poise_home, models, tmp_path, short_gallery,
                                                                 no_modal_dialogs, no_dangling_threads):
    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore, data_dir

    store = SessionStore(data_dir())
    w = MainWindow(store, settings=Settings(QSettings(str(tmp_path / "poise.ini"), QSettings.Format.IniFormat)),
                   models=models, cameras=[], camera_file=str(short_gallery))
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    updates = []
    try:
        qtbot.waitUntil(lambda: w.live.pipeline() is not None and w.live.pipeline()._worker is not None
                        and w.live.pipeline()._worker.landmarker is not None, timeout=MODELS_TIMEOUT_MS)
        w.live.pipeline().update_ready.connect(updates.append)
        qtbot.waitUntil(lambda: any(u.scores.eye_contact_reason == Reason.MULTIPLE_PEOPLE for u in updates),
                        timeout=SCORES_TIMEOUT_MS)
        video = w.live.video
        qtbot.waitUntil(lambda: video.image_rect() is not None, timeout=5000)
        # The man on the right of the unmirrored frame is on the LEFT of the mirror.
        click_at(video, video.image_rect(), 0.25, 0.35)
        seen = len(updates)
        qtbot.waitUntil(lambda: sum(u.scores.eye_contact is not None for u in updates[seen:]) >= 5,
                        timeout=SCORES_TIMEOUT_MS)
        chosen = [u for u in updates[seen:] if u.scores.eye_contact is not None]
        assert all(u.landmarks.face[:, 0].mean() > 0.5 for u in chosen), "the unmirrored right-hand face is scored"
    finally:
        w.close()
        store.close()


def test_analyse_dialog_scores_a_quarter_height_self_view_clicked_on(qtbot, store, analyse_dialog, short_speaker_view):
    dlg = analyse_dialog
    dlg.choose_video(short_speaker_view)
    picker = dlg.person_picker
    click_at(picker.picture, picker.picture.image_rect(), 0.85, 0.88)   # the self-view
    with qtbot.waitSignal(dlg.session_saved, timeout=ANALYSIS_TIMEOUT_MS) as saved:
        QTest.mouseClick(dlg.analyse_button, Qt.MouseButton.LeftButton)
    info = store.get_session(saved.args[0])
    assert info.settings["person"] == picker.choice
    # The large face looks into its lens all along; the self-view's man looks away.
    frames = store.load_frames(saved.args[0])
    assert sum(f.eye_contact is not None for f in frames) >= 0.9 * len(frames), "the self-view is found and scored"
    assert sum(f.posture is not None for f in frames) >= 0.9 * len(frames), "its posture is measured in the crop"
    assert info.summary.eye_contact_share < 0.3 and info.summary.longest_look_away_s > 2.0
