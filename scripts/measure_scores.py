"""Print the figures behind the scoring constants: eye-contact agreement on labelled clips, the
fidgeting noise floor (landmark jitter of still people) and the calibration capture spreads
behind vision/calibration_check.py.

Run: POISE_MODEL_DIR=../shared/models .venv/bin/python scripts/measure_scores.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from poise.vision.analysis import analyze, open_video  # noqa: E402
from poise.vision import scoring  # noqa: E402
from poise.vision.features import measure  # noqa: E402
from poise.vision.landmarker import Landmarker  # noqa: E402
from poise.vision.scoring import FIDGET_WINDOW_S, HAND_NOISE, HEAD_NOISE, _hand_positions, _spread  # noqa: E402
from poise.vision.sources import VideoFileSource  # noqa: E402
from test_eye_contact_constructed import FACES  # noqa: E402  (the five lens faces behind DEFAULT_GAZE_YAW)
from test_scores_on_clips import OWN_LABELS, agreement_by_class  # noqa: E402

CLIPS = ROOT.parent / "shared" / "clips"
STILL = ["pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg", "proctoringai__center_focus.mp4",
         "proctoringai__center_left_center.mp4"]


def labelled_segments():

    with open(CLIPS / "gaze_segments.csv", newline="") as f:
        shared = [(r["file"], float(r["start_s"]), float(r["end_s"]), r["label"]) for r in csv.DictReader(f)]
    return shared + OWN_LABELS


def lens_gaze_yaw() -> dict[str, float]:
    """Each lens face's median gaze yaw, measured against yaw 0 (the lens itself)."""
    default, scoring.DEFAULT_GAZE_YAW = scoring.DEFAULT_GAZE_YAW, 0.0
    try:
        out = {}
        for name, a, b in FACES:
            with open_video(CLIPS / name) as src:
                r = analyze(src, keep_frames=True)
            out[name] = float(np.median([f.components.gaze_yaw for f in r.frames
                                         if a <= f.t < b and f.components and f.components.gaze_yaw is not None]))
        return out
    finally:
        scoring.DEFAULT_GAZE_YAW = default


def agreement(held_out: bool = False):
    """Frame-level agreement with the labels. ``held_out``: each clip is scored with the default
    lens direction taken from the other clips' lens faces only (left-one-clip-out)."""
    title = "left-one-clip-out default lens direction" if held_out else f"default lens direction {scoring.DEFAULT_GAZE_YAW}"
    print(f"Eye-contact agreement (frame level, eye_contact >= 0.5 vs label, transitions excluded, 15 Hz; {title}):")
    lens = lens_gaze_yaw() if held_out else {}
    if lens:
        print("  lens faces' own gaze yaw: " + ", ".join(f"{n.split('__')[0]} {v:.1f}" for n, v in lens.items())
              + f"; median {np.median(list(lens.values())):.2f}")
    segs = labelled_segments()
    hits = {True: 0, False: 0}   # per class: label "camera" (True) or any averted label (False)
    totals = {True: 0, False: 0}
    default = scoring.DEFAULT_GAZE_YAW
    for name in sorted({s[0] for s in segs}):
        if lens:
            scoring.DEFAULT_GAZE_YAW = float(np.median([v for n, v in lens.items() if n != name]))
        try:
            with open_video(CLIPS / name) as src:
                r = analyze(src, keep_frames=True)
        finally:
            scoring.DEFAULT_GAZE_YAW = default
        own = [s for s in segs if s[0] == name and s[3] != "transition"]
        by_class = agreement_by_class(r, own)
        for camera, (h, t) in by_class.items():
            hits[camera] += h
            totals[camera] += t
        clip_hits, clip_total = sum(h for h, _ in by_class.values()), sum(t for _, t in by_class.values())
        none = sum(f.eye_contact is None for _, a, b, _ in own for f in r.frames if a <= f.t < b)
        print(f"  {name:42s} {clip_hits:4d}/{clip_total:<4d} = {clip_hits / clip_total:.3f}  (not measurable: {none})"
              + (f"  default {float(np.median([v for n, v in lens.items() if n != name])):.2f}" if lens else ""))
    all_hits, all_total = sum(hits.values()), sum(totals.values())
    print(f"  {'all labelled frames':42s} {all_hits:4d}/{all_total:<4d} = {all_hits / all_total:.3f}")
    recall = {k: hits[k] / totals[k] for k in totals}
    print(f"  camera frames {hits[True]}/{totals[True]} = {recall[True]:.3f}, averted frames "
          f"{hits[False]}/{totals[False]} = {recall[False]:.3f}, balanced accuracy {(recall[True] + recall[False]) / 2:.3f}")


def noise_floor():
    print(f"\nFidgeting noise floor: RMS spread over {FIDGET_WINDOW_S} s windows, shoulder widths (every frame):")
    rows = [(n, 0.0, None) for n in STILL] + [
        ("mediapipe__selfie_segmentation_web.mp4", 0.0, "first frame frozen + camera noise sigma 4: hands in view"),
    ]
    for name, from_s, note in rows:
        with Landmarker() as lm, VideoFileSource(CLIPS / name) as src:
            samples = []
            frames = src
            if note and "frozen" in note:
                frames = _frozen_with_noise(next(iter(src)), 60)
            for frame in frames:
                g = measure(lm.detect(frame))
                t = frame.timestamp_ms / 1000
                if t >= from_s and g.face_centre is not None:
                    scale = g.shoulder_width or g.face_width * 2.3
                    samples.append((t, scale, g.face_centre, _hand_positions(g.hands)))
        head, hand = [], []
        for i in range(len(samples)):
            win = [s for s in samples[: i + 1] if samples[i][0] - s[0] <= FIDGET_WINDOW_S]
            if samples[i][0] - win[0][0] < FIDGET_WINDOW_S * 0.9:
                continue
            scale = float(np.median([s[1] for s in win]))
            h, _ = _spread([s[2] for s in win], scale, HEAD_NOISE)
            head.append(h)
            for k in range(2):
                v, _ = _spread([s[3][k] for s in win], scale, HAND_NOISE)
                if v is not None:
                    hand.append(v)
        fmt = lambda xs: "no data" if not xs else f"p50 {np.median(xs):.4f}  p95 {np.percentile(xs, 95):.4f}  max {max(xs):.4f}"
        label = f"{name} ({note})" if note else name
        print(f"  {label}\n     head {fmt(head)}\n     hands {fmt(hand)}")
    print(f"  constants in vision/scoring.py: HEAD_NOISE = {HEAD_NOISE}, HAND_NOISE = {HAND_NOISE}")


def _frozen_with_noise(frame, count, sigma=4.0):
    """A still person seen through a real sensor: one frame repeated with fresh pixel noise."""
    from poise.vision.types import Frame

    rng = np.random.default_rng(0)
    for i in range(count):
        noisy = np.clip(frame.image + rng.normal(0, sigma, frame.image.shape), 0, 255).astype(np.uint8)
        yield Frame(i, int(i * 1000 / 25), noisy)


# Calibration captures: (clip, start s, end s, should it be accepted?), see calibration_check.py.
CAPTURES = [
    ("proctoringai__center_focus.mp4", 0, 4, True), ("proctoringai__center_focus.mp4", 6, 10, True),
    ("proctoringai__center_left_center.mp4", 0, 4, True), ("proctoringai__center_left_center.mp4", 12, 15.4, True),
    ("grid_lipnet__lbax4n.mpg", 0, 3, True), ("pyfeat__single_face.mp4", 0, 2.4, True),
    ("mediapipe__selfie_segmentation_web.mp4", 7.6, 9, True), ("tfjsmodels__facemesh_demo_input.mp4", 9.5, 10.8, True),
    ("proctoringai__center_left_center.mp4", 4, 8, False), ("proctoringai__center_left_center.mp4", 6.5, 10.5, False),
    ("proctoringai__center_left_center.mp4", 9, 13, False), ("tfjsmodels__facemesh_demo_input.mp4", 0, 4, False),
    ("mediapipe__selfie_segmentation_web.mp4", 0, 4, False),
]


def capture_spreads():
    from poise.vision.calibration import CalibrationError, calibrate

    print("\nCalibration captures (15 Hz, blinks skipped): spread = p90 - p10; median gaze target")
    landmarks: dict = {}
    for name, a, b, accept in CAPTURES:
        if name not in landmarks:
            seen = []
            with open_video(CLIPS / name) as src:
                analyze(src, on_result=lambda u: seen.append(u.landmarks))
            landmarks[name] = seen
        lms = [lm for lm in landmarks[name] if a <= lm.timestamp_ms / 1000 < b]
        rows = []
        for lm in lms:
            g = measure(lm)
            if g.head_yaw is None or g.eye_yaw is None or g.blink:
                continue
            mid = g.shoulder_mid or (np.nan, np.nan)
            sw = g.shoulder_width or np.nan
            rows.append((g.head_yaw + g.eye_yaw, g.head_pitch + g.eye_pitch, g.head_yaw, g.head_pitch, g.head_roll,
                         mid[0] / sw, mid[1] / sw, np.log(g.distance_cm) if g.distance_cm else np.nan))
        v = np.array(rows)
        sp = lambda c: np.nanpercentile(v[:, c], 90) - np.nanpercentile(v[:, c], 10)
        try:
            calibrate(lms)
            verdict = "accepted"
        except CalibrationError as exc:
            verdict = f"refused: {exc}"
        print(f"  {name} {a}-{b} s (should be {'accepted' if accept else 'refused'}): gaze yaw {sp(0):.1f} "
              f"pitch {sp(1):.1f} deg, head {max(sp(2), sp(3), sp(4)):.1f} deg, shoulders {max(sp(5), sp(6)):.3f} "
              f"widths, distance {sp(7):.3f}; target yaw {np.median(v[:, 0]):.1f} pitch {np.median(v[:, 1]):.1f}\n"
              f"     {verdict}")


if __name__ == "__main__":
    agreement()
    agreement(held_out=True)
    noise_floor()
    capture_spreads()
