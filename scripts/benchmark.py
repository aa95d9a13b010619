"""Benchmark the analysis pipeline on the shared clips: cost over bare MediaPipe, speed, memory.

Run from the project root (~13 minutes on 2 cores; ``--quick --repeat 1`` ~2.5 minutes, a smoke test):

    POISE_MODEL_DIR=/work/shared/models .venv/bin/python scripts/benchmark.py [--quick] [--json PATH]

Everything is measured in one run because this machine is shared and noisy: compare ratios
within a run, not absolute figures across runs. Every timed measurement is repeated
(``--repeat``, default 2, in alternating order) and the fastest repetition kept, which is
the usual estimate of the cost without outside load. Stages (docs/benchmark.md has more):

  1 memory   10 minutes of source (a clip looped) analysed at the default 15 Hz through the
             ingest service into a temporary store, RSS sampled from a thread. Runs first, so
             the process peak (VmHWM) is its own.
  2 bare     FaceLandmarker + PoseLandmarker + HandLandmarker called directly (VIDEO mode;
             face and hand in worker threads, pose in the caller) on pre-decoded frames,
             already at the working size and in RGB. The hand model runs on the frames the
             pipeline runs it on (vision.landmarker.HAND_SEARCH_EVERY; every frame while it
             finds hands), so both sides do the same model work.
    full     analyze(open_video(path, AnalysisSettings(analysis_fps=0))): every frame
             decoded from the file, resized, detected, scored, events.
  3 default  analyze(open_video(path)) at the default settings, as a multiple of real time, and
             against bare MediaPipe on the frames those settings analyse.
  4 size     the 1920x1080 clip at working long side 640, 960 and full size: speed, and how
             much the scores move against full size.
  5 profile  wall and CPU time per stage and thread of the full pipeline, and what each speed
             choice is worth: the pipeline with the look-ahead, or the single niced decode
             thread, undone through the pipeline's public options (Landmarker(lookahead=,
             stage_clock=), open_video(decode_threads=), analyze(stage_clock=,
             decode_niceness=)); nothing is patched. ``--decode-ab N`` runs only the decode
             comparison, N alternating repetitions, medians.

``--memory-minutes M`` and ``--live-memory-minutes M`` run only the memory measurements, over M
minutes of video through the ingest service and over an M-minute live session in the window
(a clip as the camera); issue 9 asks for 60 of each (docs/benchmark.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
# Like the tests, read the official models from ../shared/models unless told otherwise.
os.environ.setdefault("POISE_MODEL_DIR", str(SHARED / "models"))

import cv2  # noqa: E402
import mediapipe as mp  # noqa: E402
import numpy as np  # noqa: E402

from poise.vision.analysis import (DECODE_NICENESS, STAGE_EVENTS, STAGE_SCORE, STAGE_WAIT_FRAME,  # noqa: E402
                                  AnalysisSettings, analyze, open_video)
from poise.vision.landmarker import (HAND_SEARCH_EVERY, LOOKAHEAD, MAX_FACES, MAX_HANDS, STAGE_COLLECT,  # noqa: E402
                                    STAGE_FACE, STAGE_HAND, STAGE_POSE, STAGE_PREPARE, STAGE_TO_LANDMARKS,
                                    WORKING_LONG_SIDE, Landmarker, working_rgb)
from poise.vision.models import ModelError, resolve_models  # noqa: E402
from poise.vision.tasks import native_stderr_silenced, video_models  # noqa: E402
from poise.vision.sessions.ingest import ingest  # noqa: E402
from poise.vision.sessions.store import SessionStore  # noqa: E402
from poise.vision.types import Frame  # noqa: E402

# The shared clips live beside the project (same rule as tests/conftest.py).
CLIPS_DIR = SHARED / "clips"
VIDEO_SUFFIXES = {".mp4", ".mov", ".mpg", ".avi", ".mkv"}
# The only 1920x1080 shared clip: the working-size question only arises for large frames.
LARGE_CLIP = "video4j__pexels-kindel-media-8164110.mp4"
# Looped for the memory run: a 1080x720, 30 fps webcam-like clip with a face in every frame.
MEMORY_CLIP = "tfjsmodels__facemesh_demo_input.mp4"
# Profiled: the two HD clips (resized 2x and 0.89x, the hardest for full/bare) and one that is not resized (640x360).
PROFILE_CLIPS = (LARGE_CLIP, MEMORY_CLIP, "mediapipe__selfie_segmentation_web.mp4")
# Targets from issue 2 ("Speed").
TARGET_RATIO = 0.9
TARGET_REALTIME = 2.0
TARGET_GROWTH_MB = 50.0
# Memory run: 10 minutes of source; the RSS baseline is taken once 30 s of source are
# analysed (models loaded, MediaPipe's buffers and the worker threads at their steady size).
MEMORY_SOURCE_S = 600.0
MEMORY_WARMUP_S = 30.0
# Live memory run: the baseline is taken once the session has run this long (the window's
# rolling views, the score history and the writer's buffers at their steady size).
LIVE_MEMORY_WARMUP_S = 60.0
# Issue 9: memory stays flat however long the session; growth after warm-up over a
# 60-minute file and a 60-minute live session (--memory-minutes / --live-memory-minutes).
TARGET_LONG_GROWTH_MB = 20.0
RSS_SAMPLE_S = 1.0
RSS_LOG_EVERY = 60  # samples between progress lines on stderr
WORKING_SIZES = (640, 960, None)  # None = full size, no resize
FULL_SIZE = 100_000               # a working long side no frame reaches
# --quick: a smoke test of every stage, not figures to report.
QUICK_CLIPS = ("pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg")
QUICK_MEMORY_SOURCE_S = 60.0
QUICK_FRAMES = 60


# -- measuring --------------------------------------------------------------------------
@dataclass
class Timing:
    frames: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0  # process CPU time, all threads: the work done, less sensitive to load

    def add(self, other: "Timing") -> None:
        self.frames += other.frames
        self.wall_s += other.wall_s
        self.cpu_s += other.cpu_s

    @property
    def fps(self) -> float:
        return self.frames / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000.0 * self.cpu_s / self.frames if self.frames else 0.0


class Stopwatch:
    """Wall and process-CPU time of a block."""

    def __enter__(self) -> "Stopwatch":
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_s = time.perf_counter() - self.wall0
        self.cpu_s = time.process_time() - self.cpu0

    @property
    def timing(self) -> Timing:
        return Timing(0, self.wall_s, self.cpu_s)


def fastest(runs: list) -> tuple:
    """The repetition with the least wall time (runs are tuples starting with a Timing),
    and the spread between the slowest and the fastest (how noisy the machine was)."""
    best = min(runs, key=lambda r: r[0].wall_s)
    spread = max(r[0].wall_s for r in runs) / best[0].wall_s - 1.0 if len(runs) > 1 else None
    return best, spread


def machine_load() -> str:
    """Load average and CPU pressure (share of time some task waited for a CPU, last 60 s)."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        with open("/proc/pressure/cpu") as fh:
            some = fh.readline().split()
        return f"load {load}, CPU pressure {float(some[2].split('=')[1]):.0f}%"
    except (OSError, IndexError, ValueError):
        return f"load {load}"


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc/self/status."""
    values = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, kb = line.split()[:2]
                values[key] = int(kb) / 1024.0
    if not values:  # not Linux: only the peak is available
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        return peak, peak
    return values["VmRSS:"], values["VmHWM:"]


# -- frames -----------------------------------------------------------------------------
def to_mp_image(rgb: np.ndarray) -> mp.Image:
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)


@dataclass
class Decoded:
    frames: list[np.ndarray]  # RGB at the working size
    fps: float
    resized: bool
    decode_cpu_ms: float      # process CPU per frame of cap.read() alone (FFmpeg uses threads)


def decode_working(path: Path, long_side: int, limit: int | None = None, stride: int = 1) -> Decoded:
    """Every ``stride``-th frame of a clip, as Landmarker.prepare hands it to the models."""
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    fps = float(fps) if 1.0 <= fps <= 240.0 else 30.0  # same fallback as VideoFileSource
    frames, resized, decode_cpu, index = [], False, 0.0, 0
    while limit is None or len(frames) < limit:
        cpu0 = time.process_time()
        ok, image = cap.read()
        decode_cpu += time.process_time() - cpu0
        if not ok:
            break
        index += 1
        if (index - 1) % stride:
            continue
        frames.append(working_rgb(image, long_side))
        resized = frames[-1].shape != image.shape
    cap.release()
    return Decoded(frames, fps / stride, resized, 1000.0 * decode_cpu / max(1, len(frames)))


class ProxySource:
    """A file source seen through a lens: only the first ``limit`` frames (--quick), each
    frame passed through ``transform``, reads timed into ``clock``. All of it runs where the
    source is iterated, i.e. in analyze()'s decode thread."""

    def __init__(self, inner, limit: int | None = None) -> None:
        self.inner, self.limit = inner, limit
        self.transform = None
        self.clock: StageClock | None = None
        self.name, self.fps, self.stride, self.is_live = inner.name, inner.fps, inner.stride, False
        count = inner.frame_count
        self.frame_count = count if limit is None or count is None else min(count, limit * inner.stride)
        self.warnings: list[str] = []

    def __iter__(self):
        frames = iter(self.inner) if self.clock is None else self.clock.timed_iter(DECODE_READ, self.inner)
        for n, frame in enumerate(frames):
            if self.limit is not None and n >= self.limit:
                return
            yield frame if self.transform is None else self.transform(frame)

    def close(self) -> None:
        self.inner.close()


# -- bare MediaPipe and the full pipeline -----------------------------------------------
def create_landmarkers(models):
    """The three MediaPipe tasks with the options vision.landmarker.Landmarker uses (the same factory)."""
    with native_stderr_silenced():
        return video_models(models, MAX_FACES, MAX_HANDS)


class _HandFutures:
    """The hand model's schedule, as Landmarker._hand_due: every HAND_SEARCH_EVERY-th frame,
    and every frame while the last known run (two frames back) found hands."""

    def __init__(self, pool: ThreadPoolExecutor, hand) -> None:
        self.pool, self.hand, self.runs = pool, hand, deque(maxlen=8)

    def submit(self, n: int, image, ts: int):
        known = [found for m, found in self.runs if m <= n - 2]
        if n % HAND_SEARCH_EVERY == 0 or (known and known[-1]):
            return n, self.pool.submit(self.hand.detect_for_video, image, ts)
        return n, None

    def result(self, job) -> None:
        n, future = job
        if future is not None:
            self.runs.append((n, bool(future.result().hand_landmarks)))


def bare_run(models, rgb_frames: list[np.ndarray], fps: float, ahead: int = 0) -> tuple[Timing]:
    """Face + pose + hand on pre-decoded RGB frames; model loading excluded. ``ahead=0``: face
    and hand in workers, pose in the caller, one frame at a time. ``ahead=1``: arranged like
    Landmarker.detect_stream (all in workers, frame n+1 submitted before frame n is
    collected), to check that the plain arrangement is not a handicap."""
    face, pose, hand = create_landmarkers(models)
    face_pool, pose_pool = ThreadPoolExecutor(max_workers=1), ThreadPoolExecutor(max_workers=1)
    hands = _HandFutures(ThreadPoolExecutor(max_workers=1), hand)
    try:
        with native_stderr_silenced():  # the first inference logs native notes, as in Landmarker
            with Stopwatch() as sw:
                in_flight: deque = deque()
                for i, rgb in enumerate(rgb_frames):
                    image = to_mp_image(rgb)
                    ts = int(round(i * 1000.0 / fps))
                    face_future = face_pool.submit(face.detect_for_video, image, ts)
                    hand_job = hands.submit(i, image, ts)
                    if not ahead:
                        pose.detect_for_video(image, ts)
                        face_future.result()
                        hands.result(hand_job)
                        continue
                    in_flight.append((face_future, pose_pool.submit(pose.detect_for_video, image, ts), hand_job))
                    if len(in_flight) > ahead:
                        f, p, h = in_flight.popleft()
                        f.result(), p.result(), hands.result(h)
                for f, p, h in in_flight:
                    f.result(), p.result(), hands.result(h)
    finally:
        face_pool.shutdown()
        pose_pool.shutdown()
        hands.pool.shutdown()
        with native_stderr_silenced():
            face.close()
            pose.close()
            hand.close()
    return (Timing(len(rgb_frames), sw.wall_s, sw.cpu_s),)


@dataclass(frozen=True)
class Variant:
    """The pipeline as shipped, or with one speed choice undone, through its public options."""

    lookahead: int = LOOKAHEAD                 # Landmarker(lookahead=): 0 = detect, wait, score
    decode_threads: int | None = None          # open_video(decode_threads=): 0 = FFmpeg's own threads
    decode_niceness: int = DECODE_NICENESS     # analyze(decode_niceness=): 0 = not niced


AS_SHIPPED = Variant()


def full_run(models, path: Path, settings: AnalysisSettings, limit: int | None = None,
             variant: Variant = AS_SHIPPED, clock: "StageClock | None" = None):
    """analyze() on a file: (timing without model load, model load s, result, source).
    ``clock`` times every stage of the run (profile)."""
    with Stopwatch() as load:
        lm = Landmarker(models, working_long_side=settings.working_long_side, lookahead=variant.lookahead,
                        stage_clock=clock)
    try:
        src = ProxySource(open_video(path, settings, decode_threads=variant.decode_threads), limit)
        src.clock = clock
        with Stopwatch() as sw:
            result = analyze(src, settings=settings, landmarker=lm, keep_frames=True, stage_clock=clock,
                             decode_niceness=variant.decode_niceness)
        src.close()
    finally:
        lm.close()
    return Timing(result.frames_analysed, sw.wall_s, sw.cpu_s), load.wall_s, result, src


# -- 1. memory --------------------------------------------------------------------------
class LoopingClipSource:
    """A clip played again and again up to ``duration_s`` of source time, every stride-th
    frame (the default 15 Hz), with timestamps that keep increasing across the loops."""

    is_live = False

    def __init__(self, path: Path, duration_s: float, settings: AnalysisSettings) -> None:
        cap = cv2.VideoCapture(str(path))
        fps = cap.get(cv2.CAP_PROP_FPS)
        cap.release()
        self.path = path
        self.fps = float(fps) if 1.0 <= fps <= 240.0 else 30.0
        self.stride = settings.stride_for(self.fps)
        self.frame_count = int(duration_s * self.fps)
        self.name = f"loop:{path.name}"
        self.warnings: list[str] = []
        self.loops = 0

    def __iter__(self):
        index = 0
        while index < self.frame_count:
            cap = cv2.VideoCapture(str(self.path))
            self.loops += 1
            try:
                while index < self.frame_count:
                    if index % self.stride == 0:
                        ok, image = cap.read()
                        if not ok:
                            break
                        yield Frame(index, int(round(index * 1000.0 / self.fps)), image)
                    elif not cap.grab():  # grab() skips a frame without converting it
                        break
                    index += 1
            finally:
                cap.release()

    def close(self) -> None:
        pass


class RssSampler:
    """RSS of this process every RSS_SAMPLE_S from a thread, with a caller-defined progress
    figure (source seconds for a file, session seconds live) so warm-up can be cut off."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float, float]] = []  # (wall s, progress s, RSS MB)
        self.progress = 0.0
        self._stop = threading.Event()
        self._t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        self.samples.append((time.perf_counter() - self._t0, self.progress, rss_mb()[0]))

    def _run(self) -> None:
        n = 0
        while True:
            self.sample()
            n += 1
            if n % RSS_LOG_EVERY == 0:  # a long run shows where it is (and what it found so far)
                wall, progress, rss = self.samples[-1]
                print(f"  {wall / 60:.1f} min: progress {progress:.0f} s, RSS {rss:.1f} MB", file=sys.stderr, flush=True)
            if self._stop.wait(RSS_SAMPLE_S):
                return

    def growth(self, warmup_s: float) -> dict:
        """Growth after warm-up (progress >= warmup_s): max and at the end, and the trend."""
        samples = self.samples
        warm = [s for s in samples if s[1] >= warmup_s] or samples[-1:]
        baseline = warm[0][2]
        # Slope of RSS over progress after warm-up: a leak shows as a steady climb.
        t, r = np.array([s[1] for s in warm]), np.array([s[2] for s in warm])
        slope = float(np.polyfit(t, r, 1)[0]) * 60.0 if len(warm) > 2 and np.ptp(t) > 0 else 0.0
        return {"rss_after_warmup_mb": baseline, "max_growth_mb": max(s[2] for s in warm) - baseline,
                "end_growth_mb": samples[-1][2] - baseline, "trend_mb_per_min": slope, "peak_rss_mb": rss_mb()[1],
                "samples_wall_progress_rss": [(round(w, 1), round(t, 1), round(r, 1)) for w, t, r in samples]}


def stage_memory(models, duration_s: float) -> dict:
    """A long file through the ingest service, as `poise analyze` runs it: every frame saved
    to a session in a temporary store."""
    settings = AnalysisSettings()
    path = CLIPS_DIR / MEMORY_CLIP
    rss_start, _ = rss_mb()
    source = LoopingClipSource(path, duration_s, settings)
    sampler = RssSampler()

    def on_progress(p) -> None:
        sampler.progress = p.t

    # Our own landmarker, so the last sample is taken before the models are unloaded.
    lm = Landmarker(models, working_long_side=settings.working_long_side)
    with tempfile.TemporaryDirectory(prefix="poise-bench-memory-") as home:
        store = SessionStore(home)
        try:
            with sampler, Stopwatch() as sw:
                outcome = ingest(source, store, kind="file", settings=settings, on_progress=on_progress,
                                 landmarker=lm)
            stored = store.frame_count(outcome.session_id)
        finally:
            store.close()
            lm.close()
    frames = outcome.result.frames_analysed
    return {"clip": path.name, "source_s": frames * source.stride / source.fps,
            "analysed_hz": outcome.result.analysed_fps, "frames": frames, "frames_stored": stored,
            "status": outcome.status, "loops": source.loops, "wall_s": sw.wall_s,
            "scores_per_s": frames / sw.wall_s, "rss_start_mb": rss_start, "warmup_s": MEMORY_WARMUP_S,
            **sampler.growth(MEMORY_WARMUP_S)}


def stage_live_memory(duration_s: float) -> dict:
    """A live practice session in the real window (offscreen), a clip looped as the camera,
    saved to a temporary store as the window saves it; RSS over the session's wall time."""
    # Qt only for this stage: the other stages run without a display or a QApplication.
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.app.theme import apply_theme

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    tmp = tempfile.TemporaryDirectory(prefix="poise-bench-live-memory-")
    store = SessionStore(tmp.name)
    settings = Settings(QSettings(os.path.join(tmp.name, "poise.ini"), QSettings.Format.IniFormat))
    settings.record_video = False
    w = MainWindow(store, settings=settings, cameras=[])
    w.resize(1360, 860)
    w.show()
    rss_start, _ = rss_mb()
    w.live.open_video_as_camera(CLIPS_DIR / MEMORY_CLIP)
    p = w.live.pipeline()
    sampler = RssSampler()
    state: dict = {"scores": 0}

    def on_update(_update) -> None:
        state["scores"] += 1

    def begin() -> None:
        state["session"] = w.live.start_session()
        state["t0"] = time.monotonic()
        state["drops0"] = p.drop_counts()
        state["load0"] = machine_load()
        sampler.__enter__()
        tick.start(int(RSS_SAMPLE_S * 1000))
        QTimer.singleShot(int(duration_s * 1000), end)

    def progress() -> None:
        sampler.progress = time.monotonic() - state["t0"]

    def end() -> None:
        tick.stop()
        progress()
        sampler.__exit__(None, None, None)
        state["t1"] = time.monotonic()
        state["drops1"] = p.drop_counts()
        state["scores_in_session"] = state["scores"]
        state["load1"] = machine_load()
        w.live.stop_session()

    def saved(sid: int) -> None:
        state["saved"] = sid
        QTimer.singleShot(300, w.close)
        QTimer.singleShot(800, app.quit)

    tick = QTimer()
    tick.timeout.connect(progress)
    p.update_ready.connect(on_update)
    p.models_loaded.connect(begin)
    w.live.session_saved.connect(saved)
    app.exec()
    sid = state.get("saved")
    info = store.get_session(sid) if sid is not None else None
    stored = store.frame_count(sid) if sid is not None else 0
    store.close()
    tmp.cleanup()
    span = state["t1"] - state["t0"]
    offered = state["drops1"][0] - state["drops0"][0]
    dropped = state["drops1"][1] - state["drops0"][1]
    return {"clip": MEMORY_CLIP, "session_s": span, "scores_per_s": state["scores_in_session"] / span,
            "dropped_share": dropped / offered if offered else 0.0, "offered": offered, "dropped": dropped,
            "frames_stored": stored, "status": None if info is None else info.status,
            "rss_start_mb": rss_start, "warmup_s": LIVE_MEMORY_WARMUP_S, "load_start": state["load0"],
            "load_end": state["load1"], **sampler.growth(LIVE_MEMORY_WARMUP_S)}


# -- 2. bare vs full --------------------------------------------------------------------
def clip_paths(quick: bool) -> list[Path]:
    paths = sorted(p for p in CLIPS_DIR.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    return [p for p in paths if p.name in QUICK_CLIPS] if quick else paths


def stage_bare_full(models, clips: list[Path], repeat: int) -> dict:
    rows, bare_all, full_all = [], Timing(), Timing()
    settings = AnalysisSettings(analysis_fps=0)
    for n, path in enumerate(clips):
        decoded = decode_working(path, WORKING_LONG_SIDE)
        bares, fulls = [], []
        for rep in range(repeat):
            # Alternate the order (ABBA...) so outside load does not always hit the same side.
            if (n + rep) % 2 == 0:
                bares.append(bare_run(models, decoded.frames, decoded.fps))
                fulls.append(full_run(models, path, settings))
            else:
                fulls.append(full_run(models, path, settings))
                bares.append(bare_run(models, decoded.frames, decoded.fps))
        decode_cpu_ms = decoded.decode_cpu_ms
        del decoded
        (bare,), bare_spread = fastest(bares)
        (full, _, _, src), full_spread = fastest(fulls)
        bare_all.add(bare)
        full_all.add(full)
        rows.append({"clip": path.name, "size": f"{src.inner.width}x{src.inner.height}", "frames": full.frames,
                     "bare_fps": bare.fps, "full_fps": full.fps, "ratio": full.fps / bare.fps,
                     "bare_cpu_ms": bare.cpu_ms, "full_cpu_ms": full.cpu_ms, "cpu_ratio": full.cpu_ms / bare.cpu_ms,
                     "decode_cpu_ms": decode_cpu_ms,
                     "spread": None if bare_spread is None else max(bare_spread, full_spread)})
        print(f"  {path.name}: bare {bare.fps:.1f} f/s, full {full.fps:.1f} f/s", file=sys.stderr)
    return {"clips": rows, "all": {
        "frames": full_all.frames, "bare_fps": bare_all.fps, "full_fps": full_all.fps,
        "ratio": full_all.fps / bare_all.fps, "bare_cpu_ms": bare_all.cpu_ms,
        "full_cpu_ms": full_all.cpu_ms, "cpu_ratio": full_all.cpu_ms / bare_all.cpu_ms,
        "decode_cpu_ms": sum(r["decode_cpu_ms"] * r["frames"] for r in rows) / full_all.frames,
        "spread": None if rows[0]["spread"] is None else max(r["spread"] for r in rows)}}


# -- 3. default settings ----------------------------------------------------------------
def stage_default(models, clips: list[Path], repeat: int) -> dict:
    rows = []
    settings = AnalysisSettings()
    for path in clips:
        # Bare MediaPipe on the frames the default settings analyse, for the ratio at this rate:
        # the full pipeline also decodes the frames it skips.
        with open_video(path, settings) as probe:
            stride = probe.stride
        decoded = decode_working(path, WORKING_LONG_SIDE, stride=stride)
        runs, bares = [], []
        for rep in range(repeat):
            # Model loading is part of what a user waits for, so it counts in "x real".
            runs.append(full_run(models, path, settings))
            bares.append(bare_run(models, decoded.frames, decoded.fps))
        del decoded
        with_load = [(Timing(r[0].frames, r[0].wall_s + r[1]), r) for r in runs]
        (_, (timing, load_s, result, src)), spread = fastest(with_load)
        (bare,), _ = fastest(bares)
        duration = src.inner.frames_decoded / src.fps
        rows.append({"clip": path.name, "fps": src.fps, "analysed_hz": result.analysed_fps,
                     "duration_s": duration, "frames": timing.frames, "load_s": load_s, "wall_s": timing.wall_s,
                     "x_realtime": duration / (timing.wall_s + load_s), "x_realtime_no_load": duration / timing.wall_s,
                     "bare_wall_s": bare.wall_s, "ratio_to_bare": bare.wall_s / timing.wall_s, "spread": spread})
        print(f"  {path.name}: {duration / (timing.wall_s + load_s):.2f}x real time", file=sys.stderr)

    def total(sel: list[dict]) -> dict | None:
        if not sel:
            return None
        dur = sum(r["duration_s"] for r in sel)
        return {"duration_s": dur, "x_realtime": dur / sum(r["wall_s"] + r["load_s"] for r in sel),
                "x_realtime_no_load": dur / sum(r["wall_s"] for r in sel),
                "ratio_to_bare": sum(r["bare_wall_s"] for r in sel) / sum(r["wall_s"] for r in sel)}

    return {"clips": rows, "30fps": total([r for r in rows if abs(r["fps"] - 30.0) < 0.5]), "all": total(rows)}


# -- 4. working size --------------------------------------------------------------------
def score_difference(ref, other) -> dict:
    """How far the scores of ``other`` are from the reference run, frame by frame."""
    pairs = list(zip(ref.frames, other.frames))
    out: dict = {}
    for key in ("eye_contact", "posture", "fidgeting"):
        values = [(getattr(a, key), getattr(b, key)) for a, b in pairs]
        both = [abs(a - b) for a, b in values if a is not None and b is not None]
        out[key] = {"mean_abs_diff": float(np.mean(both)) if both else None,
                    "p95_abs_diff": float(np.percentile(both, 95)) if both else None,
                    "measurable_differs": sum((a is None) != (b is None) for a, b in values)}
    # "Materially": a frame landing on the other side of the 0.5 eye-contact line.
    eye = [(a.eye_contact, b.eye_contact) for a, b in pairs if a.eye_contact is not None and b.eye_contact is not None]
    out["eye_contact"]["flips_at_0.5"] = sum((a >= 0.5) != (b >= 0.5) for a, b in eye)
    out["eye_contact"]["compared"] = len(eye)
    gaze = [abs(a.components.gaze_offset - b.components.gaze_offset) for a, b in pairs
            if a.components.gaze_offset is not None and b.components.gaze_offset is not None]
    out["gaze_offset_deg_mean_abs_diff"] = float(np.mean(gaze)) if gaze else None
    return out


def stage_size(models, quick: bool, repeat: int) -> dict:
    path = CLIPS_DIR / LARGE_CLIP
    limit = QUICK_FRAMES if quick else None
    runs: dict = {side: [] for side in WORKING_SIZES}
    for rep in range(repeat):
        for side in WORKING_SIZES if rep % 2 == 0 else WORKING_SIZES[::-1]:
            settings = AnalysisSettings(analysis_fps=0, working_long_side=side or FULL_SIZE)
            runs[side].append(full_run(models, path, settings, limit))
    rows = []
    ref = runs[None][0][2]
    for side in WORKING_SIZES:
        (timing, _, result, _), spread = fastest(runs[side])
        rows.append({"long_side": side or "full", "frames": timing.frames, "fps": timing.fps, "cpu_ms": timing.cpu_ms,
                     "spread": spread, "vs_full": None if side is None else score_difference(ref, result)})
        print(f"  working long side {side or 'full'}: {timing.fps:.1f} f/s", file=sys.stderr)
    # MediaPipe is deterministic for the same input, so repeating a size must give the same
    # scores; this checks it (the size differences above are then real, not noise).
    repeat_diff = score_difference(runs[None][0][2], runs[None][-1][2]) if repeat > 1 else None
    return {"clip": LARGE_CLIP, "sizes": rows, "full_repeat_vs_full": repeat_diff}


# -- 5. where the time goes, and what would help ----------------------------------------
DECODE_READ = "decode thread: read (+ grab)"
FACE = STAGE_FACE
POSE = STAGE_POSE
HAND = STAGE_HAND
WAIT_FRAME = STAGE_WAIT_FRAME
PREPARE = STAGE_PREPARE
COLLECT = STAGE_COLLECT
WAIT_MODELS = "main: wait for the models"
TO_LANDMARKS = STAGE_TO_LANDMARKS
SCORE = STAGE_SCORE
EVENTS = STAGE_EVENTS
REST = "main: rest of the loop"
TOTAL = "main: total"
PROFILE_ROWS = (WAIT_FRAME, PREPARE, WAIT_MODELS, TO_LANDMARKS, SCORE, EVENTS, REST, TOTAL, POSE, FACE, HAND, DECODE_READ)


class StageClock:
    """Wall and thread-CPU time per named stage, summed over frames; each stage runs in one
    thread. MediaPipe computes in its own threads while the caller waits, so for the two
    detect calls only the wall time means anything."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def add(self, name: str, wall0: float, cpu0: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall0
        self.cpu[name] = self.cpu.get(name, 0.0) + time.thread_time() - cpu0

    def timed(self, name: str, fn):
        def timed_call(*args, **kwargs):
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, wall0, cpu0)
        return timed_call

    def timed_iter(self, name: str, iterable):
        it = iter(iterable)
        while True:
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                self.add(name, wall0, cpu0)
            yield item


def profile_run(models, path: Path, limit: int | None) -> dict:
    """The full pipeline, every frame, with a timer around each stage (the stage_clock hooks
    of vision.landmarker.Landmarker and vision.analysis.analyze; nothing is patched)."""
    clock = StageClock()
    timing, _, _, _ = full_run(models, path, AnalysisSettings(analysis_fps=0), limit, clock=clock)
    wall, cpu = clock.wall, clock.cpu
    for d, total in ((wall, timing.wall_s), (cpu, None)):
        d[WAIT_MODELS] = d.pop(COLLECT) - d[TO_LANDMARKS]
        if total is not None:
            d[TOTAL] = total
            d[REST] = total - sum(d[k] for k in (WAIT_FRAME, PREPARE, WAIT_MODELS, TO_LANDMARKS, SCORE, EVENTS))
    n = timing.frames
    return {"clip": path.name, "frames": n, "fps": timing.fps, "process_cpu_ms": timing.cpu_ms,
            "wall_ms": {k: 1000.0 * wall[k] / n for k in PROFILE_ROWS},
            "cpu_ms": {k: 1000.0 * cpu[k] / n for k in PROFILE_ROWS if k in cpu}}


# name: the pipeline with one choice undone
WHAT_IFS = {
    "as shipped": AS_SHIPPED,
    "no look-ahead (detect, wait, score)": Variant(lookahead=0),
    "decode: FFmpeg's threads, not niced": Variant(decode_threads=0, decode_niceness=0),
    "decode: one thread, not niced": Variant(decode_niceness=0),
    "decode: FFmpeg's threads, niced": Variant(decode_threads=0),
}
DECODE_AB = ("as shipped", "decode: FFmpeg's threads, not niced", "decode: one thread, not niced",
             "decode: FFmpeg's threads, niced")


def what_if_run(models, path: Path, settings: AnalysisSettings, limit: int | None, name: str):
    return full_run(models, path, settings, limit, WHAT_IFS[name])


def decode_ab(models, repeats: int) -> None:
    """--decode-ab N: the decode choices against each other on the HD clips, N alternating
    repetitions each, every frame and at default settings; medians (this is noisier than
    the models, so more repetitions and the median, not the fastest)."""
    print(f"Decode A/B: {repeats} alternating repetitions, median f/s, ratio to median bare  [{machine_load()}]")
    for name in (LARGE_CLIP, MEMORY_CLIP):
        path = CLIPS_DIR / name
        for settings in (AnalysisSettings(analysis_fps=0), AnalysisSettings()):
            with open_video(path, settings) as probe:
                stride = probe.stride
            decoded = decode_working(path, WORKING_LONG_SIDE, stride=stride)
            runs: dict = {k: [] for k in ("bare", *DECODE_AB)}
            for rep in range(repeats):
                for variant in runs if rep % 2 == 0 else list(runs)[::-1]:
                    if variant == "bare":
                        runs[variant].append(bare_run(models, decoded.frames, decoded.fps)[0].fps)
                    else:
                        runs[variant].append(what_if_run(models, path, settings, None, variant)[0].fps)
            del decoded
            bare = statistics.median(runs.pop("bare"))
            rate = "every frame" if settings.analysis_fps == 0 else f"{settings.analysis_fps:g} Hz"
            print(f"{name} ({rate}): bare {bare:.1f} f/s; " + "; ".join(
                f"{k} {statistics.median(v):.1f} ({statistics.median(v) / bare:.3f})" for k, v in runs.items()))


def stage_profile(models, quick: bool, repeat: int) -> dict:
    limit = QUICK_FRAMES if quick else None
    settings = AnalysisSettings(analysis_fps=0)
    profiles, what_ifs = [], []
    for path in (CLIPS_DIR / name for name in PROFILE_CLIPS):
        profiles.append(profile_run(models, path, limit))
        decoded = decode_working(path, WORKING_LONG_SIDE, limit)
        runs: dict = {k: [] for k in ["bare", "bare, one frame ahead", *WHAT_IFS]}
        for rep in range(repeat):
            for name in runs if rep % 2 == 0 else list(runs)[::-1]:
                if name == "bare":
                    runs[name].append(bare_run(models, decoded.frames, decoded.fps))
                elif name == "bare, one frame ahead":
                    runs[name].append(bare_run(models, decoded.frames, decoded.fps, ahead=1))
                else:
                    runs[name].append(what_if_run(models, path, settings, limit, name))
        del decoded
        (bare,), _ = fastest(runs.pop("bare"))
        (bare_ahead,), bare_ahead_spread = fastest(runs.pop("bare, one frame ahead"))
        reference = runs["as shipped"][0][2]
        row = {"clip": path.name, "bare_fps": bare.fps, "bare_cpu_ms": bare.cpu_ms,
               "bare_one_ahead": {"fps": bare_ahead.fps, "ratio": bare_ahead.fps / bare.fps,
                                  "cpu_ms": bare_ahead.cpu_ms, "spread": bare_ahead_spread},
               "variants": {}}
        for name, variant_runs in runs.items():
            (timing, _, result, _), spread = fastest(variant_runs)
            diff = score_difference(reference, result)
            row["variants"][name] = {"fps": timing.fps, "ratio": timing.fps / bare.fps, "cpu_ms": timing.cpu_ms,
                                     "spread": spread, "same_scores": result.frames == reference.frames,
                                     "eye_mean_abs_diff": diff["eye_contact"]["mean_abs_diff"],
                                     "posture_mean_abs_diff": diff["posture"]["mean_abs_diff"]}
        what_ifs.append(row)
        print(f"  {path.name}: bare {bare.fps:.1f} f/s, "
              + ", ".join(f"{k} {v['fps']:.1f} f/s" for k, v in row["variants"].items()), file=sys.stderr)
    return {"profiles": profiles, "what_ifs": what_ifs}


# -- report -----------------------------------------------------------------------------
def table(head: list[tuple[str, int]], rows: list[list]) -> None:
    """Print rows under a header; a negative width left-aligns the column (text)."""
    def fmt(values):
        return " ".join(f"{v:<{-w}}" if w < 0 else f"{v:>{w}}" for v, (_, w) in zip(values, head))
    line = fmt([h for h, _ in head])
    print(line)
    print("-" * len(line))
    for r in rows:
        print(fmt(r))


def f1(x) -> str:
    return "-" if x is None else f"{x:.1f}"


def f2(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def f3(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def print_report(fig: dict) -> None:
    env = fig["environment"]
    print(f"\nPoise benchmark {env['when']}: mediapipe {env['mediapipe']}, opencv {env['opencv']}, python {env['python']}, "
          f"{env['cpus']} CPUs; {env['load_start']} at start, {env['load_end']} at end; "
          f"fastest of {env['repeat']} repetitions{'   [--quick: smoke test only]' if env['quick'] else ''}")

    if "memory" in fig:
        print_memory(fig["memory"], TARGET_GROWTH_MB)
    if "bare_vs_full" in fig:
        print_bare_full(fig["bare_vs_full"])
    if "default_speed" in fig:
        print_default(fig["default_speed"])
    if "working_size" in fig:
        print_working_size(fig["working_size"])
    if "profile" in fig:
        print_profile(fig["profile"])


def print_bare_full(bf: dict) -> None:
    print(f"\n2. Bare MediaPipe (pre-decoded RGB frames at working size {WORKING_LONG_SIDE}) vs full pipeline "
          f"(file -> decode, resize, detect, score, events), every frame  [then: {bf['load_after']}]")
    table([("clip", -40), ("size", 9), ("frames", 6), ("bare f/s", 8), ("full f/s", 8), ("full/bare", 9),
           ("bare CPU ms/f", 13), ("full CPU ms/f", 13), ("CPU full/bare", 13), ("decode CPU ms/f", 15), ("noise", 5)],
          [[r.get("clip"), r.get("size", ""), r["frames"], f1(r["bare_fps"]), f1(r["full_fps"]), f3(r["ratio"]),
            f1(r["bare_cpu_ms"]), f1(r["full_cpu_ms"]), f3(r["cpu_ratio"]), f1(r["decode_cpu_ms"]), pct(r["spread"])]
           for r in bf["clips"] + [dict(bf["all"], clip="ALL (frame-weighted)")]])
    print(f"target: full/bare >= {TARGET_RATIO}: {'met' if bf['all']['ratio'] >= TARGET_RATIO else 'MISSED'} "
          f"({bf['all']['ratio']:.3f}).  decode CPU = cap.read() alone, paid by full only; "
          "noise = slowest/fastest repetition - 1")


def print_default(d: dict) -> None:
    print(f"\n3. File analysis at default settings (AnalysisSettings(): {AnalysisSettings().analysis_fps:g} Hz target, "
          f"stride = round(fps / 15)); wall time includes loading the models  [then: {d['load_after']}]")
    rows = [[r["clip"], f1(r["fps"]), f1(r["analysed_hz"]), f1(r["duration_s"]), r["frames"], f2(r["load_s"]),
             f2(r["wall_s"]), f2(r["x_realtime"]), f2(r["x_realtime_no_load"]), f3(r["ratio_to_bare"]), pct(r["spread"])]
            for r in d["clips"]]
    for key, label in (("30fps", "30 fps clips"), ("all", "ALL clips")):
        if d[key]:
            rows.append([label, "", "", f1(d[key]["duration_s"]), "", "", "", f2(d[key]["x_realtime"]),
                         f2(d[key]["x_realtime_no_load"]), f3(d[key]["ratio_to_bare"]), ""])
    table([("clip", -40), ("fps", 5), ("anal. Hz", 8), ("dur s", 6), ("frames", 6), ("load s", 6), ("wall s", 6),
           ("x real", 6), ("x real excl. load", 17), ("full/bare", 9), ("noise", 5)], rows)
    print("full/bare here = bare MediaPipe on the analysed frames only (pre-decoded) / the full pipeline excl. "
          "model load, which also decodes the frames it skips")
    ok = "met" if d["all"]["x_realtime"] >= TARGET_REALTIME else "MISSED"
    thirty = f", 30 fps clips {d['30fps']['x_realtime']:.2f}x" if d["30fps"] else ""
    print(f"target: >= {TARGET_REALTIME:g}x real time (aim 3x): {ok} (all clips {d['all']['x_realtime']:.2f}x{thirty})")


def print_working_size(s: dict) -> None:
    print(f"\n4. Working size on {s['clip']} (1920x1080), full pipeline every frame; scores vs full size, per frame  [then: {s['load_after']}]")
    rows = []
    for r in s["sizes"]:
        v = r["vs_full"]
        row = [str(r["long_side"]), r["frames"], f1(r["fps"]), f1(r["cpu_ms"]), pct(r["spread"])]
        if v is None:
            rows.append(row + ["(reference)", "", "", "", "", "", ""])
            continue
        differs = "/".join(str(v[k]["measurable_differs"]) for k in ("eye_contact", "posture", "fidgeting"))
        rows.append(row + [f3(v["eye_contact"]["mean_abs_diff"]), f3(v["eye_contact"]["p95_abs_diff"]),
                           f3(v["posture"]["mean_abs_diff"]), f3(v["fidgeting"]["mean_abs_diff"]),
                           f2(v["gaze_offset_deg_mean_abs_diff"]),
                           f"{v['eye_contact']['flips_at_0.5']}/{v['eye_contact']['compared']}", differs])
    table([("long side", -9), ("frames", 6), ("f/s", 5), ("CPU ms/f", 8), ("noise", 5), ("|d eye|", 11),
           ("p95 |d eye|", 11), ("|d posture|", 11), ("|d fidget|", 10), ("|d gaze| deg", 12),
           ("eye flips at 0.5", 16), ("measurable differs e/p/f", 24)], rows)
    rep = s["full_repeat_vs_full"]
    if rep is not None:
        print(f"full size run twice: |d eye| {f3(rep['eye_contact']['mean_abs_diff'])}, "
              f"|d posture| {f3(rep['posture']['mean_abs_diff'])} (MediaPipe is deterministic: differences above are real)")


def print_profile(p: dict) -> None:
    print("\n5a. Where the time goes: full pipeline, every frame, ms per frame by stage and thread "
          "(wall; CPU of that thread in brackets, meaningless for the detect calls: MediaPipe computes in its own threads)"
          f"  [then: {p['load_after']}]")
    head = [("stage", -44)] + [(r["clip"][:30], 30) for r in p["profiles"]]
    rows = [[k] + [f"{r['wall_ms'][k]:.2f} ({r['cpu_ms'][k]:.2f})" if k in r["cpu_ms"] else f"{r['wall_ms'][k]:.2f}"
                   for r in p["profiles"]] for k in PROFILE_ROWS]
    rows.append(["(f/s while instrumented; process CPU ms/f)"] + [f"{r['fps']:.1f}; {r['process_cpu_ms']:.1f}" for r in p["profiles"]])
    table(head, rows)
    print("\n5b. What each choice is worth: the pipeline with it undone (through its public options; nothing patched), "
          "every frame; f/s and ratio to bare MediaPipe on the same frames. Noisy: --decode-ab N repeats the decode rows")
    rows = []
    for r in p["what_ifs"]:
        rows.append([r["clip"], "bare MediaPipe", f1(r["bare_fps"]), "1.000", f1(r["bare_cpu_ms"]), "", ""])
        b1 = r["bare_one_ahead"]
        rows.append(["", "bare, one frame ahead", f1(b1["fps"]), f3(b1["ratio"]), f1(b1["cpu_ms"]), pct(b1["spread"]), ""])
        for name, v in r["variants"].items():
            same = "identical" if v["same_scores"] else f"{f3(v['eye_mean_abs_diff'])} / {f3(v['posture_mean_abs_diff'])}"
            rows.append(["", name, f1(v["fps"]), f3(v["ratio"]), f1(v["cpu_ms"]), pct(v["spread"]), same])
    table([("clip", -40), ("variant", -36), ("f/s", 6), ("/bare", 6), ("CPU ms/f", 8), ("noise", 5),
           ("scores vs as shipped: |d eye| / |d posture|", 43)], rows)


def long_memory(models, args) -> int:
    """--memory-minutes / --live-memory-minutes: memory over a long file and a long live session."""
    fig: dict = {"environment": {"when": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
                                 "load_start": machine_load()}}
    if args.memory_minutes:
        print(f"memory: {args.memory_minutes:g} minutes of source through the ingest service ...", file=sys.stderr)
        fig["memory"] = stage_memory(models, 60.0 * args.memory_minutes)
        fig["memory"]["load_after"] = machine_load()
    if args.live_memory_minutes:
        print(f"live memory: a {args.live_memory_minutes:g}-minute live session in the window ...", file=sys.stderr)
        fig["live_memory"] = stage_live_memory(60.0 * args.live_memory_minutes)
        fig["live_memory"]["load_after"] = machine_load()
    fig["environment"]["load_end"] = machine_load()
    print(f"\nPoise memory benchmark {fig['environment']['when']}, {fig['environment']['cpus']} CPUs; "
          f"{fig['environment']['load_start']} at start, {fig['environment']['load_end']} at end")
    if "memory" in fig:
        print_memory(fig["memory"], TARGET_LONG_GROWTH_MB)
    if "live_memory" in fig:
        m = fig["live_memory"]
        print(f"\nLive session: {m['session_s'] / 60:.1f} minutes in the window, {m['clip']} looped as the camera, "
              f"{m['scores_per_s']:.1f} scores/s, {100 * m['dropped_share']:.1f} % of frames dropped "
              f"({m['dropped']} of {m['offered']}), {m['frames_stored']} frames saved, session {m['status']}  "
              f"[{m['load_start']} -> {m['load_end']}]")
        print(f"RSS before the window {m['rss_start_mb']:.0f} MB; after {m['warmup_s']:g} s of session "
              f"{m['rss_after_warmup_mb']:.0f} MB; max growth after that {m['max_growth_mb']:+.1f} MB, at the end "
              f"{m['end_growth_mb']:+.1f} MB, trend {m['trend_mb_per_min']:+.3f} MB per minute; process peak "
              f"{m['peak_rss_mb']:.0f} MB")
        print(f"target: growth <= {TARGET_LONG_GROWTH_MB:g} MB after warm-up: "
              f"{'met' if m['max_growth_mb'] <= TARGET_LONG_GROWTH_MB else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1, default=str))
        print(f"\nfigures saved to {args.json}")
    return 0


def print_memory(m: dict, target_mb: float) -> None:
    print(f"\n1. Memory: {m['source_s']:.0f} s of source ({m['clip']} looped {m['loops']}x, {m['frames']} frames "
          f"at {m['analysed_hz']:g} Hz, {m['frames_stored']} saved, session {m['status']}) analysed in "
          f"{m['wall_s']:.0f} s, {m['scores_per_s']:.1f} scores/s  [then: {m['load_after']}]")
    print(f"RSS before analysis {m['rss_start_mb']:.0f} MB; after {m['warmup_s']:g} s of source {m['rss_after_warmup_mb']:.0f} MB; "
          f"max growth after that {m['max_growth_mb']:+.1f} MB, at the end {m['end_growth_mb']:+.1f} MB, "
          f"trend {m['trend_mb_per_min']:+.3f} MB per minute of source; process peak {m['peak_rss_mb']:.0f} MB")
    print(f"target: growth <= {target_mb:g} MB after warm-up: {'met' if m['max_growth_mb'] <= target_mb else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke test of every stage (figures not for reporting)")
    parser.add_argument("--repeat", type=int, default=2, help="repetitions of each timed measurement; the fastest is kept")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the figures as JSON")
    parser.add_argument("--decode-ab", type=int, metavar="N", help="only compare the decode choices, N repetitions each")
    parser.add_argument("--memory-minutes", type=float, metavar="M",
                        help="only the memory run, over M minutes of source through the ingest service (issue 9: 60)")
    parser.add_argument("--live-memory-minutes", type=float, metavar="M",
                        help="only a live session of M minutes in the real window, a clip as the camera (issue 9: 60)")
    parser.add_argument("--only", metavar="STAGES",
                        help="comma-separated stages to run: memory, bare_vs_full, default_speed, working_size, profile")
    args = parser.parse_args(argv)
    if not CLIPS_DIR.is_dir():
        print(f"The shared clips were not found in {CLIPS_DIR} (set POISE_SHARED_DIR).", file=sys.stderr)
        return 2
    if args.repeat < 1:
        print("--repeat must be at least 1.", file=sys.stderr)
        return 2
    try:
        models = resolve_models(download=False)
    except ModelError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.decode_ab:
        decode_ab(models, args.decode_ab)
        return 0
    if args.memory_minutes or args.live_memory_minutes:
        return long_memory(models, args)
    clips = clip_paths(args.quick)
    fig: dict = {"environment": {
        "when": time.strftime("%Y-%m-%d %H:%M"), "mediapipe": mp.__version__, "opencv": cv2.__version__,
        "python": platform.python_version(), "cpus": os.cpu_count(), "repeat": args.repeat,
        "load_start": machine_load(), "quick": args.quick,
        "working_long_side": WORKING_LONG_SIDE}}
    started = time.perf_counter()
    stages = (
        ("memory", "1. memory (first, so that the process peak is its own)",
         lambda: stage_memory(models, QUICK_MEMORY_SOURCE_S if args.quick else MEMORY_SOURCE_S)),
        ("bare_vs_full", "2. bare MediaPipe vs full pipeline", lambda: stage_bare_full(models, clips, args.repeat)),
        ("default_speed", "3. default settings", lambda: stage_default(models, clips, args.repeat)),
        ("working_size", "4. working size", lambda: stage_size(models, args.quick, args.repeat)),
        ("profile", "5. where the time goes, what would help", lambda: stage_profile(models, args.quick, args.repeat)),
    )
    wanted = None if not args.only else set(args.only.split(","))
    if wanted and wanted - {key for key, _, _ in stages}:
        print(f"--only: unknown stage(s) {', '.join(sorted(wanted - {k for k, _, _ in stages}))}.", file=sys.stderr)
        return 2
    for key, title, run in stages:
        if wanted and key not in wanted:
            continue
        print(f"{title} ...", file=sys.stderr)
        fig[key] = run()
        fig[key]["load_after"] = machine_load()  # outside load spoils figures: keep a note of it
    fig["environment"]["load_end"] = machine_load()
    fig["environment"]["benchmark_wall_s"] = time.perf_counter() - started
    print_report(fig)
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1, default=str))
        print(f"\nfigures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
