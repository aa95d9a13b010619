"""Calibration beside the mirror, offered before the first session, and "Check Poise on me" in the
real main window (offscreen), with a scripted clip playing as the camera.

The scripted clip (built in a temporary folder from the shared clips, 15 fps, letterboxed to
848x480) plays each behaviour at the time the check asks for it:

- 0-4.5 s and 4.5-9.5 s: the man of proctoringai__center_left_center looking into the lens
  (his 0.0-4.5 s and 0.5-5.5 s): the calibration, then the "lens" step;
- 9.5-14.5 s: the woman of mediapipe__selfie_segmentation_web looking down at her hands
  (her 1.8-3.1 s, looped): "notes below the screen";
- 14.5-19.5 s: the man's eyes turned sideways (his 6.0-11.0 s): "look to the side";
- 19.5-25.5 s: video4j's hand on his head (4-10 s): "touch your face";
- 25.5-34.5 s: the man upright 2 s, his head sunk 160 px toward his shoulders for 5 s (by
  construction), upright again 2 s: "slouch, then sit up";
- 2 s more of the man looking into the lens.

The check starts when the calibration is saved (clip time ~4.2 s); each step's first 1.5 s
are not judged, which absorbs the offset.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from conftest import clip
from poise.vision.sources import read_frames

pytestmark = pytest.mark.gui

FPS = 15
SIZE = (848, 480)
TIMEOUT_MS = 30_000


def _letterbox(img):
    w, h = SIZE
    k = min(w / img.shape[1], h / img.shape[0])
    small = cv2.resize(img, (int(img.shape[1] * k), int(img.shape[0] * k)), interpolation=cv2.INTER_AREA)
    out = np.full((h, w, 3), 96, np.uint8)
    y, x = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    return out


def _segment(name, start, end, seconds=None):
    frames, fps = read_frames(clip(name))
    part = frames[int(start * fps):int(end * fps)]
    step = fps / FPS
    picked = [part[int(i * step)] for i in range(int(len(part) / step))]
    n = int((seconds if seconds is not None else end - start) * FPS)
    return [_letterbox(picked[i % len(picked)]) for i in range(n)]


def _sunk(frames, k):
    """The head drawn k pixels (of the 848-px-tall original) lower toward the shoulders."""
    out = []
    for f in frames:
        g = f.copy()
        # In the letterboxed frame the man's 848 px are 480 px: his chin-shoulder gap is at ~0.72.
        cut, kk = int(SIZE[1] * 0.72), int(k * SIZE[1] / 848)
        g[kk:cut] = f[0:cut - kk]
        g[:kk] = f[0]
        out.append(g)
    return out


@pytest.fixture(scope="module")
def scripted_clip(tmp_path_factory):
    man = "proctoringai__center_left_center.mp4"
    frames = (_segment(man, 0.0, 4.5) + _segment(man, 0.5, 5.5)
              + _segment("mediapipe__selfie_segmentation_web.mp4", 1.8, 3.1, seconds=5.0)
              + _segment(man, 6.0, 11.0)
              + _segment("video4j__pexels-kindel-media-8164110.mp4", 4.0, 10.0)
              + _segment(man, 0.0, 2.0) + _sunk(_segment(man, 0.0, 5.0), 160) + _segment(man, 0.0, 2.0)
              + _segment(man, 0.0, 2.0))
    path = tmp_path_factory.mktemp("scripted") / "self_check_script.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    for f in frames:
        writer.write(f)
    writer.release()
    return path, len(frames)


@pytest.fixture
def window(qtbot, poise_home, models, tmp_path, scripted_clip, no_modal_dialogs, no_dangling_threads):
    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore, data_dir

    store = SessionStore(data_dir())
    settings = Settings(QSettings(str(tmp_path / "poise.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, settings=settings, models=models, cameras=[], camera_file=str(scripted_clip[0]))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitUntil(lambda: w.live.session.button.isEnabled(), timeout=TIMEOUT_MS)
    yield w
    w.close()
    store.close()


def test_calibration_is_offered_before_the_first_session_and_sits_beside_the_mirror(qtbot, window):
    w = window
    banner = w.practice.banner
    qtbot.waitUntil(banner.isVisible, timeout=TIMEOUT_MS)    # before any session started
    assert not w.live.controller.is_running()
    assert "not calibrated" in banner.text.text() and "eye contact and posture" in banner.text.text()
    assert banner.button.text() == "Calibrate now (4 s)"
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)   # one click
    panel = w.practice.calibration_panel
    assert panel.isVisible() and panel.state == "countdown"
    assert "judged against you" in panel.what.text()
    # Beside the mirror, never over it: the whole mirror stays visible.
    video = w.live.video
    top_left = video.mapTo(w, video.rect().topLeft())
    panel_right = panel.mapTo(w, panel.rect().topRight()).x()
    assert panel_right < top_left.x() and video.width() > 300
    assert video.visibleRegion().boundingRect().size() == video.size()


def test_check_poise_on_me_in_the_real_window(qtbot, window, scripted_clip):
    from poise.vision.reports.export import render
    from poise.vision.practice.self_check import SELF_CHECK_KEY, STEPS, TOTAL_S

    w = window
    _, n_frames = scripted_clip
    panel = w.practice.open_calibration()
    key = w.practice.camera_key()
    started = []

    def on_update(update):
        # Start the capture as the clip loops back to its start, so its script lines up.
        if not started and update.frame is not None and update.frame.index % n_frames < 3:
            started.append(update.frame.index)
            panel.start(countdown=0)

    pipeline = w.live.pipeline()
    pipeline.update_ready.connect(on_update)
    panel.calibrated.connect(lambda *_: panel.start_check())
    qtbot.waitUntil(lambda: panel.state in ("checking", "error"), timeout=TIMEOUT_MS + n_frames * 1000 // FPS)
    assert panel.state == "checking", panel.status.text()
    assert panel.check_box.isVisible() and panel.big.text() == STEPS[0].instruction
    with qtbot.waitSignal(panel.checked, timeout=int(TOTAL_S * 1000) + TIMEOUT_MS) as done:
        pass
    pipeline.update_ready.disconnect(on_update)
    cal_id, data = done.args
    result = data[SELF_CHECK_KEY]
    seen = {k: v for k, v in result["steps"].items()}
    assert seen == {s.key: True for s in STEPS}, seen
    assert panel.big.text() == "5 of 5" and "Poise saw 5 of 5" in panel.status.text()
    for step in STEPS:
        assert panel.step_labels[step.key].text().endswith("✓ seen")
    # Kept with the calibration: the next session records it, and its report says so.
    assert w.store.latest_calibration(key) == (cal_id, data)
    w.session_action.trigger()
    sid = w.live.controller.session_id()
    qtbot.waitUntil(lambda: (w.live.controller.clock() or 0) >= 1.0, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(w.live.session_saved, timeout=TIMEOUT_MS):
        w.session_action.trigger()
    info = w.store.get_session(sid)
    assert info.calibration_id == cal_id and info.calibration[SELF_CHECK_KEY]["seen"] == 5
    assert "Calibrated and checked on this setup: 5 of 5." in render(w.store, sid, "html")
