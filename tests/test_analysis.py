"""The one analysis function: callbacks, cancellation, one model load, live hand-over."""

import dataclasses
import os
import sys
import threading
import time

import cv2
import numpy as np

from conftest import clip
from poise.vision.analysis import DECODE_NICENESS, AnalysisSettings, analyze, open_video
from poise.vision.landmarker import Landmarker
from poise.vision.sources import FrameListSource, LatestFrameSource, PacedFileSource, read_frames
from poise.vision.types import CancelToken, Frame


def test_callbacks_and_cancel(models):
    updates, progress = [], []
    token = CancelToken()

    def on_result(u):
        updates.append(u)
        if len(updates) == 20:
            token.cancel()

    with open_video(clip("proctoringai__center_left_center.mp4")) as src:
        r = analyze(src, models=models, on_result=on_result, on_progress=progress.append, cancel=token, keep_frames=True)
    assert r.cancelled and len(r.frames) == 20
    assert [u.scores for u in updates if u.frame is not None] == r.frames
    assert all(u.landmarks.face is not None for u in updates[:20])
    done = [p.frames_done for p in progress]
    assert done == sorted(done) and progress[-1].frames_total == 184


def test_a_landmarker_can_be_reused_across_analyses(models):
    # VIDEO mode tracks across frames and needs rising timestamps: a reused landmarker must
    # start afresh, so the same clip analysed again after another gives the same scores.
    with Landmarker(models) as lm:
        runs = []
        for name in ("grid_lipnet__lbax4n.mpg", "pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg"):
            with open_video(clip(name)) as src:
                runs.append(analyze(src, landmarker=lm, keep_frames=True))
    first, _, again = runs
    assert all(f.eye_contact is not None for f in first.frames) and len(first.frames) == len(again.frames)
    assert np.allclose([f.eye_contact for f in first.frames], [f.eye_contact for f in again.frames], atol=0.02)
    assert first.summary.mean_eye_contact > 0.7


# 72 frames offered at 30 fps; 18 were scored in a run under heavy load from other test runs,
# and about a fifth of that still shows the scoring kept going. Median latency: 0.12 s measured
# in a loaded run; the bound is 5x that.
MIN_LIVE_FRAMES = 4
LIVE_LATENCY_BOUND_S = 0.6


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
    r = analyze(live, models=models, keep_frames=True,
                on_result=lambda u: latencies.append(time.monotonic() - u.landmarks.captured_at))
    t.join(5)
    assert not t.is_alive()
    assert live.offered == 72 and len(r.frames) + live.dropped >= live.offered - 1
    # How many frames keep up is a speed figure (scripts/bench_live.py); here only that scoring
    # went on while frames were dropped, and that a frame is not held back.
    assert len(r.frames) >= MIN_LIVE_FRAMES
    assert sorted(latencies)[len(latencies) // 2] < LIVE_LATENCY_BOUND_S


class _AsCamera:
    """A file source presented as live, so analyze() detects frame by frame (no look-ahead)."""

    is_live = True

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.fps, self.frame_count, self.stride = inner.name, inner.fps, inner.frame_count, inner.stride

    def __iter__(self):
        return iter(self.inner)


def test_one_frame_ahead_gives_the_scores_of_frame_by_frame_detection(models):
    """Files are detected one frame ahead (Landmarker.detect_stream); the scores must be
    exactly those of detecting each frame and waiting, as live mode does."""
    name = "proctoringai__center_left_center.mp4"
    with open_video(clip(name), AnalysisSettings(analysis_fps=8)) as src:
        ahead = analyze(src, models=models, keep_frames=True)
    with open_video(clip(name), AnalysisSettings(analysis_fps=8)) as src:
        one_by_one = analyze(_AsCamera(src), models=models, keep_frames=True)
    assert len(ahead.frames) == len(one_by_one.frames) > 40
    # A camera has no file to read the sound from: only `speaking` may differ.
    assert {f.speaking for f in one_by_one.frames} == {None} and {f.speaking for f in ahead.frames} != {None}
    assert [dataclasses.replace(f, speaking=None) for f in ahead.frames] == one_by_one.frames
    assert ahead.events == one_by_one.events


def test_detect_stream_submits_the_next_frame_before_returning_this_one(models):
    frames = list(FrameListSource(read_frames(clip("pyfeat__single_face.mp4"), limit=6)[0], 30.0))
    log = []
    with Landmarker(models) as lm:
        submit = lm._submit
        lm._submit = lambda frame: (log.append(("submitted", frame.index)), submit(frame))[1]
        for frame, landmarks in lm.detect_stream(frames):
            assert landmarks.index == frame.index and landmarks.face is not None
            log.append(("returned", frame.index))
    # Frame 0 warms the models up on its own; from then on frame n+1 is on the models
    # while the caller has frame n.
    assert log[:3] == [("submitted", 0), ("returned", 0), ("submitted", 1)]
    for n in range(1, 5):
        assert log.index(("submitted", n + 1)) < log.index(("returned", n))
    assert log[-1] == ("returned", 5)


def test_a_caller_that_stops_early_leaves_nothing_on_the_models(models):
    frames = list(FrameListSource(read_frames(clip("pyfeat__single_face.mp4"), limit=5)[0], 30.0))
    with Landmarker(models) as lm:
        stream = lm.detect_stream(frames)
        next(stream), next(stream)
        stream.close()  # frame 2 was on the models
        # The landmarker is still usable, with timestamps after the abandoned frame.
        assert lm.detect(Frame(10, 1000, frames[0].image)).face is not None


class _NicenessProbe:
    """A file-like source that records the niceness of the thread iterating it."""

    is_live = False
    stride = 1

    def __init__(self, inner) -> None:
        self.inner, self.name, self.fps, self.frame_count = inner, inner.name, inner.fps, inner.frame_count
        self.seen: set[int] = set()

    def __iter__(self):
        for frame in self.inner:
            self.seen.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            yield frame


def test_files_are_decoded_on_a_nicer_thread_on_linux(models):
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    images, fps = read_frames(clip("pyfeat__single_face.mp4"), limit=4)
    probe = _NicenessProbe(FrameListSource(images, fps))
    analyze(probe, models=models)
    expected = min(19, base + DECODE_NICENESS) if sys.platform.startswith("linux") else base
    assert probe.seen == {expected}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base  # the caller is untouched


def test_files_up_to_1080p_decode_on_one_ffmpeg_thread_larger_ones_on_ffmpegs_default(tmp_path):
    with open_video(clip("video4j__pexels-kindel-media-8164110.mp4")) as src:  # 1920x1080
        assert src._cap.getBackendName() == "FFMPEG"
        assert src._cap.get(cv2.CAP_PROP_N_THREADS) == 1
    images, fps = read_frames(clip("pyfeat__single_face.mp4"), limit=3)
    path = tmp_path / "4k.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (2560, 1440))
    for image in images:
        writer.write(cv2.resize(image, (2560, 1440)))
    writer.release()
    opencv_default = cv2.VideoCapture(str(path))
    with open_video(path) as src:
        assert (src.width, src.height) == (2560, 1440)
        assert src._cap.get(cv2.CAP_PROP_N_THREADS) == opencv_default.get(cv2.CAP_PROP_N_THREADS)
    opencv_default.release()
