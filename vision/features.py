"""Geometric measurements from one frame's landmarks (head pose, iris offsets, body geometry)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from poise.vision.head_pose import head_angles
from poise.vision.types import FrameLandmarks

# Face-mesh indices (MediaPipe canonical face model). "Right" is the subject's right eye,
# which appears on the image's left in an unmirrored frame.
R_EYE_OUTER, R_EYE_INNER, R_EYE_TOP, R_EYE_BOTTOM = 33, 133, 159, 145
L_EYE_OUTER, L_EYE_INNER, L_EYE_TOP, L_EYE_BOTTOM = 263, 362, 386, 374
R_IRIS, L_IRIS = 468, 473  # iris centres (468-472 and 473-477)
NOSE_TIP = 1
FACE_LEFT_EDGE, FACE_RIGHT_EDGE = 234, 454

# Pose indices (BlazePose 33-point topology).
P_NOSE = 0
P_L_SHOULDER, P_R_SHOULDER = 11, 12
P_L_WRIST, P_R_WRIST = 15, 16
P_HAND_POINTS = (15, 16, 17, 18, 19, 20, 21, 22)  # wrists, pinkies, index fingers, thumbs
# Hand-model indices (MediaPipe 21-point hand topology).
H_WRIST, H_MIDDLE_MCP = 0, 9
H_TIPS = (4, 8, 12, 16, 20)
# A hand-model hand is kept when at least this share of its 21 points lies inside the picture:
# the tracker can hold on to a hand that has left the frame (seen on
# mediapipe__selfie_segmentation_web: a "hand" centred at y = 1.01 for 5 s while she writes
# below the frame), and such a hand is not seen.
MIN_HAND_IN_FRAME = 0.5

# Pose landmarks below this visibility are treated as unseen (MediaPipe's own examples use 0.5).
MIN_VISIBILITY = 0.5
# Blink: MediaPipe eyeBlink blendshape above this (both eyes averaged); 0.5 is the
# midpoint of the blendshape's range; open eyes on the shared clips sit below 0.3.
BLINK_THRESHOLD = 0.5
# Iris offset (fraction of half the eye width) to eye rotation in degrees. The eyeball radius
# is ~12 mm and half the palpebral fissure ~15 mm (adult anthropometry), so an offset d
# corresponds to asin(d * 15/12); the visible iris range is about +-0.5 of the half-width.
EYE_HALF_WIDTH_OVER_RADIUS = 15.0 / 12.0
# The iris sits in front of the line between the eye corners, so a head turned by theta moves
# it sideways between the corners by this many half-widths times tan(theta) even when the eye
# does not turn in the head: MediaPipe's canonical face model puts the lids' centre (which
# rest on the cornea, at about the depth of the iris seen through it) 0.36 cm in front of the
# corners' midpoint, with a half-width of 1.33 cm (vision/head_pose.py reads the same model).
# Left in, it made a head turned 10 deg with the eyes back on the lens read ~3.4 deg aside.
IRIS_DEPTH_OVER_HALF_WIDTH = 0.36 / 1.33
# Vertical gaze comes from the eyeLookUp/eyeLookDown blendshapes: the lids follow the iris
# when people look down, so iris-between-lids barely moves (measured on
# mediapipe__selfie_segmentation_web: looking at the hands gives eyeLookDown ~0.8 while the
# iris-lid offset stays within 2 deg). A full blendshape unit is taken as 45 deg, about the
# human eye's downward range; looking into the lens measured eyeLookDown 0.07-0.46.
EYE_PITCH_PER_BLENDSHAPE_UNIT = 45.0


@dataclass(frozen=True, slots=True)
class Geometry:
    """Per-frame measurements; None where the needed landmarks were missing."""

    head_yaw: float | None = None
    head_pitch: float | None = None
    head_roll: float | None = None
    eye_yaw: float | None = None      # eyes in the head, degrees, + = toward image right
    eye_pitch: float | None = None    # + = up
    blink: bool | None = None
    face_width: float | None = None   # pixels of the analysed image
    face_centre: tuple[float, float] | None = None  # pixels
    face_box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 pixels
    distance_cm: float | None = None  # from the facial transformation matrix
    shoulder_width: float | None = None  # pixels
    shoulder_mid: tuple[float, float] | None = None
    shoulder_tilt: float | None = None   # degrees, + = subject's left shoulder (image right) lower
    neck_ratio: float | None = None      # (shoulder line y - nose y) / shoulder width
    side_offset: float | None = None     # (nose x - shoulder mid x) / shoulder width
    hands: np.ndarray | None = None      # (8, 3): x, y pixels and visibility of pose hand points
    #: The hand model's hands of the user, each (21, 2) pixels; None = the model did not run.
    hand_points: tuple[np.ndarray, ...] | None = None


def measure(lm: FrameLandmarks) -> Geometry:
    w, h = lm.width, lm.height
    out: dict = {}
    if lm.face is not None:
        face_px = lm.face[:, :2] * (w, h)
        out.update(head_angles(lm.face, w, h))
        out.update(_eye_rotation(face_px, out.get("head_yaw")))
        out["blink"] = _blink(lm.blendshapes)
        if lm.blendshapes:
            out["eye_pitch"] = _blend_pitch(lm.blendshapes)
        out["face_width"] = float(np.linalg.norm(face_px[FACE_LEFT_EDGE] - face_px[FACE_RIGHT_EDGE]))
        lo, hi = face_px.min(axis=0), face_px.max(axis=0)
        out["face_box"] = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        out["face_centre"] = (float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2))
        if lm.face_matrix is not None:
            out["distance_cm"] = float(-lm.face_matrix[2, 3])
    if lm.hands is not None:
        out["hand_points"] = tuple(pts[:, :2] * (w, h) for pts in lm.hands if _in_frame_share(pts) >= MIN_HAND_IN_FRAME)
    if lm.pose is not None:
        pose_px = lm.pose[:, :2] * (w, h)
        vis = lm.pose[:, 3]
        out["hands"] = np.column_stack([pose_px[list(P_HAND_POINTS)], vis[list(P_HAND_POINTS)]])
        if vis[P_L_SHOULDER] >= MIN_VISIBILITY and vis[P_R_SHOULDER] >= MIN_VISIBILITY:
            ls, rs = pose_px[P_L_SHOULDER], pose_px[P_R_SHOULDER]
            width = float(np.linalg.norm(ls - rs))
            if width > 1.0:
                mid = (ls + rs) / 2
                out["shoulder_width"] = width
                out["shoulder_mid"] = (float(mid[0]), float(mid[1]))
                # Subject's left shoulder is on the image right in an unmirrored frame.
                dx, dy = ls[0] - rs[0], ls[1] - rs[1]
                out["shoulder_tilt"] = math.degrees(math.atan2(dy, abs(dx)))
                if lm.face is not None:
                    nose = lm.face[NOSE_TIP, :2] * (w, h)
                elif vis[P_NOSE] >= MIN_VISIBILITY:
                    nose = pose_px[P_NOSE]
                else:
                    nose = None
                if nose is not None:
                    out["neck_ratio"] = float((mid[1] - nose[1]) / width)
                    out["side_offset"] = float((nose[0] - mid[0]) / width)
    return Geometry(**out)


def _in_frame_share(pts: np.ndarray) -> float:
    inside = (pts[:, 0] >= 0) & (pts[:, 0] <= 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= 1)
    return float(inside.mean())


def hand_size(pts: np.ndarray) -> float:
    """Wrist to middle-finger knuckle, pixels: a hand's own length unit."""
    return float(np.linalg.norm(pts[H_MIDDLE_MCP] - pts[H_WRIST]))


def finger_shape(pts: np.ndarray) -> np.ndarray | None:
    """The five finger tips relative to the wrist, in hand sizes (10 numbers): how the fingers
    are held, whatever the hand's place in the picture. None for a degenerate hand."""
    size = hand_size(pts)
    if size < 1.0:
        return None
    return ((pts[list(H_TIPS)] - pts[H_WRIST]) / size).ravel()


def _eye_rotation(face_px: np.ndarray, head_yaw: float | None = None) -> dict:
    """Where the irises sit between the eye corners and lids, as approximate eye angles in the
    head (the sideways shift a turned head alone gives the iris is taken out: IRIS_DEPTH_OVER_HALF_WIDTH)."""
    offsets = []
    for outer, inner, top, bottom, iris in (
        (R_EYE_OUTER, R_EYE_INNER, R_EYE_TOP, R_EYE_BOTTOM, R_IRIS),
        (L_EYE_OUTER, L_EYE_INNER, L_EYE_TOP, L_EYE_BOTTOM, L_IRIS),
    ):
        a, b = face_px[outer], face_px[inner]
        axis = b - a
        length = float(np.linalg.norm(axis))
        if length < 1.0:
            continue
        ux = axis / length
        # Orient the eye axis to point toward image-right for both eyes.
        if ux[0] < 0:
            ux = -ux
        uy = np.array([-ux[1], ux[0]])  # image-down, perpendicular
        centre = (a + b) / 2
        lid_mid = (face_px[top] + face_px[bottom]) / 2
        d = face_px[iris] - centre
        dv = face_px[iris] - lid_mid
        half = length / 2
        offsets.append((float(d @ ux) / half, float(dv @ uy) / half))
    if not offsets:
        return {}
    ox = float(np.mean([o[0] for o in offsets]))
    if head_yaw is not None:
        ox -= IRIS_DEPTH_OVER_HALF_WIDTH * math.tan(math.radians(head_yaw))
    oy = float(np.mean([o[1] for o in offsets]))
    to_deg = lambda d: math.degrees(math.asin(max(-1.0, min(1.0, d * EYE_HALF_WIDTH_OVER_RADIUS))))
    return {"eye_yaw": to_deg(ox), "eye_pitch": -to_deg(oy)}


def _blink(blend: dict[str, float] | None) -> bool | None:
    if not blend:
        return None
    b = (blend.get("eyeBlinkLeft", 0.0) + blend.get("eyeBlinkRight", 0.0)) / 2
    return b > BLINK_THRESHOLD


def _blend_pitch(blend: dict[str, float]) -> float:
    up = (blend.get("eyeLookUpLeft", 0.0) + blend.get("eyeLookUpRight", 0.0)) / 2
    down = (blend.get("eyeLookDownLeft", 0.0) + blend.get("eyeLookDownRight", 0.0)) / 2
    return EYE_PITCH_PER_BLENDSHAPE_UNIT * (up - down)
