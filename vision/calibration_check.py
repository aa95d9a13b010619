"""Checks that a calibration capture shows a still, frontal person looking into the lens, and
bounds how far any calibration may move the scoring targets from the defaults.

A calibration taken while the user looked away used to be saved: its gaze target sat 19 deg to
the side, and afterwards eye contact read 0-5 % while the user looked straight into the lens.
Now a capture in which the gaze, the head or the body moved, or the face was not frontal or
not looking at the lens, is refused with one sentence saying what went wrong.

The limits below come from 3-4 s windows of the shared clips (15 Hz, blinks skipped; spread =
90th minus 10th percentile); `scripts/measure_scores.py` prints them (capture_spreads):

- still people looking into the lens (proctoringai__center_focus, the camera parts of
  proctoringai__center_left_center, grid_lipnet__lbax4n, pyfeat__single_face, the last 1.4 s of
  mediapipe__selfie_segmentation_web and of tfjsmodels__facemesh_demo_input): gaze yaw spread
  0.8-4.2 deg, gaze pitch 1.5-8.1 deg, head spread at most 4.8 deg (pitch), shoulder midpoint
  at most 0.027 shoulder widths, face distance at most 1.9 %;
- captures that should be refused: the eyes turning away (center_left_center 4-8 s: gaze yaw
  spread 21.6 deg) or back (9-13 s: 25.6 deg), a steady look 19 deg to the side (6.5-10.5 s),
  head rolls (facemesh 0-4 s: roll spread 34.7 deg), gestures and glances down
  (selfie_segmentation 0-4 s: gaze pitch spread 14 deg; her shoulders move 0.071 widths, which
  the body limit below lets pass because shoulder landmarks jitter more at low resolution).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

# Spread limits (90th - 10th percentile over the capture): about twice the stillest real
# captures' largest value, well under the smallest real movement listed above.
GAZE_YAW_SPREAD_DEG = 8.0
GAZE_PITCH_SPREAD_DEG = 12.0
HEAD_SPREAD_DEG = 6.0
# Shoulder midpoint, in shoulder widths. Shoulder landmarks jitter more than the face's: the
# still man of center_left_center letterboxed to 480 px tall (tests/test_gui_self_check.py)
# measured 0.043 offline and more in the live window (frames dropped, shoulders near the
# bottom edge), so the limit sits at twice that rather than twice the native clips' 0.027;
# leaning or shifting the chair moves it by 0.1-0.3.
BODY_SHIFT_SPREAD = 0.10
DISTANCE_LOG_SPREAD = 0.06      # 6 % nearer or further
# Frontal: the head turned from the camera by more than this (median). A laptop user who
# looks at the lens has yaw within a few degrees; MediaPipe's head pitch carries a per-face
# offset of up to 16 deg on the shared clips (center_left_center), so pitch gets more room.
FRONTAL_YAW_DEG = 20.0
FRONTAL_PITCH_DEG = 25.0
# How far from the lens (yaw 0, pitch 0) a calibration may put the gaze target: people
# looking into the lens measured gaze yaw -0.9 to +2.4 deg on the five lens faces (pyfeat__single_face,
# a slight look aside, -6.3) and pitch -10.4 to +0.9 deg (SCORING_VERSION 4, vision/head_pose.py);
# the refused look-away sat near -20 deg sideways.
GAZE_TARGET_YAW_BOUND = 12.0
GAZE_TARGET_PITCH_BOUND = 20.0
# Head roll and shoulder tilt baselines: still upright people measured |roll| <= 3.5 deg and
# |tilt| <= 2 deg; a baseline beyond these would excuse a clearly tilted head or shoulders
# (scoring.HEAD_ROLL_DEG and SHOULDER_TILT_DEG count 16 and 9 deg as clear tilts).
HEAD_ROLL_BOUND = 10.0
# Calibrations older than this version measured the gaze target with other head angles (vision.calibration).
GAZE_TARGET_SINCE_VERSION = 2
# ... and the side offset at the nose tip, not at the head's centre (vision.features).
SIDE_OFFSET_SINCE_VERSION = 3
SHOULDER_TILT_BOUND = 8.0


@dataclass(frozen=True, slots=True)
class CaptureSample:
    """One usable calibration frame's measurements."""

    gaze_yaw: float
    gaze_pitch: float
    head_yaw: float
    head_pitch: float
    head_roll: float
    shoulder_mid: tuple[float, float] | None = None   # in shoulder widths
    log_distance: float | None = None


def capture_problem(samples: list[CaptureSample]) -> str | None:
    """One sentence saying why this capture cannot be a baseline, or None if it can."""
    if not samples:
        return None
    col = lambda name: np.array([getattr(s, name) for s in samples], dtype=np.float64)
    spread = lambda v: float(np.percentile(v, 90) - np.percentile(v, 10)) if len(v) >= 3 else 0.0
    head_yaw, head_pitch = float(np.median(col("head_yaw"))), float(np.median(col("head_pitch")))
    if abs(head_yaw) > FRONTAL_YAW_DEG or abs(head_pitch) > FRONTAL_PITCH_DEG:
        return ("Your face was turned away from the camera; face the camera squarely, "
                "look into the lens and try again.")
    if max(spread(col("head_yaw")), spread(col("head_pitch")), spread(col("head_roll"))) > HEAD_SPREAD_DEG:
        return "Your head moved during the capture; keep your head still for the four seconds and try again."
    mids = np.array([s.shoulder_mid for s in samples if s.shoulder_mid is not None], dtype=np.float64)
    dist = np.array([s.log_distance for s in samples if s.log_distance is not None], dtype=np.float64)
    if (len(mids) >= 3 and max(spread(mids[:, 0]), spread(mids[:, 1])) > BODY_SHIFT_SPREAD) or \
            spread(dist) > DISTANCE_LOG_SPREAD:
        return "You moved during the capture; sit still the way you want to sit and try again."
    if spread(col("gaze_yaw")) > GAZE_YAW_SPREAD_DEG or spread(col("gaze_pitch")) > GAZE_PITCH_SPREAD_DEG:
        return "Your eyes moved away from the lens during the capture; keep looking into the lens and try again."
    yaw, pitch = float(np.median(col("gaze_yaw"))), float(np.median(col("gaze_pitch")))
    if abs(yaw) > GAZE_TARGET_YAW_BOUND or abs(pitch) > GAZE_TARGET_PITCH_BOUND:
        where = ("to the side" if abs(yaw) / GAZE_TARGET_YAW_BOUND >= abs(pitch) / GAZE_TARGET_PITCH_BOUND
                 else ("above" if pitch > 0 else "below") + " the lens")
        return (f"You seemed to look {where} rather than into the lens (about {max(abs(yaw), abs(pitch)):.0f}° off); "
                "look straight into the camera lens, not at the screen, and try again.")
    return None


def bounded(calibration):
    """The calibration as the scorer may use it (older stored calibrations were not checked):
    a gaze target beyond the bounds above was a look away, not the user's lens direction, so
    it is dropped (None: the scorer then uses the default target), and so is one measured before
    calibration version 2 (head angles then came from MediaPipe's matrix, vision/head_pose.py);
    a side offset from before version 3 (measured at the nose tip) is dropped too; head roll and
    shoulder tilt baselines are clamped to their bounds. None stays None."""
    if calibration is None:
        return None
    clamp = lambda v, b: None if v is None else float(min(b, max(-b, v)))
    gaze_ok = (calibration.version >= GAZE_TARGET_SINCE_VERSION and calibration.gaze_yaw is not None and calibration.gaze_pitch is not None
               and abs(calibration.gaze_yaw) <= GAZE_TARGET_YAW_BOUND
               and abs(calibration.gaze_pitch) <= GAZE_TARGET_PITCH_BOUND)
    return replace(
        calibration,
        gaze_yaw=calibration.gaze_yaw if gaze_ok else None,
        gaze_pitch=calibration.gaze_pitch if gaze_ok else None,
        head_roll=clamp(calibration.head_roll, HEAD_ROLL_BOUND),
        shoulder_tilt=clamp(calibration.shoulder_tilt, SHOULDER_TILT_BOUND),
        side_offset=calibration.side_offset if calibration.version >= SIDE_OFFSET_SINCE_VERSION else None,
    )
