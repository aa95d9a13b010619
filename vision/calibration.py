"""A user's own baseline: where "looking at the lens" is and how they sit upright."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, fields
from statistics import median
from typing import Any, Iterable

from poise.vision.calibration_check import CaptureSample, capture_problem
from poise.vision.features import measure
from poise.vision.types import FrameLandmarks

#: 2: gaze and head angles measured from the landmarks as seen (vision/head_pose.py, SCORING_VERSION 4);
#: a version-1 gaze target was measured another way and is not used (calibration_check.bounded).
#: 3: the side offset measured at the head's centre at ear level along the shoulder line
#: (vision.features, issue 16); one measured before, at the nose tip, is not used.
CALIBRATION_VERSION = 3
# A baseline needs at least this many frames where face and shoulders were both seen
# (about 1 s at 15-30 Hz); the guided calibration records ~3 s.
MIN_CALIBRATION_FRAMES = 15


class CalibrationError(ValueError):
    """Not enough usable frames to calibrate (message is user-facing)."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Medians of the user's measurements while sitting upright and looking at the lens."""

    gaze_yaw: float | None   # head yaw + eye yaw, degrees (None: not used, see calibration_check.bounded)
    gaze_pitch: float | None
    head_roll: float
    shoulder_tilt: float | None
    neck_ratio: float | None
    side_offset: float | None
    distance_cm: float | None
    frames: int
    created_at: float = 0.0
    version: int = CALIBRATION_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Calibration":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def calibrate(landmarks: Iterable[FrameLandmarks]) -> Calibration:
    """Build a Calibration from a few seconds of frames (blinks and missing parts skipped).

    Raises CalibrationError (one user-facing sentence) when too few frames were usable, or
    when the capture shows movement, a face turned away or a gaze off the lens
    (vision/calibration_check.py).
    """
    gaze_yaw, gaze_pitch, roll, tilt, neck, side, dist = [], [], [], [], [], [], []
    samples: list[CaptureSample] = []
    for lm in landmarks:
        g = measure(lm)
        if g.head_yaw is None or g.eye_yaw is None or g.blink or lm.ambiguous:
            continue
        gaze_yaw.append(g.head_yaw + g.eye_yaw)
        gaze_pitch.append(g.head_pitch + g.eye_pitch)
        roll.append(g.head_roll)
        mid = None
        if g.shoulder_mid is not None and g.shoulder_width:
            mid = (g.shoulder_mid[0] / g.shoulder_width, g.shoulder_mid[1] / g.shoulder_width)
        samples.append(CaptureSample(gaze_yaw[-1], gaze_pitch[-1], g.head_yaw, g.head_pitch, g.head_roll, mid,
                                     math.log(g.distance_cm) if g.distance_cm and g.distance_cm > 0 else None))
        if g.distance_cm is not None:
            dist.append(g.distance_cm)
        if g.shoulder_tilt is not None:
            tilt.append(g.shoulder_tilt)
            if g.neck_ratio is not None:
                neck.append(g.neck_ratio)
                side.append(g.side_offset)
    if len(gaze_yaw) < MIN_CALIBRATION_FRAMES:
        raise CalibrationError(
            f"Calibration needs your face clearly in view for a few seconds; only {len(gaze_yaw)} usable frames were seen."
        )
    problem = capture_problem(samples)
    if problem is not None:
        raise CalibrationError(problem)
    med = lambda xs: float(median(xs)) if len(xs) >= MIN_CALIBRATION_FRAMES else None
    return Calibration(
        gaze_yaw=float(median(gaze_yaw)),
        gaze_pitch=float(median(gaze_pitch)),
        head_roll=float(median(roll)),
        shoulder_tilt=med(tilt),
        neck_ratio=med(neck),
        side_offset=med(side),
        distance_cm=med(dist),
        frames=len(gaze_yaw),
        created_at=time.time(),
    )
