"""Head pose from the face landmarks as seen: the face's turn relative to the line of sight.

MediaPipe's facial transformation matrix is fitted through a perspective camera with a fixed
63 deg vertical field of view centred on the picture, but its landmark network sees only the
face's appearance, which carries no sign of where in the picture the face sits. So the matrix's
angles move with the face's place in the picture, and neither of the two ways of reading them
holds (measured by construction: scripts/measure_scores.py, tests/test_head_pose.py):

- against the line from the face to the picture's centre (the rule before SCORING_VERSION 4),
  a person who looks into the lens of a camera panned 15-25 deg away from them read 15-27 deg
  of yaw: the full pan angle, since the matrix still said "frontal";
- against the optical axis (the rule for call recordings before version 4), the same frontal
  face moved from the middle of a 1280x720 picture to a gallery tile at x = 0.25 read 8 deg of
  yaw, and a tile in the top half 5 deg less pitch than the bottom.

A face that looks into a lens appears frontal to that lens wherever it sits in the picture
(only slightly widened by the oblique view near the picture's edge), and a gallery tile's face
that looks into its own camera appears frontal too. So Poise measures the head from the
landmarks alone: a weighted orthographic Procrustes fit (rotation, scale and shift; Umeyama
1991) of MediaPipe's own canonical face model to the landmarks in pixels, x and y as drawn and
z on x's scale (MediaPipe's convention; the nose tip measures 0.69-0.78 face widths in front of
the face's sides on every shared clip, portrait and landscape alike). The angles are then the
head's turn against the line of sight of whichever camera took the picture, with no field of
view to guess: a pan of +-25 deg moves them by at most 4 deg, a shift across a gallery by at
most 2 deg, and a mirrored picture gives the opposite yaw within 1 deg.
"""

from __future__ import annotations

import math

import numpy as np

# MediaPipe's canonical face model (centimetres; x toward the subject's left = the image's right
# for a face toward the camera, y up, z out of the face) at the 33 landmarks of its Procrustes
# basis, with their weights: copied from geometry_pipeline_metadata_landmarks.binarypb inside
# face_landmarker.task (the verified model file; tests/test_head_pose.py reads them back from it).
# Rows: landmark index, x, y, z, weight.
CANONICAL_BASIS = np.array([
    (4, 0.000000, -0.463170, 7.586580, 0.070910),
    (6, 0.000000, 2.473255, 5.788627, 0.032100),
    (10, 0.000000, 8.261778, 4.481535, 0.008447),
    (33, -4.445859, 2.663991, 3.173422, 0.058724),
    (54, -6.279331, 6.615427, 1.425850, 0.007667),
    (67, -3.523964, 8.005976, 3.729163, 0.009078),
    (117, -5.258659, 0.945811, 2.974312, 0.009792),
    (119, -3.300681, 0.861641, 3.872784, 0.014565),
    (121, -1.820731, 1.467954, 4.224124, 0.018591),
    (127, -7.743095, 2.364999, -2.005167, 0.005198),
    (129, -1.785794, -0.978284, 4.850470, 0.120625),
    (132, -7.270895, -2.890917, -2.252455, 0.005560),
    (133, -1.856432, 2.585245, 3.757904, 0.053286),
    (136, -5.085276, -7.178590, 0.714711, 0.066890),
    (143, -6.407571, 2.236021, 1.560843, 0.014817),
    (147, -6.234883, -1.944430, 1.663542, 0.014263),
    (198, -1.246815, 0.230297, 5.681036, 0.025462),
    (205, -3.832928, -1.537326, 4.137731, 0.047252),
    (263, 4.445859, 2.663991, 3.173422, 0.058724),
    (284, 6.279331, 6.615427, 1.425850, 0.007667),
    (297, 3.523964, 8.005976, 3.729163, 0.009078),
    (346, 5.258659, 0.945811, 2.974312, 0.009792),
    (348, 3.300681, 0.861641, 3.872784, 0.014565),
    (350, 1.820731, 1.467954, 4.224124, 0.018591),
    (356, 7.743095, 2.364999, -2.005167, 0.005198),
    (358, 1.785794, -0.978284, 4.850470, 0.120625),
    (361, 7.270895, -2.890917, -2.252455, 0.005560),
    (362, 1.856432, 2.585245, 3.757904, 0.053286),
    (365, 5.085276, -7.178590, 0.714711, 0.066890),
    (372, 6.407571, 2.236021, 1.560843, 0.014817),
    (376, 6.234883, -1.944430, 1.663542, 0.014263),
    (420, 1.246815, 0.230297, 5.681036, 0.025462),
    (425, 3.832928, -1.537326, 4.137731, 0.047252),
])
_IDS = CANONICAL_BASIS[:, 0].astype(int)
_WEIGHTS = CANONICAL_BASIS[:, 4] / CANONICAL_BASIS[:, 4].sum()
_CANON = CANONICAL_BASIS[:, 1:4] - (_WEIGHTS[:, None] * CANONICAL_BASIS[:, 1:4]).sum(axis=0)


def head_rotation(face: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """The rotation (3x3) that turns the canonical face into the face seen, in camera axes
    (x to the image's right, y up, z toward the viewer). None for a degenerate fit."""
    # Landmarks to those axes, in pixels: image y points down, MediaPipe's z away from the camera.
    seen = face[_IDS, :3] * (width, -float(height), -float(width))
    seen = seen - (_WEIGHTS[:, None] * seen).sum(axis=0)
    cov = (_CANON * _WEIGHTS[:, None]).T @ seen
    u, s, vt = np.linalg.svd(cov)
    if s[1] <= 1e-9:
        return None
    d = 1.0 if np.linalg.det(vt.T @ u.T) > 0 else -1.0
    return vt.T @ np.diag([1.0, 1.0, d]) @ u.T


def head_angles(face: np.ndarray, width: int, height: int) -> dict:
    """``head_yaw`` (+ = turned toward the image's right), ``head_pitch`` (+ = up) and
    ``head_roll`` in degrees, against the line of sight; {} for a degenerate fit."""
    rot = head_rotation(face, width, height)
    if rot is None:
        return {}
    fwd = rot[:, 2]
    x_axis = rot[:, 0]
    return {
        "head_yaw": math.degrees(math.atan2(fwd[0], fwd[2])),
        "head_pitch": math.degrees(math.atan2(fwd[1], math.hypot(fwd[0], fwd[2]))),
        "head_roll": math.degrees(math.atan2(x_axis[1], x_axis[0])),
    }
