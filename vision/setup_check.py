"""Notices when the camera or the setup changed so that the saved calibration no longer fits.

At calibration time we also keep a *setup baseline*: where the face sits in the picture, how
big it looks, how the head is turned toward the camera, and the image's shape. During the first
seconds of a later session the same medians are measured again; a large change in any of them
means the camera was moved, swapped or re-aimed (or the user sits somewhere else), and the
posture and gaze baselines of the calibration would judge the user against the wrong reference.

Everything here is about the *camera and the seat*, not habits: a user who looks away or
slouches moves the medians a little, the thresholds below are set well beyond that.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, fields
from statistics import median
from typing import Any, Iterable

from poise.vision.features import measure
from poise.vision.types import FrameLandmarks

logger = logging.getLogger(__name__)

SETUP_VERSION = 1
#: Key of the setup baseline inside a stored calibration dict (Calibration.from_dict ignores it).
SETUP_KEY = "setup"

# Seconds of a session to look at, and the usable frames needed (about 2 s at 15 Hz): long
# enough for medians to ignore a glance away or a blink, short enough to warn early.
CHECK_WINDOW_S = 5.0
MIN_CHECK_FRAMES = 30
# Apparent face width (fraction of the image width) changed by more than 35 %: people sway
# +-10-15 % while talking (posture's own lean dead zone is 10 %); 35 % means the camera or
# the chair moved by about a third of the distance, or a camera with another field of view.
FACE_SIZE_LOG_LIMIT = math.log(1.35)
# Face centre moved by more than 20 % of the image size: people drift +-5-10 % in a session;
# a fifth of the frame means the camera was re-aimed or moved.
FACE_SHIFT_LIMIT = 0.20
# Head turned relative to the camera by more than 20 deg (median): looking from the lens to
# the middle of a laptop screen is ~10-15 deg; a camera on another monitor is 25+ deg.
HEAD_TURN_LIMIT_DEG = 20.0
# The picture's aspect ratio changed by more than 5 %: a different camera or mode.
ASPECT_LIMIT = 0.05


@dataclass(frozen=True, slots=True)
class SetupBaseline:
    """Medians over calibration frames (face position and size as fractions of the image)."""

    face_x: float
    face_y: float
    face_size: float     # face width / image width
    head_yaw: float
    head_pitch: float
    aspect: float        # width / height
    frames: int
    version: int = SETUP_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SetupBaseline":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class SetupVerdict:
    """``fits`` is False with reasons (user sentences) when the calibration no longer fits."""

    fits: bool
    reasons: tuple[str, ...] = ()
    frames: int = 0

    @property
    def message(self) -> str:
        if self.fits:
            return "Your setup matches your calibration."
        return ("Your setup seems to have changed since you calibrated (" + "; ".join(self.reasons)
                + "). Recalibrate so the scores use the right baseline.")


def measure_setup(landmarks: Iterable[FrameLandmarks]) -> SetupBaseline | None:
    """Medians of the setup measurements over frames with a clear face; None if too few."""
    xs, ys, sizes, yaws, pitches, aspects = [], [], [], [], [], []
    for lm in landmarks:
        if lm.ambiguous or lm.face is None or not lm.width or not lm.height:
            continue
        g = measure(lm)
        if g.face_centre is None or g.face_width is None or g.head_yaw is None:
            continue
        xs.append(g.face_centre[0] / lm.width)
        ys.append(g.face_centre[1] / lm.height)
        sizes.append(g.face_width / lm.width)
        yaws.append(g.head_yaw)
        pitches.append(g.head_pitch)
        aspects.append(lm.width / lm.height)
    if len(xs) < MIN_CHECK_FRAMES:
        return None
    m = lambda v: float(median(v))
    return SetupBaseline(m(xs), m(ys), m(sizes), m(yaws), m(pitches), m(aspects), len(xs))


def compare(baseline: SetupBaseline, now: SetupBaseline) -> SetupVerdict:
    """Which setup measurements moved beyond their limits."""
    reasons = []
    if abs(now.aspect / baseline.aspect - 1.0) > ASPECT_LIMIT:
        reasons.append("the camera picture has a different shape, so this looks like another camera")
    if baseline.face_size > 0 and now.face_size > 0:
        change = math.log(now.face_size / baseline.face_size)
        if abs(change) > FACE_SIZE_LOG_LIMIT:
            reasons.append("you appear much " + ("closer to" if change > 0 else "further from") + " the camera")
    shift = math.hypot(now.face_x - baseline.face_x, now.face_y - baseline.face_y)
    if shift > FACE_SHIFT_LIMIT:
        reasons.append("your face sits in a different part of the picture")
    turn = math.hypot(now.head_yaw - baseline.head_yaw, now.head_pitch - baseline.head_pitch)
    if turn > HEAD_TURN_LIMIT_DEG:
        reasons.append("the camera is at a different angle to you")
    return SetupVerdict(not reasons, tuple(reasons), now.frames)


def baseline_from_calibration(calibration: dict | None) -> SetupBaseline | None:
    """The setup baseline stored with a calibration dict (None for older calibrations)."""
    if not calibration or not isinstance(calibration.get(SETUP_KEY), dict):
        return None
    try:
        return SetupBaseline.from_dict(calibration[SETUP_KEY])
    except TypeError:
        logger.warning("stored setup baseline is incomplete; ignoring it")
        return None


class SetupMonitor:
    """Feed it a live session's landmarks; after CHECK_WINDOW_S it gives one verdict.

    ``feed`` returns None while it is still collecting (or when there is nothing to compare
    with) and the SetupVerdict exactly once.
    """

    def __init__(self, calibration: dict | None, window_s: float = CHECK_WINDOW_S) -> None:
        self.baseline = baseline_from_calibration(calibration)
        self.window_s = window_s
        self._frames: list[FrameLandmarks] = []
        self._start_ms: int | None = None
        self.verdict: SetupVerdict | None = None
        self.done = self.baseline is None

    def feed(self, lm: FrameLandmarks) -> SetupVerdict | None:
        if self.done:
            return None
        if self._start_ms is None:
            self._start_ms = lm.timestamp_ms
        self._frames.append(lm)
        if lm.timestamp_ms - self._start_ms < self.window_s * 1000:
            return None
        now = measure_setup(self._frames)
        if now is None:
            # Not enough clear frames yet (user not in view): keep looking, bounded memory.
            self._frames = self._frames[-int(MIN_CHECK_FRAMES * 4):]
            return None
        self.done = True
        self._frames = []
        self.verdict = compare(self.baseline, now)
        logger.info("setup check: %s", self.verdict.message)
        return self.verdict
