"""Slight sideways gaze and down-and-aside gaze do not read as eye contact.

Ground truth by construction, on real MediaPipe landmarks: the frames of
proctoringai__center_left_center.mp4 where the man looks into the lens (0-5.5 s,
gaze_segments.csv), with his irises moved sideways in the picture by the amount that turns the
eyes by a known angle (features.EYE_HALF_WIDTH_OVER_RADIUS), and his eyeLookDown blendshapes
raised by a known downward angle (features.EYE_PITCH_PER_BLENDSHAPE_UNIT). Calibrated on his
own first 4 s. Before the calibrated gaze zone (SCORING_VERSION 2) a gaze 10 deg aside scored
0.78 and 7 deg aside plus 20 deg down scored 0.69: both read as eye contact.

Without calibration (the second half of this file) the same construction runs on five faces,
the lens-looking stretches of five clips, against the default lens direction
(scoring.DEFAULT_GAZE_YAW, the median of these five faces' own lens gaze: -0.9..+2.4 deg since
SCORING_VERSION 4). Each face keeps an offset of up to 2.6 deg from it, so a 10 deg look toward
the other side can still read as contact; only calibration removes that. To show the default is
not fitted to the face it is tested on, one test takes it from the other four faces
(left-one-out: 1.2-1.8 deg).
Measured in SCORING_VERSION 4 (mean eye contact, uncalibrated): lens 1.00 on every face; 15 deg
aside 0.02-0.13 (version 3: 0.01-0.16, version 2: up to 0.79); 12 deg 0.09-0.39 (version 3:
0.05-0.45); 10 deg 0.20-0.64. Left-one-out: lens 1.00, 15 deg 0.02-0.14, 12 deg 0.08-0.40 (10 of
10 face-sides below 0.5; version 3: 9 of 10).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from poise.vision.calibration import calibrate
from poise.vision.features import (EYE_HALF_WIDTH_OVER_RADIUS, EYE_PITCH_PER_BLENDSHAPE_UNIT, L_EYE_INNER,
                                   L_EYE_OUTER, R_EYE_INNER, R_EYE_OUTER)
from poise.vision.scoring import Scorer

CLIP = "proctoringai__center_left_center.mp4"
IRISES = ((R_EYE_OUTER, R_EYE_INNER, range(468, 473)), (L_EYE_OUTER, L_EYE_INNER, range(473, 478)))


def turned(lm, aside_deg=0.0, down_deg=0.0):
    """The frame with the eyes turned ``aside_deg`` toward the image's right and ``down_deg`` down."""
    face = lm.face.copy()
    for outer, inner, iris in IRISES:
        a, b = face[outer, :2] * (lm.width, lm.height), face[inner, :2] * (lm.width, lm.height)
        axis = (b - a) if b[0] > a[0] else (a - b)
        half = float(np.linalg.norm(axis)) / 2
        unit = axis / (2 * half)
        # Current offset d maps to asin(d * k); move the iris so the angle grows by aside_deg.
        shift = half * math.sin(math.radians(aside_deg)) / EYE_HALF_WIDTH_OVER_RADIUS
        face[list(iris), 0] += shift * unit[0] / lm.width
        face[list(iris), 1] += shift * unit[1] / lm.height
    blend = dict(lm.blendshapes)
    for side in ("Left", "Right"):
        blend[f"eyeLookDown{side}"] = blend.get(f"eyeLookDown{side}", 0.0) + down_deg / EYE_PITCH_PER_BLENDSHAPE_UNIT
    return dataclasses.replace(lm, face=face, blendshapes=blend)


@pytest.fixture(scope="module")
def lens(clip_landmarks):
    landmarks = clip_landmarks(CLIP)
    frames = [lm for lm in landmarks if lm.timestamp_ms < 5500 and lm.face is not None]
    return frames, calibrate([lm for lm in frames if lm.timestamp_ms < 4000])


def mean_eye(frames, calibration, **turn):
    scorer = Scorer(calibration)
    vals = [s.eye_contact for s in (scorer.score(turned(lm, **turn)) for lm in frames) if s.eye_contact is not None]
    assert len(vals) >= 0.9 * len(frames)
    return float(np.mean(vals))


def test_the_construction_turns_the_measured_gaze_by_the_asked_angle(lens):
    frames, cal = lens
    scorer = Scorer(cal)
    offsets = [s.components.gaze_yaw for s in (scorer.score(turned(lm, aside_deg=12.0)) for lm in frames)]
    assert abs(np.median(offsets) - 12.0) < 1.5


def test_a_slight_sideways_gaze_is_not_eye_contact(lens):
    frames, cal = lens
    scores = {deg: mean_eye(frames, cal, aside_deg=deg) for deg in (0, 10, 12, 15)}
    assert scores[0] > 0.95
    assert scores[10] < 0.5 and scores[12] < 0.3 and scores[15] < 0.1, scores
    left = mean_eye(frames, cal, aside_deg=-10)
    assert left < 0.5, "either side"


def test_looking_down_and_aside_is_not_eye_contact_but_a_small_glance_down_is(lens):
    frames, cal = lens
    assert mean_eye(frames, cal, aside_deg=7, down_deg=20) < 0.5
    assert mean_eye(frames, cal, down_deg=15) > 0.8      # a glance down at notes is still contact
    assert mean_eye(frames, cal, aside_deg=5) > 0.8      # so is a gaze 5 deg off the lens


# Lens-looking stretches (s) of five faces: shared labels for the Proctoring-AI clips, our labels
# (tests/test_scores_on_clips.py) for the others.
FACES = [
    ("proctoringai__center_left_center.mp4", 0.0, 5.5),
    ("proctoringai__center_focus.mp4", 0.0, 10.5),
    ("grid_lipnet__lbax4n.mpg", 0.0, 3.0),
    ("tfjsmodels__facemesh_demo_input.mp4", 9.0, 10.8),
    ("mediapipe__selfie_segmentation_web.mp4", 6.75, 9.0),
]


@pytest.fixture(scope="module")
def faces(clip_landmarks):
    return {name: [lm for lm in clip_landmarks(name) if a * 1000 <= lm.timestamp_ms < b * 1000 and lm.face is not None]
            for name, a, b in FACES}


@pytest.mark.parametrize("name", [f[0] for f in FACES])
def test_uncalibrated_a_look_15_deg_aside_is_not_eye_contact_on_any_face(faces, name):
    frames = faces[name]
    scorer = Scorer()
    lens = [s.eye_contact for s in map(scorer.score, frames)]
    assert np.mean([v >= 0.5 for v in lens]) >= 0.95, "looking into the lens is eye contact (>= 0.5)"
    for side in (1, -1):
        assert mean_eye(frames, None, aside_deg=15 * side) < 0.5, f"15 deg to the {'right' if side > 0 else 'left'}"


@pytest.mark.parametrize("name", [f[0] for f in FACES])
def test_uncalibrated_a_look_12_deg_either_side_is_not_eye_contact(faces, name):
    for side in (1, -1):
        assert mean_eye(faces[name], None, aside_deg=12 * side) < 0.5, f"12 deg to the {'right' if side > 0 else 'left'}"


def test_the_default_lens_direction_holds_for_a_face_it_was_not_taken_from(faces, monkeypatch):
    """Left-one-out: the default lens direction taken from the other four faces' lens gaze."""
    from poise.vision import scoring

    default_yaw, default_pitch = scoring.DEFAULT_GAZE_YAW, scoring.DEFAULT_GAZE_PITCH
    monkeypatch.setattr(scoring, "DEFAULT_GAZE_YAW", 0.0)
    monkeypatch.setattr(scoring, "DEFAULT_GAZE_PITCH", 0.0)
    gaze = {name: [s.components for s in map(Scorer().score, frames)] for name, frames in faces.items()}
    own = {name: float(np.median([c.gaze_yaw for c in comps])) for name, comps in gaze.items()}
    own_pitch = [float(np.median([c.gaze_pitch for c in comps])) for comps in gaze.values()]
    assert np.median(list(own.values())) == pytest.approx(default_yaw, abs=0.1), "scoring.DEFAULT_GAZE_YAW is their median"
    assert np.median(own_pitch) == pytest.approx(default_pitch, abs=0.1), "scoring.DEFAULT_GAZE_PITCH is their median"
    monkeypatch.setattr(scoring, "DEFAULT_GAZE_PITCH", default_pitch)
    caught_12 = 0
    for name, frames in faces.items():
        monkeypatch.setattr(scoring, "DEFAULT_GAZE_YAW", float(np.median([v for k, v in own.items() if k != name])))
        scorer = Scorer()
        assert np.mean([s.eye_contact >= 0.5 for s in map(scorer.score, frames)]) >= 0.95, name
        for side in (1, -1):
            assert mean_eye(frames, None, aside_deg=15 * side) < 0.3, (name, side)
            caught_12 += mean_eye(frames, None, aside_deg=12 * side) < 0.5
    assert caught_12 >= 9, f"12 deg aside caught on {caught_12} of 10 face-sides"


@pytest.mark.parametrize("name", [f[0] for f in FACES[:3]])
def test_calibrated_10_deg_either_side_or_down_and_aside_is_not_eye_contact(faces, name):
    frames = faces[name]
    cal = calibrate([lm for lm in frames if lm.timestamp_ms < frames[0].timestamp_ms + 3000])
    assert mean_eye(frames, cal) > 0.95
    for side in (1, -1):
        assert mean_eye(frames, cal, aside_deg=10 * side) < 0.5
        assert mean_eye(frames, cal, aside_deg=7 * side, down_deg=20) < 0.5
    assert mean_eye(frames, cal, down_deg=15) > 0.8
