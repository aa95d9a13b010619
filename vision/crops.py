"""Looking closer at a chosen person: square crops of the original frame, and landmarks found on them mapped back."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import mediapipe as mp
import numpy as np

from poise.vision.person import SIDES, PersonChoice

# When the place the user chose has no face on the whole frame (vision.person.is_there), the
# models look at a square crop of the ORIGINAL frame there (vision.landmarker). Measured with
# scripts/measure_inset.py: the face model, which shrinks the whole frame to its 128 px
# detector, finds no face in a call's self-view inset a quarter of the picture's height
# (nor a fifth or a sixth; in landscape 1280x720 and 1920x1080 recordings not even a third),
# at the working size or at full size; on crops 0.25, 0.35 and 0.5 of the picture's height
# it finds the inset's face on every frame down to a sixth. Pose finds the inset's person on
# every frame of the 0.25 and 0.35 crops, but with 0.5 on as few as 0 of 36 frames (portrait
# 480x848: the crop then holds the large person's shoulders and the pose model takes them).
# So a crop side of 0.3 of the height: large enough for a head-and-shoulders tile up to about
# a third of the height, small enough that the other person stays out.
ROI_SIDE = 0.3
# Once found, the crop is centred on the face. Centred half a face height lower (to hold more
# of the shoulders) the face sat off the crop's optical axis: the self-view a third of the
# height then measured 7-9 deg of head pitch instead of 10-11 (13-14 in its own clip) and eye
# contact 0.83-0.94 while it looked into its lens; centred on the face, 0.96-1.0, and pose still
# found its shoulders on 125 of 126 frames.
# A chosen face the whole frame shows is looked at closer too when the pose model follows
# someone else (so the posture of a self-view a third of the height is measured), unless its
# height (forehead to chin) is above this fraction of the crop's side: a taller face would leave
# no room for the shoulders. The self-view a third of the height (tests/test_people_and_hands.py)
# has a face 122 px high, 0.48 of its 254 px crop, and pose is found there on 125 of 126 frames.
ROI_FACE_MAX = 0.5
# The crop is moved (from the next frames on) only when the face drifted more than this
# fraction of the crop's side from the crop's centre: a still crop keeps the models' tracking
# steady, a person moving in their tile is followed. Not tuned: the tested insets do not move.
ROI_RECENTRE = 0.2


def roi_side(width: int, height: int) -> int:
    """Side in pixels of the square crop the models look closer at (ROI_SIDE of the height)."""
    return max(1, min(int(round(ROI_SIDE * height)), width, height))


def place_crop(cx: float, cy: float, side: int, width: int, height: int) -> tuple[int, int, int]:
    """(x0, y0, side) of the square crop centred on (cx, cy) pixels, kept inside the frame."""
    x0 = int(round(min(max(cx - side / 2, 0), width - side)))
    y0 = int(round(min(max(cy - side / 2, 0), height - side)))
    return x0, y0, side


def search_crops(choice: PersonChoice, width: int, height: int) -> list[tuple[int, int, int]]:
    """Where to look closer for ``choice``, in the order to try: for a point, the crop around
    it; for a side, crops along that edge, overlapping by half, the corners first (where call
    apps put the self-view), so any face smaller than half a crop is wholly inside one."""
    side = roi_side(width, height)
    if choice.kind == "point":
        return [place_crop(choice.x * width, choice.y * height, side, width, height)]
    if choice.kind not in SIDES:
        return []
    along = width if choice.kind in ("top", "bottom") else height
    steps = max(1, int(np.ceil((along - side) / (side / 2))))
    offsets = sorted({int(round(i * (along - side) / steps)) for i in range(steps + 1)},
                     key=lambda o: (min(o, along - side - o), -o))
    crops = []
    for o in offsets:
        c = o + side / 2
        if choice.kind == "top":
            crops.append(place_crop(c, side / 2, side, width, height))
        elif choice.kind == "bottom":
            crops.append(place_crop(c, height - side / 2, side, width, height))
        elif choice.kind == "left":
            crops.append(place_crop(side / 2, c, side, width, height))
        else:
            crops.append(place_crop(width - side / 2, c, side, width, height))
    return crops


@dataclass(slots=True)
class Seen:
    """What the models found on one frame, landmarks as arrays normalised to the whole frame."""

    faces: list[np.ndarray]
    matrices: list
    blendshapes: list
    pose: np.ndarray | None
    hands: list[np.ndarray] | None  # None: the hand model did not run

    @classmethod
    def of(cls, face_result, pose_result, hand_result, roi: tuple[int, int, int] | None, shape: tuple) -> "Seen":
        """From MediaPipe's results; ``roi`` (x0, y0, side) maps landmarks found on that crop
        of a frame of ``shape`` back to the whole frame."""
        faces = [np.array([(p.x, p.y, p.z) for p in lm], dtype=np.float32) for lm in face_result.face_landmarks]
        pose = None
        if pose_result is not None and pose_result.pose_landmarks:
            pose = np.array(
                [(p.x, p.y, p.z, p.visibility if p.visibility is not None else 0.0) for p in pose_result.pose_landmarks[0]],
                dtype=np.float32,
            )
        hands = None
        if hand_result is not None:
            hands = [np.array([(p.x, p.y, p.z) for p in lm], dtype=np.float32) for lm in hand_result.hand_landmarks]
        if roi is not None:
            faces = [from_crop(f, roi, shape) for f in faces]
            pose = None if pose is None else from_crop(pose, roi, shape)
            hands = None if hands is None else [from_crop(h, roi, shape) for h in hands]
        return cls(faces, face_result.facial_transformation_matrixes or [], face_result.face_blendshapes or [],
                   pose, hands)


def from_crop(points: np.ndarray, roi: tuple[int, int, int], shape: tuple) -> np.ndarray:
    """Landmarks normalised to the crop ``roi`` (x0, y0, side) -> normalised to the whole frame
    (z, in units of the image's width like x, scaled with it)."""
    x0, y0, side = roi
    h, w = shape[:2]
    out = points.copy()
    out[:, 0] = (x0 + points[:, 0] * side) / w
    out[:, 1] = (y0 + points[:, 1] * side) / h
    out[:, 2] = points[:, 2] * side / w
    return out


def crop_image(image: np.ndarray, roi: tuple[int, int, int]) -> mp.Image:
    """The square crop ``roi`` (x0, y0, side) of a BGR frame at its own resolution, as an RGB mp.Image."""
    x0, y0, side = roi
    return mp.Image(image_format=mp.ImageFormat.SRGB,
                    data=cv2.cvtColor(image[y0:y0 + side, x0:x0 + side], cv2.COLOR_BGR2RGB))


def crop_around(face: np.ndarray, shape: tuple, side: int) -> tuple[int, int, int]:
    """The crop of ``side`` pixels centred on a face (normalised to the whole frame)."""
    h, w = shape[:2]
    centre = face[:, :2].mean(axis=0) * (w, h)
    return place_crop(float(centre[0]), float(centre[1]), side, w, h)


def inside(point: np.ndarray, face: np.ndarray) -> bool:
    """Whether ``point`` lies on the box of ``face`` (both normalised)."""
    lo, hi = face[:, :2].min(axis=0), face[:, :2].max(axis=0)
    return bool(np.all(point >= lo) and np.all(point <= hi))
