"""Ground truth by construction: frames of real upright clips, transformed by a known rotation,
scale, shift or periodic displacement, must move the scores the right way and by more for more.

Base footage: proctoringai__center_focus.mp4 (upright, still, steady eye contact, shoulders
in view) and grid_lipnet__lbax4n.mpg (upright, still studio speaker).
"""

import cv2
import numpy as np
import pytest

from conftest import clip
from poise.vision.analysis import analyze
from poise.vision.calibration import calibrate
from poise.vision.landmarker import Landmarker
from poise.vision.sources import FrameListSource, read_frames
from poise.vision.types import Reason

FPS = 12.0  # 24 fps clip, every 2nd frame: close to the default analysis rate


@pytest.fixture(scope="module")
def upright(models):
    frames, fps = read_frames(clip("proctoringai__center_focus.mp4"), stride=2, limit=48)
    assert abs(fps - FPS) < 0.1
    return frames


@pytest.fixture(scope="module")
def landmarker(models):
    with Landmarker(models) as lm:
        yield lm


def run(frames, landmarker_models, calibration=None):
    # A fresh Landmarker per run: VIDEO mode tracks across frames, so runs must not share one.
    return analyze(FrameListSource(frames, FPS), models=landmarker_models, calibration=calibration, keep_frames=True)


def mean_of(result, field, skip_s=0.6):
    vals = [getattr(f, field) for f in result.frames if f.t >= skip_s and getattr(f, field) is not None]
    assert len(vals) >= 0.8 * len([f for f in result.frames if f.t >= skip_s]), f"{field} mostly not measurable"
    return float(np.mean(vals))


def pad(img, margin):
    return cv2.copyMakeBorder(img, margin, margin, margin, margin, cv2.BORDER_REPLICATE)


def rotate(img, degrees):
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def zoom(img, factor):
    """factor > 1: the person appears larger (leaning in); < 1: smaller (leaning away)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h * 0.45), 0.0, factor)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def shift(img, dx, dy):
    h, w = img.shape[:2]
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


@pytest.fixture(scope="module")
def baseline(upright, models):
    return run([pad(f, 80) for f in upright], models)


@pytest.fixture(scope="module")
def calibration(upright, models, landmarker):
    from poise.vision.types import Frame

    lms = [landmarker.detect(Frame(i, int(i * 1000 / FPS), pad(f, 80))) for i, f in enumerate(upright)]
    return calibrate(lms)


def test_rotation_lowers_posture_more_for_more(upright, models, baseline):
    posture = [mean_of(baseline, "posture")]
    for angle in (8, 16, 28):
        r = run([rotate(pad(f, 80), angle) for f in upright], models)
        posture.append(mean_of(r, "posture"))
        tilt = np.median([f.components.shoulder_tilt for f in r.frames if f.posture is not None])
        assert abs(abs(tilt) - angle) < 6, f"shoulder tilt {tilt:.1f} should follow the {angle} deg rotation"
    assert posture[0] > 0.9
    assert posture[0] > posture[1] > posture[2] > posture[3], posture
    assert posture[3] < 0.2


def test_rotation_in_either_direction_is_symmetric(upright, models):
    left = mean_of(run([rotate(pad(f, 80), 16) for f in upright], models), "posture")
    right = mean_of(run([rotate(pad(f, 80), -16) for f in upright], models), "posture")
    assert abs(left - right) < 0.25 and max(left, right) < 0.8


def test_leaning_in_or_away_lowers_posture_against_a_calibrated_baseline(upright, models, calibration):
    base = mean_of(run([pad(f, 80) for f in upright], models, calibration), "posture")
    closer = [mean_of(run([zoom(pad(f, 80), k) for f in upright], models, calibration), "posture") for k in (1.25, 1.6)]
    further = mean_of(run([zoom(pad(f, 80), 0.6) for f in upright], models, calibration), "posture")
    assert base > 0.9
    assert base > closer[0] > closer[1], (base, closer)
    assert further < base - 0.3


def test_shifting_the_whole_picture_keeps_posture(upright, models, baseline):
    moved = run([shift(pad(f, 80), 60, 40) for f in upright], models)
    assert abs(mean_of(moved, "posture") - mean_of(baseline, "posture")) < 0.1


def test_head_sinking_toward_the_shoulders_reads_as_slouch(upright, models, landmarker, calibration):
    from poise.vision.types import Frame

    first = landmarker.detect(Frame(10_000, 10_000, pad(upright[0], 80)))
    shoulder_y = int(first.pose[[11, 12], 1].mean() * first.height)
    chin_y = int(first.face[152, 1] * first.height)

    def sink(img, k):
        """Move everything above a line just under the chin down by k pixels (neck shortens)."""
        out = img.copy()
        cut = (chin_y + shoulder_y) // 2
        out[k:cut] = img[0:cut - k]
        out[:k] = img[0]
        return out

    values = []
    for k in (0, 50, 100):
        r = run([sink(pad(f, 80), k) for f in upright], models, calibration)
        slouch = np.median([f.components.slouch for f in r.frames if f.posture is not None])
        values.append((mean_of(r, "posture"), slouch))
    (p0, s0), (p1, s1), (p2, s2) = values
    assert s0 < s1 < s2, values
    assert p0 > p1 > p2, values


def test_periodic_displacement_raises_fidgeting_with_amplitude(upright, models):
    means = []
    for amplitude in (0, 4, 10, 24):
        frames = [shift(pad(f, 40), amplitude * np.sin(2 * np.pi * 2.0 * i / FPS), 0) for i, f in enumerate(upright)]
        means.append(mean_of(run(frames, models), "fidgeting", skip_s=1.0))
    assert means[0] < 0.05, means
    assert means[0] < means[1] < means[2] < means[3], means
    assert means[3] > 0.5, means


def test_frozen_frame_does_not_fidget(upright, models):
    r = run([upright[5]] * 40, models)
    fid = [f.fidgeting for f in r.frames if f.fidgeting is not None]
    assert fid and max(fid) < 0.02


def test_camera_noise_on_a_still_person_with_hands_in_view_does_not_fidget(models):
    # mediapipe__selfie_segmentation_web, first frame (hands clasped in view), repeated with
    # fresh pixel noise each frame: landmark jitter only, no movement.
    frames, _ = read_frames(clip("mediapipe__selfie_segmentation_web.mp4"), limit=1)
    rng = np.random.default_rng(1)
    noisy = [np.clip(frames[0] + rng.normal(0, 4, frames[0].shape), 0, 255).astype(np.uint8) for _ in range(45)]
    r = run(noisy, models)
    assert any(f.components.hand_motion is not None for f in r.frames), "hands should be measured here"
    fid = [f.fidgeting for f in r.frames if f.fidgeting is not None]
    assert fid and np.mean(fid) < 0.05 and max(fid) < 0.15


def test_two_equal_people_are_ambiguous_but_a_small_bystander_is_ignored(upright, models):
    twins = run([np.hstack([f, f]) for f in upright[:20]], models)
    assert all(f.eye_contact is None and f.eye_contact_reason == Reason.MULTIPLE_PEOPLE for f in twins.frames)

    def with_bystander(f):
        # The person stays in the middle of the wider picture, as in their own camera (placed
        # off-centre, a face looking straight ahead measures 13 deg aside of the lens: in a real
        # camera that is a look past it); the bystander, at 0.45 scale, stands at the side.
        small = cv2.resize(f, None, fx=0.45, fy=0.45)
        half = f.shape[1] // 2
        left, right = np.full_like(f[:, :half], int(f.mean())), np.full_like(f[:, :half], int(f.mean()))
        right[-small.shape[0]:, : small.shape[1]] = small[:, :half]
        return np.hstack([left, f, right])

    r = run([with_bystander(f) for f in upright[:20]], models)
    measured = [f for f in r.frames if f.eye_contact is not None]
    assert len(measured) >= 0.9 * len(r.frames)
    assert np.mean([f.eye_contact for f in measured]) > 0.8
