"""The setup check: the same seat fits the calibration; a moved or swapped camera does not.

Real landmarks of proctoringai__center_left_center.mp4; the changed setups are the same frames
transformed in a known way (ground truth by construction).
"""

from __future__ import annotations

import dataclasses

import pytest

from poise.vision.setup_check import SETUP_KEY, SetupMonitor, compare, measure_setup

CLIP = "proctoringai__center_left_center.mp4"


@pytest.fixture(scope="module")
def landmarks(clip_landmarks):
    return clip_landmarks(CLIP)


def _zoomed_out(lm, k: float = 0.6):
    """The camera moved back: everything shrinks toward the top-left corner of the picture."""
    face = lm.face.copy()
    face[:, :2] *= k
    pose = None if lm.pose is None else lm.pose.copy()
    if pose is not None:
        pose[:, :2] *= k
    return dataclasses.replace(lm, face=face, pose=pose)


def _run(monitor, frames):
    verdicts = [v for v in (monitor.feed(lm) for lm in frames) if v is not None]
    assert len(verdicts) <= 1
    return verdicts[0] if verdicts else None


def test_same_setup_fits_and_moved_or_swapped_camera_does_not(landmarks):
    base = measure_setup([lm for lm in landmarks if lm.timestamp_ms < 5000])
    assert base is not None and base.frames >= 30
    calibration = {"gaze_yaw": 0.0, SETUP_KEY: base.to_dict()}

    # The later part of the same clip (including the eyes-sideways stretch) is the same setup.
    later = [dataclasses.replace(lm, timestamp_ms=lm.timestamp_ms) for lm in landmarks if lm.timestamp_ms >= 5000]
    verdict = _run(SetupMonitor(calibration), later)
    assert verdict is not None and verdict.fits, verdict

    moved = _run(SetupMonitor(calibration), [_zoomed_out(lm) for lm in landmarks if lm.face is not None])
    assert moved is not None and not moved.fits
    assert any("further from" in r for r in moved.reasons)
    assert any("different part of the picture" in r for r in moved.reasons)
    assert "Recalibrate" in moved.message

    # A landscape camera instead of the portrait phone: another camera.
    swapped = [dataclasses.replace(lm, width=lm.height, height=lm.width) for lm in landmarks if lm.face is not None]
    verdict = compare(base, measure_setup(swapped))
    assert not verdict.fits and any("another camera" in r for r in verdict.reasons)


def test_no_baseline_or_nobody_in_view_gives_no_verdict(landmarks):
    assert _run(SetupMonitor(None), landmarks) is None
    assert _run(SetupMonitor({"gaze_yaw": 0.0}), landmarks) is None  # an older calibration
    base = measure_setup(landmarks[:80])
    nobody = [dataclasses.replace(lm, face=None, face_matrix=None) for lm in landmarks]
    monitor = SetupMonitor({SETUP_KEY: base.to_dict()})
    assert _run(monitor, nobody) is None and not monitor.done
