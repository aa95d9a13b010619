"""Measure when a call's small self-view inset is found: whole frame vs a crop around it.

Run from the project root (a few minutes on 2 cores):

    POISE_MODEL_DIR=/work/shared/models .venv/bin/python scripts/measure_inset.py [--frames 60]

Builds speaker views as tests/test_people_and_hands.py does (proctoringai__center_focus
large, proctoringai__center_left_center as an inset in the bottom right corner, 16 px from
the edges) with the inset a third, a quarter, a fifth and a sixth of the picture's height,
at the clips' own size (480x848, portrait, as the tests build it) and in landscape call
recordings of 1280x720 and 1920x1080 (the large tile fitted in the middle). For
each it counts the frames on which the face model (VIDEO mode, the options of
vision.landmarker) finds a face inside the inset:

* on the whole frame at the working size (vision.landmarker.WORKING_LONG_SIDE) and at full size;
* on square crops of the ORIGINAL frame around the inset (side a fraction of the picture's
  height; vision.crops.ROI_SIDE), and whether the pose model finds the inset's person there.

Then it prices looking closer (process CPU per call, so valid on a loaded machine, as
scripts/measure_hands.py): the search's IMAGE-mode face call on one crop, against the
whole-frame VIDEO-mode face, pose and hand calls and the same calls on a crop.

This is what sets vision.crops.ROI_SIDE, vision.landmarker.ROI_SEARCH_SLOW_EVERY and the
README rows on the speaker view.
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

import cv2  # noqa: E402
import mediapipe as mp  # noqa: E402
import numpy as np  # noqa: E402
from mediapipe.tasks.python import BaseOptions, vision as mpv  # noqa: E402

from poise.vision.landmarker import MAX_FACES, MAX_HANDS, WORKING_LONG_SIDE, working_rgb  # noqa: E402
from poise.vision.models import resolve_models  # noqa: E402
from poise.vision.tasks import face_model, native_stderr_silenced, video_models  # noqa: E402
from poise.vision.sources import read_frames  # noqa: E402

MARGIN = 16  # px between the inset and the picture's edges (as the tests build it)


def speaker_view(big: np.ndarray, small: np.ndarray, scale: float, size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The composite at ``size`` (w, h) and the inset's box (x0, y0, x1, y1) in it."""
    w, h = size
    out = np.zeros((h, w, 3), np.uint8)  # the large tile fitted in the middle, as call apps show it
    k = min(w / big.shape[1], h / big.shape[0])
    bw, bh = int(round(big.shape[1] * k)), int(round(big.shape[0] * k))
    bx, by = (w - bw) // 2, (h - bh) // 2
    out[by:by + bh, bx:bx + bw] = cv2.resize(big, (bw, bh), interpolation=cv2.INTER_LINEAR)
    ih = int(round(scale * h))
    iw = int(round(ih * small.shape[1] / small.shape[0]))
    s = cv2.resize(small, (iw, ih), interpolation=cv2.INTER_AREA)
    x0, y0 = w - iw - MARGIN, h - ih - MARGIN
    out[y0:y0 + ih, x0:x0 + iw] = s
    return out, (x0, y0, x0 + iw, y0 + ih)


def square_crop(image: np.ndarray, cx: float, cy: float, side: int) -> tuple[np.ndarray, int, int]:
    h, w = image.shape[:2]
    side = min(side, h, w)
    x0 = int(round(min(max(cx - side / 2, 0), w - side)))
    y0 = int(round(min(max(cy - side / 2, 0), h - side)))
    return image[y0:y0 + side, x0:x0 + side], x0, y0


def face_models(models):
    face = mpv.FaceLandmarker.create_from_options(mpv.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(models.face)), running_mode=mpv.RunningMode.VIDEO,
        num_faces=MAX_FACES))
    pose = mpv.PoseLandmarker.create_from_options(mpv.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(models.pose)), running_mode=mpv.RunningMode.VIDEO, num_poses=1))
    return face, pose


def inside(pts: np.ndarray, box) -> bool:
    c = pts[:, :2].mean(axis=0)
    return bool(box[0] <= c[0] <= box[2] and box[1] <= c[1] <= box[3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60, help="frames per case (12 per second of the clips)")
    args = parser.parse_args()
    away, _ = read_frames(SHARED / "clips" / "proctoringai__center_left_center.mp4", stride=2, limit=args.frames)
    steady, _ = read_frames(SHARED / "clips" / "proctoringai__center_focus.mp4", stride=2, limit=args.frames)
    n = min(len(away), len(steady))
    models = resolve_models()
    print(f"face found inside the inset, of {n} frames (pose: the inset person's pose, nose in the inset)")
    for size in ((480, 848), (1280, 720), (1920, 1080)):
        for scale in (0.33, 0.25, 0.2, 1 / 6):
            views = [speaker_view(steady[i], away[i], scale, size) for i in range(n)]
            box = views[0][1]
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            row = [f"{size[0]}x{size[1]} inset {scale:.2f} ({box[3] - box[1]} px high)"]
            longs = sorted({min(WORKING_LONG_SIDE, max(size)), max(size)})
            for long_side in longs:
                with native_stderr_silenced():
                    face, _pose = face_models(models)
                    found = 0
                    for i, (img, _) in enumerate(views):
                        res = face.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=working_rgb(img, long_side)), i * 83)
                        norm_box = (box[0] / size[0], box[1] / size[1], box[2] / size[0], box[3] / size[1])
                        found += any(inside(np.array([(p.x, p.y) for p in lm]), norm_box) for lm in res.face_landmarks)
                    face.close()
                    _pose.close()
                row.append(f"whole frame at {long_side}: {found}")
            for frac in (0.25, 0.35, 0.5):
                side = int(round(frac * size[1]))
                with native_stderr_silenced():
                    face, pose = face_models(models)
                    found = posed = 0
                    for i, (img, _) in enumerate(views):
                        crop, x0, y0 = square_crop(img, cx, cy, side)
                        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_BGR2RGB))
                        res = face.detect_for_video(image, i * 83)
                        pres = pose.detect_for_video(image, i * 83)
                        cbox = ((box[0] - x0) / crop.shape[1], (box[1] - y0) / crop.shape[0],
                                (box[2] - x0) / crop.shape[1], (box[3] - y0) / crop.shape[0])
                        found += any(inside(np.array([(p.x, p.y) for p in lm]), cbox) for lm in res.face_landmarks)
                        posed += bool(pres.pose_landmarks) and inside(
                            np.array([(pres.pose_landmarks[0][0].x, pres.pose_landmarks[0][0].y)]), cbox)
                    face.close()
                    pose.close()
                row.append(f"crop {frac:.2f}H: {found} (pose {posed})")
            print("  " + "; ".join(row))
            sys.stdout.flush()
    price(models, steady, away, n)
    return 0


def cpu_ms(call, *args) -> float:
    c0 = time.process_time()
    call(*args)
    return 1000.0 * (time.process_time() - c0)


def price(models, steady, away, n: int) -> None:
    """Process-CPU ms per call, median, on the 1920x1080 speaker view with a quarter-height inset."""
    views = [speaker_view(steady[i], away[i], 0.25, (1920, 1080)) for i in range(n)]
    box = views[0][1]
    side = int(round(0.3 * 1080))
    rows: dict[str, list[float]] = {}
    with native_stderr_silenced():
        finder = face_model(models, mpv.RunningMode.IMAGE, MAX_FACES)
        whole = video_models(models, MAX_FACES, MAX_HANDS)
        crop_models = video_models(models, 1, MAX_HANDS)
        for i, (img, _) in enumerate(views):
            full = mp.Image(image_format=mp.ImageFormat.SRGB, data=working_rgb(img, WORKING_LONG_SIDE))
            crop, _, _ = square_crop(img, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, side)
            small = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_BGR2RGB))
            rows.setdefault("search: IMAGE face on a crop", []).append(cpu_ms(finder.detect, small))
            for name, model in zip(("face", "pose", "hand"), whole):
                rows.setdefault(f"whole frame at {WORKING_LONG_SIDE}: {name}", []).append(cpu_ms(model.detect_for_video, full, i * 83))
            for name, model in zip(("face", "pose", "hand"), crop_models):
                rows.setdefault(f"crop {side} px: {name}", []).append(cpu_ms(model.detect_for_video, small, i * 83))
        for model in (finder, *whole, *crop_models):
            model.close()
    print(f"process CPU ms per call, median of {n} (1920x1080, inset a quarter of the height):")
    for name, v in rows.items():
        print(f"  {name:34s} {statistics.median(v):5.1f}")


if __name__ == "__main__":
    sys.exit(main())
