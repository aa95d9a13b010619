"""Upright stretches of the shared clips and camera views made from them: posture ground truth by construction.

Used by tests/test_posture_unseen_people.py and scripts/measure_scores.py. The labels come from
looking at each clip every 0.5 s (frames tiled with their times): the person sits upright in
these stretches. Left out: tfjsmodels__facemesh_demo while the woman rolls her head strongly
(1.0-6.2 s, 6.9-9.0 s), video4j from 2.8 s (a hand on his head, then leaning back), pyfeat's
face_noface (the same man as single_face). Every view of an upright person shows an upright
person, so posture should stay >= 0.5 in each.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# (clip, start s, end s): the person sits upright.
UPRIGHT = [
    ("proctoringai__center_focus.mp4", 0.0, 10.5),           # still, camera at eye level
    ("proctoringai__center_left_center.mp4", 0.0, 15.3),     # still, eyes turn aside 6-11 s
    ("grid_lipnet__lbax4n.mpg", 0.0, 3.0),                   # reads a sentence, studio camera
    ("pyfeat__single_face.mp4", 0.0, 2.4),                   # phone framing, body turned a little
    ("mediapipe__selfie_segmentation_web.mp4", 0.0, 9.0),    # talks, gestures, writes, looks down
    ("tfjsmodels__facemesh_demo_input.mp4", 0.3, 1.0),       # head level between strong rolls
    ("tfjsmodels__facemesh_demo_input.mp4", 6.2, 6.9),
    ("tfjsmodels__facemesh_demo_input.mp4", 9.0, 10.8),
    ("video4j__pexels-kindel-media-8164110.mp4", 0.0, 2.8),  # low camera to one side, head turned
]
STRIDE = 2  # every 2nd frame: 12-15 Hz, as the default analysis


def clip_ends() -> dict[str, float]:
    """Each clip with the end of its last upright stretch (frames after it are not needed)."""
    ends: dict[str, float] = {}
    for name, _, end in UPRIGHT:
        ends[name] = max(ends.get(name, 0.0), end)
    return ends


def upright_at(name: str, t: float) -> bool:
    return any(n == name and a <= t < b for n, a, b in UPRIGHT)


def pad(img, frac=0.12):
    m = int(round(frac * img.shape[0]))
    return cv2.copyMakeBorder(img, m, m, m, m, cv2.BORDER_REPLICATE)


def keystone(img, top=0.0, bottom=0.0, left=0.0, right=0.0, squash_y=1.0, squash_x=1.0):
    """Perspective warp: one edge shorter by ``inset`` of the size at each end (the far edge of
    a plane seen at an angle), the picture squashed across the tilt (foreshortening)."""
    h, w = img.shape[:2]
    y0, x0 = h * (1 - squash_y) / 2, w * (1 - squash_x) / 2
    y1, x1 = h - y0, w - x0
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[x0 + w * top, y0 + h * left], [x1 - w * top, y0 + h * right],
                      [x1 - w * bottom, y1 - h * right], [x0 + w * bottom, y1 - h * left]])
    return cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h), borderMode=cv2.BORDER_REPLICATE)


def rotate(img, degrees, scale=1.0, centre_y=0.5):
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h * centre_y), degrees, scale)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def zoom(img, factor):
    """factor > 1: the person looks nearer (about a point at the face's height)."""
    return rotate(img, 0.0, factor, 0.45)


def crop(img, left=0.0, right=0.0, top=0.0, bottom=0.0):
    h, w = img.shape[:2]
    return img[int(h * top): h - int(h * bottom), int(w * left): w - int(w * right)]


def dark_low_res(img, rng):
    """A dim, low-resolution webcam: a quarter of the size, darker (gamma 1.8, x0.6), sensor noise."""
    h, w = img.shape[:2]
    small = cv2.resize(img, (w // 4, h // 4), interpolation=cv2.INTER_AREA).astype(np.float32)
    small = 255.0 * (small / 255.0) ** 1.8 * 0.6 + rng.normal(0, 3.0, small.shape)
    return cv2.resize(np.clip(small, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


def views(seed: int = 0) -> dict:
    """name -> view(t seconds, image) -> image. The keystones follow tests/test_posture_any_camera.py
    ("strong": far edge 30 % narrower, torso foreshortened to half) and milder laptop-like ones."""
    rng = np.random.default_rng(seed)
    return {
        "as recorded": lambda t, f: f,
        "camera below (strong)": lambda t, f: keystone(pad(f), top=0.30, squash_y=0.5),
        "camera below (laptop)": lambda t, f: keystone(pad(f), top=0.12, squash_y=0.8),
        "camera above": lambda t, f: keystone(pad(f), bottom=0.30, squash_y=0.5),
        "camera off to the right": lambda t, f: keystone(pad(f), left=0.12, squash_x=0.75),
        "camera off to the left": lambda t, f: keystone(pad(f), right=0.12, squash_x=0.75),
        "camera below and to the side": lambda t, f: keystone(pad(f), top=0.12, right=0.08, squash_y=0.8, squash_x=0.85),
        "camera rolled 4 deg": lambda t, f: rotate(pad(f), 4.0),
        "camera rolled -4 deg": lambda t, f: rotate(pad(f), -4.0),
        "nearer (x1.3)": lambda t, f: zoom(f, 1.3),
        "further (x0.7)": lambda t, f: zoom(pad(f), 0.7),
        "tight crop": lambda t, f: crop(f, left=0.1, right=0.1, bottom=0.15),
        "dark, low resolution": lambda t, f: dark_low_res(f, rng),
        "leaning in and out while talking (+-15 %, 4 s)": lambda t, f: zoom(pad(f), 1.0 + 0.15 * math.sin(2 * math.pi * t / 4.0)),
        "leaned in for the first second (x1.35)": lambda t, f: zoom(pad(f), 1.35 if t < 1.0 else 1.0),
    }


def view_frames(frames, fps: float, view) -> list:
    return [view(i / fps, f) for i, f in enumerate(frames)]
