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
FACE_LEFT_EDGE, FACE_RIGHT_EDGE = 234, 454
NOSE_TIP = 1
# How far the head sits to one side of the shoulders is measured from the midpoint of the
# face's two side edges at ear level (FACE_LEFT_EDGE, FACE_RIGHT_EDGE), not from the nose tip:
# the head turns about the neck, below the ears, and the ear over the shoulder is the usual
# upright reference (the plumb line of sitting posture), so it holds for a camera off to one
# side. The nose tip sits ~10 cm in front of that axis: along the shoulder line it moved by
# 0.6-1.3 % of a shoulder width per degree of head yaw on tfjsmodels__facemesh_demo,
# mediapipe__selfie_segmentation_web and video4j (least squares over frames with |roll| < 10
# deg), the edges' midpoint by 0.2-1.0 %; video4j's upright man, head turned ~15 deg, sat at
# -0.12 (nose) and +0.00 (edges). How high the head sits (the neck ratio, for slouching) is
# still measured at the nose tip: from the edges' midpoint the looks down of mediapipe_selfie
# varied it half as much (SD 0.019 against 0.039 shoulder widths; the other two clips alike),
# but a head sunk 120 px toward the shoulders (tests/test_posture_any_camera.py) read 0.087
# instead of 0.110, the face mesh's lower edge squeezed with the neck, and no longer passed
# that test. scripts/measure_scores.py --only head prints these figures.

# Pose indices (BlazePose 33-point topology).
P_NOSE = 0
P_L_EAR, P_R_EAR = 7, 8
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
    #: Nose tip above the shoulder midpoint, across the shoulder line, in shoulder widths.
    neck_ratio: float | None = None
    #: Head centre (ear level) off the shoulder midpoint along the shoulder line (+ = image right).
    side_offset: float | None = None
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
                head, nose = _head_points(lm, pose_px, vis)
                if head is not None and nose is not None:
                    out["side_offset"] = _in_shoulder_frame(head - mid, ls - rs)[0]
                    out["neck_ratio"] = _in_shoulder_frame(nose - mid, ls - rs)[1]
    return Geometry(**out)


def _head_points(lm: FrameLandmarks, pose_px: np.ndarray, vis: np.ndarray):
    """The head's centre at ear level and the nose tip, pixels (face mesh, else the pose model's
    ears and nose); None where not seen."""
    if lm.face is not None:
        face = lm.face[:, :2] * (lm.width, lm.height)
        return (face[FACE_LEFT_EDGE] + face[FACE_RIGHT_EDGE]) / 2, face[NOSE_TIP]
    seen = lambda *i: all(vis[k] >= MIN_VISIBILITY for k in i)
    head = (pose_px[P_L_EAR] + pose_px[P_R_EAR]) / 2 if seen(P_L_EAR, P_R_EAR) else None
    return head, pose_px[P_NOSE] if seen(P_NOSE) else None


def _in_shoulder_frame(offset: np.ndarray, shoulders: np.ndarray) -> tuple[float, float]:
    """An offset from the shoulder midpoint as (along the shoulder line, + = image right; above
    it, + = up), in shoulder widths. Measured against the shoulder line rather than the image
    axes, a camera rolled a few degrees changes the shoulder tilt only, not the head's place
    over the shoulders (in image axes an 8 deg roll shifted it sideways by 0.08, the lean's
    dead zone)."""
    width = float(np.linalg.norm(shoulders))
    along = shoulders / width
    if along[0] < 0:
        along = -along
    up = np.array([along[1], -along[0]])   # perpendicular, toward the top of the image
    return float(offset @ along) / width, float(offset @ up) / width


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
