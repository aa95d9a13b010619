"""A baseline from a clip changes the eye-contact and posture scores of the same clip in the expected direction.

Clip: proctoringai__center_left_center.mp4 (real MediaPipe landmarks, 15 Hz). gaze_segments.csv
labels it: looking at the camera 0-5.5 s and 12-15.3 s, eyes turned sideways 6-11 s.
"""

from __future__ import annotations

import dataclasses
from statistics import mean

import numpy as np
import pytest

from poise.vision.calibration import Calibration, CalibrationError, calibrate
from poise.vision.scoring import Scorer

CLIP = "proctoringai__center_left_center.mp4"
CAMERA = ((0.0, 5.5), (12.0, 16.0))
AVERTED = ((6.0, 11.0),)


def _scores(landmarks, calibration):
    scorer = Scorer(calibration)
    return [scorer.score(lm) for lm in landmarks]


def _mean(frames, attr, spans):
    values = [getattr(f, attr) for f in frames
              if any(a <= f.t < b for a, b in spans) and getattr(f, attr) is not None]
    assert len(values) >= 20, f"too few measurable frames for {attr} in {spans}"
    return mean(values)


def _between(landmarks, a, b):
    return [lm for lm in landmarks if a <= lm.timestamp_ms / 1000 < b]


@pytest.fixture(scope="module")
def landmarks(clip_landmarks):
    return clip_landmarks(CLIP)


def test_calibration_round_trips_through_a_dict(landmarks):
    cal = calibrate(_between(landmarks, 0.0, 5.0))
    assert Calibration.from_dict({**cal.to_dict(), "setup": {"extra": 1}}) == cal
    assert cal.frames >= 40 and cal.neck_ratio is not None and cal.distance_cm is not None


def test_gaze_baseline_moves_eye_contact_in_the_expected_direction(landmarks):
    # The user's own baseline (first 5 s, looking at the lens) against the same baseline with
    # its gaze target moved 12 deg toward where the eyes turned at 6-11 s (the largest move a
    # calibration may make, vision/calibration_check.py). A capture taken while looking away
    # is refused now (tests/test_calibration_check.py), so the off target is constructed.
    at_lens = calibrate(_between(landmarks, 0.0, 5.0))
    sideways = dataclasses.replace(at_lens, gaze_yaw=at_lens.gaze_yaw - 12.0)

    good = _scores(landmarks, at_lens)
    off = _scores(landmarks, sideways)
    none = _scores(landmarks, None)
    # Looking at the lens counts as eye contact with the right baseline, less with the off one.
    assert _mean(good, "eye_contact", CAMERA) > 0.9
    assert _mean(off, "eye_contact", CAMERA) < _mean(good, "eye_contact", CAMERA) - 0.3
    # The gaze zone is narrow sideways and elliptical (scoring.GAZE_DEAD_YAW), so the man's
    # drift after his look-away (5.6 deg aside, 8 deg up from his calibration) costs a little of
    # the mean, but every lens-looking frame still reads as eye contact.
    contact = lambda frames: [f.eye_contact >= 0.5 for f in frames
                              if f.eye_contact is not None and any(a <= f.t < b for a, b in CAMERA)]
    assert all(contact(good)) and len(contact(good)) == len(contact(none))
    assert _mean(good, "eye_contact", CAMERA) > 0.95
    # And the sideways stretch flips: the off baseline calls it eye contact.
    assert _mean(good, "eye_contact", AVERTED) < 0.4
    # (the eyes turned ~20 deg, 8 deg beyond the off target: partly eye contact against it)
    assert _mean(off, "eye_contact", AVERTED) > _mean(good, "eye_contact", AVERTED) + 0.25


def _head_raised(lm, dy: float):
    """The same frame with the face drawn ``dy`` (fraction of the image height) higher above
    the shoulders: a baseline taken sitting more upright than in the clip (ground truth by
    construction; the head pose matrix is unchanged)."""
    face = lm.face.copy()
    face[:, 1] -= dy
    return dataclasses.replace(lm, face=face)


def test_posture_baseline_moves_posture_in_the_expected_direction(landmarks):
    own = calibrate(_between(landmarks, 0.0, 5.0))
    upright = calibrate([_head_raised(lm, 0.08) for lm in _between(landmarks, 0.0, 5.0) if lm.face is not None])
    assert upright.neck_ratio > own.neck_ratio + 0.1

    everywhere = ((0.0, 16.0),)
    good = _mean(_scores(landmarks, own), "posture", everywhere)
    off = _mean(_scores(landmarks, upright), "posture", everywhere)
    uncalibrated = _mean(_scores(landmarks, None), "posture", everywhere)
    # Against their own baseline the still, upright man scores upright; against a baseline
    # with the head higher he reads as sinking (slouched).
    assert good > 0.95
    assert good >= uncalibrated
    assert off < good - 0.25
    # The slouch component shows why.
    slouch = [f.components.slouch for f in _scores(landmarks, upright) if f.components.slouch is not None]
    assert np.median(slouch) > 0.1


def test_calibration_without_a_face_says_so(landmarks):
    no_face = [dataclasses.replace(lm, face=None, face_matrix=None) for lm in landmarks[:40]]
    with pytest.raises(CalibrationError, match="face clearly in view"):
        calibrate(no_face)
