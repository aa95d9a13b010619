""""Check Poise on me": each step is judged from real scores of a clip where that behaviour
happens, and a clip where it does not happen is not called seen.

Scores come from real MediaPipe landmarks of the shared clips (15 Hz), cut into a scripted
30-second check: looking into the lens and eyes turned sideways from
proctoringai__center_left_center (gaze_segments.csv), looking down at her hands from
mediapipe__selfie_segmentation_web (1.8-3.1 s, tests/test_scores_on_clips.py OWN_LABELS), a
hand on the head from video4j (from ~3.5 s), and a slouch by construction: the same man's
face drawn 0.12 of the image height lower over his shoulders, then back.
"""

from __future__ import annotations

import dataclasses

import pytest

from poise.vision.calibration import calibrate
from poise.vision.scoring import Scorer
from poise.vision.practice.self_check import SETTLE_S, STEPS, TOTAL_S, SelfCheck, judge, summary_line

MAN = "proctoringai__center_left_center.mp4"


def _between(landmarks, a, b):
    return [lm for lm in landmarks if a <= lm.timestamp_ms / 1000 < b]


def _scores(landmarks, calibration=None):
    scorer = Scorer(calibration)
    return [scorer.score(lm) for lm in landmarks]


def _lowered(lm, dy):
    face = lm.face.copy()
    face[:, 1] += dy
    return dataclasses.replace(lm, face=face)


def _retimed(frames, start, seconds):
    """The frames looped and re-timed to fill [start, start + seconds) at 15 Hz."""
    out, k = [], 0
    while k < seconds * 15:
        f = frames[k % len(frames)]
        out.append(dataclasses.replace(f, t=start + k / 15))
        k += 1
    return out


@pytest.fixture(scope="module")
def step_scores(clip_landmarks):
    man = clip_landmarks(MAN)
    cal = calibrate(_between(man, 0.0, 4.0))
    upright = _between(man, 0.0, 5.0)
    slouch = ([lm for lm in upright[:45]] + [_lowered(lm, 0.12) for lm in upright if lm.face is not None][:60]
              + [lm for lm in upright[:30]])
    return {
        "lens": _scores(_between(man, 0.0, 5.0), cal),
        "notes": _scores(_between(clip_landmarks("mediapipe__selfie_segmentation_web.mp4"), 1.8, 3.1)),
        "side": _scores(_between(man, 6.5, 10.5), cal),
        "touch": _scores(_between(clip_landmarks("video4j__pexels-kindel-media-8164110.mp4"), 4.0, 10.0)),
        "slouch": _scores(slouch, cal),
    }


def _script(step_scores, order):
    frames, t = [], 100.0
    for step in STEPS:
        frames += _retimed(step_scores[order[step.key]], t, step.seconds)
        t += step.seconds
    return frames + _retimed(step_scores["lens"], t, 1.0)


def test_every_behaviour_done_as_asked_is_seen(step_scores):
    check = SelfCheck()
    judged = [s.key for s in map(check.feed, _script(step_scores, {s.key: s.key for s in STEPS})) if s]
    assert judged == [s.key for s in STEPS] and check.done
    assert check.results == {s.key: True for s in STEPS}
    result = check.to_dict()
    assert (result["seen"], result["total"]) == (5, 5)
    assert summary_line(result) == "checked on this setup: 5 of 5"
    assert TOTAL_S == 30


def test_a_user_who_only_looks_into_the_lens_passes_only_the_first_step(step_scores):
    check = SelfCheck()
    for f in _script(step_scores, {s.key: "lens" for s in STEPS}):
        check.feed(f)
    assert check.results == {"lens": True, "notes": False, "side": False, "touch": False, "slouch": False}
    assert summary_line(check.to_dict()).startswith("checked on this setup: 1 of 5 (not seen: looking down at notes,")


def test_looking_down_is_not_looking_aside_and_aside_is_not_down(step_scores):
    assert judge("notes", step_scores["side"]) is False
    assert judge("side", step_scores["notes"]) is False
    assert judge("lens", step_scores["side"]) is False


def test_no_face_is_not_measurable_rather_than_failed():
    from poise.vision.types import FrameScores, Reason

    empty = [FrameScores(i, i / 15, None, None, None, Reason.NO_FACE, Reason.NO_FACE, Reason.NO_FACE)
             for i in range(60)]
    assert all(judge(s.key, empty) is None for s in STEPS)
    assert summary_line(None) is None
    assert SETTLE_S < min(s.seconds for s in STEPS) / 2
