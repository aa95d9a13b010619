"""The user's own upright baseline, learned from the session itself when there is no calibration.

How high the head sits above the shoulders in the picture (the neck ratio) and how far away
the face is depend on the camera's height, angle and lens as much as on the person: the same
upright man measures a neck ratio of 0.46 from a phone held low (pyfeat__single_face) and
0.58 from a studio camera (grid_lipnet__lbax4n), and a camera below or above eye level
foreshortens it further (tests/test_posture_any_camera.py). So, uncalibrated, slouching and
leaning are judged as change against the person's own posture earlier in the same session:

- the upright neck ratio is a high quantile of the ratios seen so far (people are upright
  most of the time they are not slouching, and their head is never higher than upright);
- the usual distance is the median distance seen so far;
- the level of the shoulders is their median tilt so far, which the scorer uses only as far
  as a camera can account for (scoring.CAMERA_LEVEL_DEG).

Updated in constant time per frame (fixed histograms), so an hour-long live session costs the
same per frame as a short clip.
"""

from __future__ import annotations

import math

import numpy as np

# Quantile of the neck ratios seen so far that stands for "upright". A slouch lasting most of
# a session still leaves the upright stretches in the top fifth; on the still upright shared
# clips the ratio's 80th percentile lies 0.005-0.012 above its median (landmark jitter), far
# inside the slouch dead zone (scoring.SLOUCH_RATIO, 0.05).
UPRIGHT_QUANTILE = 0.8
# Histogram ranges and bin widths: neck ratios measured on the shared clips and under the
# perspective-warped views of the tests lie in 0.25-0.65; the range leaves room for extremes.
# A bin of 0.0025 is a tenth of the slouch dead zone's smallest step that matters.
NECK_RANGE = (-1.0, 2.0)
NECK_BIN = 0.0025
# Face distance (cm, from the facial transformation matrix): 10-300 cm covers a phone held
# close to a webcam across a room; bins of 0.5 % in log distance (lean's dead zone is 10 %).
LOG_DISTANCE_RANGE = (math.log(10.0), math.log(300.0))
LOG_DISTANCE_BIN = 0.005
# Shoulder tilt, degrees: bins of 0.1 deg (the tilt's dead zone is 3 deg).
ANGLE_RANGE = (-90.0, 90.0)
ANGLE_BIN = 0.1


class RunningQuantile:
    """A quantile of every value added so far, from a fixed histogram (constant cost per value)."""

    def __init__(self, lo: float, hi: float, step: float, q: float) -> None:
        self.lo, self.step, self.q = lo, step, q
        self.counts = np.zeros(int(math.ceil((hi - lo) / step)) + 1, dtype=np.int64)
        self.n = 0

    def add(self, value: float) -> None:
        k = int((value - self.lo) / self.step)
        self.counts[min(max(k, 0), len(self.counts) - 1)] += 1
        self.n += 1

    def value(self) -> float | None:
        if self.n == 0:
            return None
        k = int(np.searchsorted(np.cumsum(self.counts), self.q * self.n, side="left"))
        return self.lo + (k + 0.5) * self.step


class SessionBaseline:
    """Feed it each frame's measurements; it returns the baseline to judge that frame against."""

    def __init__(self) -> None:
        self._neck = RunningQuantile(*NECK_RANGE, NECK_BIN, UPRIGHT_QUANTILE)
        self._distance = RunningQuantile(*LOG_DISTANCE_RANGE, LOG_DISTANCE_BIN, 0.5)
        self._tilt = RunningQuantile(*ANGLE_RANGE, ANGLE_BIN, 0.5)

    def neck_ratio(self, current: float) -> float:
        """The upright neck ratio learned so far, including this frame."""
        self._neck.add(current)
        return self._neck.value()

    def distance_cm(self, current: float) -> float:
        """The median face distance so far, including this frame."""
        self._distance.add(math.log(current))
        return math.exp(self._distance.value())

    def shoulder_tilt(self, current: float) -> float:
        """The median shoulder tilt so far, including this frame."""
        self._tilt.add(current)
        return self._tilt.value()

