"""Price the hand model: process-CPU time per call of the face, pose and hand landmarkers.

Run from the project root (about 2 minutes on 2 cores):

    POISE_MODEL_DIR=/work/shared/models .venv/bin/python scripts/measure_hands.py [--stride 2]

Every model is called one after the other on the same thread (VIDEO mode, the options
vision.landmarker uses, frames at the working size), so the process CPU time that passes
during a call is that call's work, whatever else the machine is doing: this is the figure
to compare on a shared, loaded machine (wall time is not). The hand model is priced per
frame, split by whether it had a hand on the previous frame (tracking) or not (palm
detection on every frame), which decides whether it can run on every analysed frame,
at a lower rate, or only when hands are in frame (docs/benchmark.md, "The hand model").

``--noise`` instead measures the hand model's noise floors behind vision/scoring.py's
HAND_MODEL_NOISE and FINGER_NOISE: still frames of mediapipe__selfie_segmentation_web (hands
clasped or resting in view) repeated with fresh camera noise (sigma 4) per frame, and the
RMS spread of each hand's centre (body widths) and finger shape (hand sizes) over 1.5 s windows,
and each hand point's own jitter (standard deviation per axis over the run, in hand sizes:
the jitter tests/test_hand_fidgeting_constructed.py puts on a still hand).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
os.environ.setdefault("POISE_MODEL_DIR", str(SHARED / "models"))

import mediapipe as mp  # noqa: E402
import numpy as np  # noqa: E402

from poise.vision.landmarker import WORKING_LONG_SIDE, Landmarker, working_rgb  # noqa: E402
from poise.vision.tasks import native_stderr_silenced  # noqa: E402
from poise.vision.sources import read_frames  # noqa: E402
from poise.vision.features import H_TIPS, hand_size, measure  # noqa: E402
from poise.vision.scoring import FIDGET_WINDOW_S, _hand_model_slots, _spread  # noqa: E402
from poise.vision.types import Frame  # noqa: E402

NOISE_CLIP = "mediapipe__selfie_segmentation_web.mp4"
NOISE_FRAMES = (0, 190, 215)  # hands clasped (0, 215) or resting together (190), in view
NOISE_REPEATS = 60
NOISE_SIGMA = 4.0


def noise_floor() -> None:
    frames, fps = read_frames(SHARED / "clips" / NOISE_CLIP, limit=max(NOISE_FRAMES) + 1)
    window = int(round(FIDGET_WINDOW_S * fps))
    rng = np.random.default_rng(1)
    print(f"{NOISE_CLIP}: still frames + camera noise sigma {NOISE_SIGMA}, {window}-frame windows; RMS spread p50 / p95 / max")
    for start in NOISE_FRAMES:
        base = frames[start].astype(np.float64)
        samples, previous, points = [], [None, None], ([], [])
        with Landmarker() as lm:
            for i in range(NOISE_REPEATS):
                image = np.clip(base + rng.normal(0, NOISE_SIGMA, base.shape), 0, 255).astype(np.uint8)
                g = measure(lm.detect(Frame(i, int(i * 1000 / fps), image)))
                previous, fingers = _hand_model_slots(g.hand_points, previous)
                samples.append((g.shoulder_width, previous, fingers))
                for pts in g.hand_points or ():   # each hand's points, in the slot of its centre
                    points[previous.index(tuple(map(float, pts.mean(axis=0))))].append(pts)
        scale = float(np.median([s[0] for s in samples if s[0]]))
        for k in (0, 1):
            centre, shape = [], []
            for j in range(len(samples) - window):
                win = samples[j:j + window]
                c, _ = _spread([s[1][k] for s in win], scale, 0.0)
                f, _ = _spread([s[2][k] for s in win], 1.0, 0.0)
                centre += [c] if c is not None else []
                shape += [f] if f is not None else []
            if centre:
                print(f"  frame {start} hand slot {k}: centre {_stats(centre)} body widths; fingers {_stats(shape)} hand sizes")
            if len(points[k]) >= window:
                pts = np.asarray(points[k])
                jitter = pts.std(axis=0) / np.median([hand_size(p) for p in pts])
                print(f"  frame {start} hand slot {k} ({len(pts)} frames): point jitter median {np.median(jitter):.4f}, "
                      f"p90 {np.percentile(jitter, 90):.4f}, tips median {np.median(jitter[list(H_TIPS)]):.4f}, "
                      f"max {jitter.max():.4f} hand sizes")


def _stats(v: list[float]) -> str:
    return f"{np.median(v):.4f} / {np.percentile(v, 95):.4f} / {max(v):.4f}"

CLIPS = ("mediapipe__selfie_segmentation_web.mp4", "video4j__pexels-kindel-media-8164110.mp4",
         "tfjsmodels__facemesh_demo_input.mp4", "proctoringai__center_focus.mp4", "pyfeat__single_face.mp4")


def cpu_ms(call, *args) -> tuple[float, object]:
    c0 = time.process_time()
    out = call(*args)
    return 1000.0 * (time.process_time() - c0), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stride", type=int, default=2, help="every N-th frame (2: ~15 Hz on 30 fps clips)")
    parser.add_argument("--limit", type=int, default=150, help="frames per clip")
    parser.add_argument("--noise", action="store_true", help="measure the hand model's noise floors instead")
    args = parser.parse_args()
    if args.noise:
        noise_floor()
        return 0
    print(f"process CPU ms per call, median / p90; frames at working long side {WORKING_LONG_SIDE}")
    all_rows = {"face": [], "pose": [], "hand, tracking": [], "hand, searching": []}
    for name in CLIPS:
        frames, fps = read_frames(SHARED / "clips" / name, stride=args.stride, limit=args.limit)
        with Landmarker() as lm, native_stderr_silenced():
            rows = {k: [] for k in all_rows}
            had_hand = False
            hands_seen = 0
            for i, image in enumerate(frames):
                rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=working_rgb(image, WORKING_LONG_SIDE))
                ts = int(round(i * 1000.0 / fps))
                rows["face"].append(cpu_ms(lm._face.detect_for_video, rgb, ts)[0])
                rows["pose"].append(cpu_ms(lm._pose.detect_for_video, rgb, ts)[0])
                ms, res = cpu_ms(lm._hand.detect_for_video, rgb, ts)
                rows["hand, tracking" if had_hand else "hand, searching"].append(ms)
                had_hand = bool(res.hand_landmarks)
                hands_seen += had_hand
        print(f"{name} ({len(frames)} frames, hands in {hands_seen}):")
        for k, v in rows.items():
            all_rows[k] += v
            if v:
                print(f"  {k:16s} {statistics.median(v):5.1f} / {_p90(v):5.1f}  (n={len(v)})")
    print("all clips:")
    for k, v in all_rows.items():
        if v:
            print(f"  {k:16s} {statistics.median(v):5.1f} / {_p90(v):5.1f}  mean {statistics.fmean(v):5.1f}  (n={len(v)})")
    return 0


def _p90(v: list[float]) -> float:
    return sorted(v)[int(0.9 * (len(v) - 1))]


if __name__ == "__main__":
    sys.exit(main())
