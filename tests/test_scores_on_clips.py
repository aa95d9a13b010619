"""The scores agree with what a person sees, on the real recorded clips in ../shared/clips.

Each test names the clip and the behaviour it exercises (see ../shared/clips/SOURCES.md).
"""

import csv

import numpy as np
import pytest

from conftest import CLIPS, clip
from poise.vision.types import EventKind, Reason

# Frame-level agreement target from the issue.
AGREEMENT_TARGET = 0.9
EYE_LINE = 0.5


def gaze_labels():
    clip("gaze_segments.csv")
    with open(CLIPS / "gaze_segments.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return [(r["file"], float(r["start_s"]), float(r["end_s"]), r["label"]) for r in rows]


# Our own labels, from looking at contact sheets of the frames every 0.5 s:
# the man in pyfeat__single_face and the GRID speaker look into the lens throughout.
OWN_LABELS = [
    ("pyfeat__single_face.mp4", 0.0, 2.4, "camera"),
    ("grid_lipnet__lbax4n.mpg", 0.0, 3.0, "camera"),
    # The woman looks down at her hands at about 1.5-3.2 s and into the lens at 0-1.0 and 7.5-9 s.
    ("mediapipe__selfie_segmentation_web.mp4", 0.0, 1.0, "camera"),
    ("mediapipe__selfie_segmentation_web.mp4", 1.8, 3.1, "averted_down"),
    ("mediapipe__selfie_segmentation_web.mp4", 7.6, 9.0, "camera"),
    # The older man looks off past the camera (up and to the side) for the first 2.5 s.
    ("video4j__pexels-kindel-media-8164110.mp4", 0.0, 2.5, "averted"),
]


def agreement(result, segments):
    hits = total = 0
    for _, start, end, label in segments:
        if label == "transition":
            continue
        for f in result.frames:
            if start <= f.t < end and f.eye_contact is not None:
                total += 1
                hits += (f.eye_contact >= EYE_LINE) == (label == "camera")
    return hits, total


@pytest.mark.parametrize("name", ["proctoringai__center_focus.mp4", "proctoringai__center_left_center.mp4"])
def test_eye_contact_agrees_with_shared_gaze_labels(analysed_clip, name):
    segments = [s for s in gaze_labels() if s[0] == name]
    hits, total = agreement(analysed_clip(name), segments)
    assert total > 100
    assert hits / total >= AGREEMENT_TARGET, f"{name}: agreement {hits}/{total}"


@pytest.mark.parametrize("name", sorted({s[0] for s in OWN_LABELS}))
def test_eye_contact_agrees_with_our_labels(analysed_clip, name):
    hits, total = agreement(analysed_clip(name), [s for s in OWN_LABELS if s[0] == name])
    assert total >= 20
    assert hits / total >= AGREEMENT_TARGET, f"{name}: agreement {hits}/{total}"


def test_eyes_only_aversion_is_caught_and_becomes_a_look_away_event(analysed_clip):
    # proctoringai__center_left_center: head still, eyes turned sideways about 6-11 s.
    r = analysed_clip("proctoringai__center_left_center.mp4")
    away = [f for f in r.frames if 6.5 <= f.t < 10.3]
    assert np.mean([f.eye_contact for f in away]) < 0.2
    assert max(abs(f.components.head_yaw) for f in away) < 5, "the head stays still: the eyes alone moved"
    assert min(abs(f.components.gaze_yaw) for f in away) > 12
    looks = [e for e in r.events if e.kind == EventKind.LOOK_AWAY]
    assert len(looks) == 1 and 5.0 <= looks[0].start_s <= 7.0 and 9.5 <= looks[0].end_s <= 12.0
    assert r.summary.longest_look_away_s > 3


@pytest.mark.parametrize("name", ["grid_lipnet__lbax4n.mpg", "pyfeat__single_face.mp4"])
def test_blinks_are_not_look_aways(analysed_clip, name):
    # Both men blink once (eyeBlink > 0.5 for 2-3 frames) while looking into the lens;
    # analysed at every frame so the blink is not skipped by the analysis stride.
    r = analysed_clip(name, analysis_fps=0)
    blinks = [f for f in r.frames if f.components.blink]
    assert blinks, f"expected a blink in {name}"
    assert all(f.eye_contact is not None and f.eye_contact >= EYE_LINE for f in blinks)
    assert not [e for e in r.events if e.kind == EventKind.LOOK_AWAY]


def test_scores_become_none_after_the_cut_to_no_person(analysed_clip):
    # pyfeat__face_noface.mov: the man, then (from ~2.7 s) an animated film with nobody in it.
    r = analysed_clip("pyfeat__face_noface.mov")
    before = [f for f in r.frames if f.t < 2.5]
    after = [f for f in r.frames if f.t > 3.0]
    assert all(f.eye_contact is not None and f.posture is not None for f in before)
    assert after and all(f.eye_contact is None and f.posture is None and f.fidgeting is None for f in after)
    assert all(f.eye_contact_reason == Reason.NO_FACE for f in after)
    assert 0.3 < r.summary.measurable_share < 0.5


def test_hand_on_head_shows_as_face_touch_and_fidgeting(analysed_clip):
    # video4j: hand on or behind his head from about 3 s.
    r = analysed_clip("video4j__pexels-kindel-media-8164110.mp4")
    early = [f for f in r.frames if f.t < 2.5 and f.fidgeting is not None]
    late = [f for f in r.frames if f.t > 3.5]
    assert np.mean([bool(f.components.face_touch) for f in late]) > 0.6
    assert np.mean([f.fidgeting for f in late]) > 0.5 > np.mean([f.fidgeting for f in early])
    bouts = [e for e in r.events if e.kind == EventKind.FIDGETING]
    assert bouts and 2.5 <= bouts[0].start_s <= 4.5


def test_strong_head_rolls_lower_posture(analysed_clip):
    # tfjsmodels facemesh demo: the woman rolls her head strongly several times.
    r = analysed_clip("tfjsmodels__facemesh_demo_input.mp4")
    level = [f.posture for f in r.frames if f.posture is not None and abs(f.components.head_roll) < 5]
    rolled = [f.posture for f in r.frames if f.posture is not None and abs(f.components.head_roll) > 20]
    assert len(level) > 20 and len(rolled) > 10
    assert np.mean(rolled) < 0.4 < 0.8 < np.mean(level)


@pytest.mark.parametrize("name", ["pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg", "proctoringai__center_focus.mp4"])
def test_still_people_do_not_fidget(analysed_clip, name):
    # Still clips: the landmark jitter (noise floor) must stay near 0 after suppression.
    r = analysed_clip(name)
    fid = [f.fidgeting for f in r.frames if f.fidgeting is not None]
    assert fid and max(fid) < 0.1 and np.mean(fid) < 0.05
    assert r.summary.event_counts[EventKind.FIDGETING] == 0


def test_upright_still_people_have_good_posture(analysed_clip):
    for name in ("grid_lipnet__lbax4n.mpg", "proctoringai__center_focus.mp4", "pyfeat__single_face.mp4"):
        r = analysed_clip(name)
        assert r.summary.mean_posture > 0.9, name


def test_components_explain_every_measurable_frame(analysed_clip):
    r = analysed_clip("proctoringai__center_left_center.mp4")
    for f in r.frames:
        if f.eye_contact is not None:
            c = f.components
            assert None not in (c.head_yaw, c.head_pitch, c.head_roll, c.gaze_yaw, c.gaze_offset)
        if f.posture is not None:
            assert None not in (f.components.shoulder_tilt, f.components.slouch, f.components.side_lean)
        for v in (f.eye_contact, f.posture, f.fidgeting):
            assert v is None or 0.0 <= v <= 1.0
