"""Print the figures behind the scoring constants: eye-contact agreement on labelled clips (per
clip, overall and left-one-clip-out, and on constructed views: mirrored, gallery tiles, a
turned camera), the
fidgeting noise floor (landmark jitter of still people) and the calibration capture spreads
behind vision/calibration_check.py.

Run: POISE_MODEL_DIR=../shared/models .venv/bin/python scripts/measure_scores.py
"""

from __future__ import annotations

import contextlib
import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from poise.vision.analysis import AnalysisSettings, analyze, open_video  # noqa: E402
from poise.vision import scoring  # noqa: E402
from poise.vision.features import measure  # noqa: E402
from poise.vision.landmarker import Landmarker  # noqa: E402
from poise.vision.scoring import FIDGET_WINDOW_S, HAND_NOISE, HEAD_NOISE, _hand_positions, _spread  # noqa: E402
from poise.vision.sources import FrameListSource, VideoFileSource, read_frames  # noqa: E402
from camera_constructions import gallery, turned_camera  # noqa: E402
from test_eye_contact_constructed import FACES  # noqa: E402  (the five lens faces behind DEFAULT_GAZE_YAW)
from test_scores_on_clips import OWN_LABELS, agreement_by_class  # noqa: E402

CLIPS = ROOT.parent / "shared" / "clips"
STILL = ["pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg", "proctoringai__center_focus.mp4",
         "proctoringai__center_left_center.mp4"]


def labelled_segments():

    with open(CLIPS / "gaze_segments.csv", newline="") as f:
        shared = [(r["file"], float(r["start_s"]), float(r["end_s"]), r["label"]) for r in csv.DictReader(f)]
    return shared + OWN_LABELS


def lens_gaze() -> dict[str, tuple[float, float]]:
    """Each lens face's median gaze (yaw, pitch), measured against (0, 0): the figures behind
    scoring.DEFAULT_GAZE_YAW / DEFAULT_GAZE_PITCH (their medians)."""
    with _defaults(0.0, 0.0):
        out = {}
        for name, a, b in FACES:
            with open_video(CLIPS / name) as src:
                r = analyze(src, keep_frames=True)
            lens = [f.components for f in r.frames if a <= f.t < b and f.components and f.components.gaze_yaw is not None]
            out[name] = (float(np.median([c.gaze_yaw for c in lens])), float(np.median([c.gaze_pitch for c in lens])))
        return out


@contextlib.contextmanager
def _defaults(yaw: float, pitch: float):
    """Score with another default lens direction for a while (held-out figures)."""
    saved = scoring.DEFAULT_GAZE_YAW, scoring.DEFAULT_GAZE_PITCH
    scoring.DEFAULT_GAZE_YAW, scoring.DEFAULT_GAZE_PITCH = yaw, pitch
    try:
        yield
    finally:
        scoring.DEFAULT_GAZE_YAW, scoring.DEFAULT_GAZE_PITCH = saved


def held_out_defaults(lens: dict, name: str) -> tuple[float, float]:
    """The default lens direction from every lens face but ``name``'s clip (left-one-clip-out)."""
    others = [v for n, v in lens.items() if n != name]
    return float(np.median([v[0] for v in others])), float(np.median([v[1] for v in others]))


def _score_line(label: str, by_class: dict, none: int | None = None) -> str:
    parts = [f"{'lens' if cam else 'averted'} {h}/{t}" for cam, (h, t) in sorted(by_class.items(), reverse=True) if t]
    hits, total = sum(h for h, _ in by_class.values()), sum(t for _, t in by_class.values())
    share = f"{hits / total:.3f}" if total else "  -  "
    return f"  {label:52s} {hits:4d}/{total:<4d} = {share}  ({', '.join(parts)})" + ("" if none is None else f"  not measurable {none}")


def _add(total: dict, by_class: dict) -> None:
    for cam, (h, t) in by_class.items():
        total[cam][0] += h
        total[cam][1] += t


def _balanced_line(label: str, total: dict) -> str:
    r = {cam: h / t for cam, (h, t) in total.items() if t}
    return (f"  {label}: lens {total[True][0]}/{total[True][1]} = {r[True]:.3f}, averted {total[False][0]}/{total[False][1]}"
            f" = {r[False]:.3f}, balanced accuracy {(r[True] + r[False]) / 2:.3f}")


def agreement(held_out: bool = False, lens: dict | None = None):
    """Frame-level agreement with the labels, per clip and overall. ``held_out``: each clip is
    scored against the default lens direction (yaw and pitch) of the other clips' lens faces only
    (left-one-clip-out)."""
    title = ("left-one-clip-out default lens direction" if held_out
             else f"default lens direction yaw {scoring.DEFAULT_GAZE_YAW}, pitch {scoring.DEFAULT_GAZE_PITCH}")
    print(f"\nEye-contact agreement (frame level, eye_contact >= 0.5 vs label, transitions and borderline left out, 15 Hz; {title}):")
    segs = labelled_segments()
    total = {True: [0, 0], False: [0, 0]}
    for name in sorted({s[0] for s in segs}):
        yaw, pitch = held_out_defaults(lens, name) if held_out else (scoring.DEFAULT_GAZE_YAW, scoring.DEFAULT_GAZE_PITCH)
        with _defaults(yaw, pitch), open_video(CLIPS / name) as src:
            r = analyze(src, keep_frames=True)
        own = [s for s in segs if s[0] == name]
        by_class = agreement_by_class(r, own)
        _add(total, by_class)
        none = sum(f.eye_contact is None for _, a, b, _ in own for f in r.frames if a <= f.t < b)
        if any(s[3] == "borderline" for s in own):
            borderline = [f for _, a, b, lab in own if lab == "borderline" for f in r.frames if a <= f.t < b and f.eye_contact is not None]
            print(f"  {name:52s} borderline: gaze {np.median([f.components.gaze_yaw for f in borderline]):+.1f} deg aside, "
                  f"eye contact mean {np.mean([f.eye_contact for f in borderline]):.2f}"
                  + (f"  (default {yaw:.2f}, {pitch:.2f})" if held_out else ""))
            continue
        print(_score_line(name, by_class, none) + (f"  (default {yaw:.2f}, {pitch:.2f})" if held_out else ""))
    print(_balanced_line("all labelled frames", total))


# Views of the labelled clips whose answer is known by construction (tests/camera_constructions.py,
# tests/test_head_pose.py, tests/test_people_and_hands.py): the person looks where the label says.
VIEWS = {
    "mirrored": lambda f, other: np.ascontiguousarray(f[:, ::-1]),
    "left of two call tiles (1280x720)": lambda f, other: gallery([f, other], 2, 1280, 720, focus_y=0.35),
    "right of two call tiles (1280x720)": lambda f, other: gallery([other, f], 2, 1280, 720, focus_y=0.35),
    "camera turned 20 deg left": lambda f, other: turned_camera(f, -20.0, 0.0),
    "camera turned 20 deg right": lambda f, other: turned_camera(f, 20.0, 0.0),
    "camera tilted 10 deg down": lambda f, other: turned_camera(f, 0.0, -10.0),
}
VIEW_PERSON = {"left of two call tiles (1280x720)": "left", "right of two call tiles (1280x720)": "right"}
VIEW_CLIPS = ["proctoringai__center_left_center.mp4", "proctoringai__center_focus.mp4", "grid_lipnet__lbax4n.mpg",
              "tfjsmodels__facemesh_demo_input.mp4", "mediapipe__selfie_segmentation_web.mp4",
              "video4j__pexels-kindel-media-8164110.mp4"]


def constructed_views(lens: dict):
    """Eye-contact agreement on constructed views of the labelled clips, each clip against the
    left-one-clip-out default lens direction."""
    print("\nEye-contact agreement on constructed views (left-one-clip-out defaults):")
    segs = labelled_segments()
    other, _ = read_frames(CLIPS / "proctoringai__center_focus.mp4", stride=2)
    total = {True: [0, 0], False: [0, 0]}
    for view, make in VIEWS.items():
        per_view = {True: [0, 0], False: [0, 0]}
        for name in VIEW_CLIPS:
            with VideoFileSource(CLIPS / name) as src:
                stride = AnalysisSettings().stride_for(src.fps)   # as the default analysis
            frames, fps = read_frames(CLIPS / name, stride=stride)
            partner = other if name != "proctoringai__center_focus.mp4" else read_frames(CLIPS / "grid_lipnet__lbax4n.mpg")[0]
            images = [make(f, partner[i % len(partner)]) for i, f in enumerate(frames)]
            with _defaults(*held_out_defaults(lens, name)):
                r = analyze(FrameListSource(images, fps), keep_frames=True,
                            settings=AnalysisSettings(person=VIEW_PERSON.get(view, "largest")))
            by_class = agreement_by_class(r, [s for s in segs if s[0] == name])
            _add(per_view, by_class)
            print(_score_line(f"{name} {view}", by_class, sum(f.eye_contact is None for f in r.frames)))
        print(_balanced_line(view, per_view))
        for cam in (True, False):
            total[cam][0] += per_view[cam][0]
            total[cam][1] += per_view[cam][1]
    print(_balanced_line("all constructed views", total))


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
    lens = lens_gaze()
    print("Lens faces' own gaze (yaw, pitch; deg): " + ", ".join(f"{n.split('__')[0]} {y:+.1f} {p:+.1f}" for n, (y, p) in lens.items())
          + f"; medians {np.median([v[0] for v in lens.values()]):.2f}, {np.median([v[1] for v in lens.values()]):.2f}"
          + f" (scoring: {scoring.DEFAULT_GAZE_YAW}, {scoring.DEFAULT_GAZE_PITCH})")
    agreement()
    agreement(held_out=True, lens=lens)
    constructed_views(lens)
    noise_floor()
    capture_spreads()
