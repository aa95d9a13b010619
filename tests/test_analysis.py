"""The one analysis function: callbacks, cancellation, one model load, live hand-over."""

import threading
import time

from conftest import clip
from vision.analysis import AnalysisSettings, analyze, open_video
from vision.landmarker import Landmarker
from vision.sources import LatestFrameSource, PacedFileSource
from vision.types import CancelToken


def test_callbacks_and_cancel(models):
    updates, progress = [], []
    token = CancelToken()

    def on_result(u):
        updates.append(u)
        if len(updates) == 20:
            token.cancel()

    with open_video(clip("proctoringai__center_left_center.mp4")) as src:
        r = analyze(src, models=models, on_result=on_result, on_progress=progress.append, cancel=token)
    assert r.cancelled and len(r.frames) == 20
    assert [u.scores for u in updates if u.frame is not None] == r.frames
    assert all(u.landmarks.face is not None for u in updates[:20])
    done = [p.frames_done for p in progress]
    assert done == sorted(done) and progress[-1].frames_total == 184


def test_a_landmarker_can_be_reused_across_analyses(models):
    with Landmarker(models) as lm:
        for name in ("pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg"):
            with open_video(clip(name)) as src:
                r = analyze(src, landmarker=lm)
            assert r.summary.mean_eye_contact > 0.7


def test_live_mode_paced_file_through_the_one_slot_queue(models):
    """A file played as a camera, captured on one thread, analysed on another; frames are
    dropped (and counted) rather than queued when inference falls behind."""
    camera = PacedFileSource(clip("pyfeat__single_face.mp4"))
    live = LatestFrameSource(camera.name, camera.fps)

    def capture():
        for frame in camera:
            live.offer(frame)
        live.close()

    latencies = []
    t = threading.Thread(target=capture)
    t.start()
    r = analyze(live, models=models, on_result=lambda u: latencies.append(time.monotonic() - u.landmarks.captured_at))
    t.join(5)
    assert not t.is_alive()
    assert live.offered == 72 and len(r.frames) + live.dropped >= live.offered - 1
    assert len(r.frames) >= 20
    assert sorted(latencies)[len(latencies) // 2] < 0.25
