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
# Labels no agreement is counted on: the shared labels' undecided moments and our borderline gaze.
UNDECIDED = ("transition", "borderline")


def gaze_labels():
    clip("gaze_segments.csv")
    with open(CLIPS / "gaze_segments.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return [(r["file"], float(r["start_s"]), float(r["end_s"]), r["label"]) for r in rows]


# Our own labels, from looking at the frames (contact sheets of the eyes every 0.08-0.5 s,
# enlarged; boundaries within about 0.1 s, the moments in between left out):
# - the GRID speaker looks into the lens throughout; so does the woman in the tfjs demo while
#   her head is level (0.3-1.0, 6.2-6.9 and 9.0-10.8 s; left out: her strong head rolls, where
#   the eyes cannot be judged, and the grimace with one eye shut at 7-7.5 and 8-8.9 s).
# - pyfeat__single_face: SOURCES.md says he looks at the camera; enlarged eye crops show both
#   irises slightly toward his right the whole clip. With head angles as seen (SCORING_VERSION 4,
#   vision/head_pose.py: head -1..+1 deg) his gaze measures 8 deg (median) aside of the default lens
#   direction: inside the 4-9 deg that people still judge as "looking at me" (Gamer & Hecht 2007,
#   cone of direct gaze). Version 3 read him 12 deg aside (the matrix put his head at -3.4 deg)
#   and labelled him "averted_slightly", then tuned the zone to call him averted; neither label is
#   safe, so he is "borderline": left out of the agreement figures and judged on what is measured
#   (test_a_borderline_gaze_is_measured_aside_and_scores_below_the_lens_faces).
# - mediapipe__selfie_segmentation_web: the woman looks into the lens, then down at her hands
#   three times (her lids drop as in a blink: see scoring.BLINK_HOLD_S).
# - video4j: the older man looks off past the camera (up and to the side) for the first 2.5 s.
OWN_LABELS = [
    ("pyfeat__single_face.mp4", 0.0, 2.4, "borderline"),
    ("grid_lipnet__lbax4n.mpg", 0.0, 3.0, "camera"),
    ("tfjsmodels__facemesh_demo_input.mp4", 0.3, 1.0, "camera"),
    ("tfjsmodels__facemesh_demo_input.mp4", 6.2, 6.9, "camera"),
    ("tfjsmodels__facemesh_demo_input.mp4", 9.0, 10.8, "camera"),
    ("mediapipe__selfie_segmentation_web.mp4", 0.0, 0.95, "camera"),
    ("mediapipe__selfie_segmentation_web.mp4", 1.1, 3.1, "averted_down"),
    ("mediapipe__selfie_segmentation_web.mp4", 3.4, 3.82, "camera"),
    ("mediapipe__selfie_segmentation_web.mp4", 3.95, 4.66, "averted_down"),
    ("mediapipe__selfie_segmentation_web.mp4", 4.72, 5.78, "camera"),
    ("mediapipe__selfie_segmentation_web.mp4", 5.9, 6.65, "averted_down"),
    ("mediapipe__selfie_segmentation_web.mp4", 6.75, 9.0, "camera"),
    ("video4j__pexels-kindel-media-8164110.mp4", 0.0, 2.5, "averted"),
]


def agreement_by_class(result, segments) -> dict[bool, tuple[int, int]]:
    """(frames that agree, measurable frames) per class: label "camera" (True) or averted
    (False); transitions and borderline gazes left out. Also used by scripts/measure_scores.py."""
    counts = {True: [0, 0], False: [0, 0]}
    for _, start, end, label in segments:
        if label in UNDECIDED:
            continue
        camera = label == "camera"
        for f in result.frames:
            if start <= f.t < end and f.eye_contact is not None:
                counts[camera][1] += 1
                counts[camera][0] += (f.eye_contact >= EYE_LINE) == camera
    return {k: (v[0], v[1]) for k, v in counts.items()}


def agreement(result, segments):
    by_class = agreement_by_class(result, segments).values()
    return sum(h for h, _ in by_class), sum(t for _, t in by_class)


@pytest.mark.parametrize("name", ["proctoringai__center_focus.mp4", "proctoringai__center_left_center.mp4"])
def test_eye_contact_agrees_with_shared_gaze_labels(analysed_clip, name):
    segments = [s for s in gaze_labels() if s[0] == name]
    hits, total = agreement(analysed_clip(name), segments)
    assert total > 100
    assert hits / total >= AGREEMENT_TARGET, f"{name}: agreement {hits}/{total}"


CLEAR_LABELS = [s for s in OWN_LABELS if s[3] not in UNDECIDED]


@pytest.mark.parametrize("name", sorted({s[0] for s in CLEAR_LABELS}))
def test_eye_contact_agrees_with_our_labels(analysed_clip, name):
    hits, total = agreement(analysed_clip(name), [s for s in CLEAR_LABELS if s[0] == name])
    assert total >= 20
    assert hits / total >= AGREEMENT_TARGET, f"{name}: agreement {hits}/{total}"


def test_a_borderline_gaze_is_measured_aside_and_scores_below_the_lens_faces(analysed_clip):
    # pyfeat__single_face (see OWN_LABELS): the measurement must see what the eye crops show, a
    # gaze a little toward his right (the image's left), and score it below people looking into
    # the lens, without a look-away event. Measured (SCORING_VERSION 4): offset -8.0 deg median,
    # mean eye contact 0.62 (0.5 or more on 72 % of frames); the lens stretches 0.99-1.00.
    r = analysed_clip("pyfeat__single_face.mp4")
    frames = [f for f in r.frames if f.eye_contact is not None]
    assert len(frames) >= 30
    offset = float(np.median([f.components.gaze_yaw for f in frames]))
    assert -12.0 < offset < -5.0, f"gaze {offset:.1f} deg from the lens direction"
    mean = float(np.mean([f.eye_contact for f in frames]))
    for name, start, end, label in CLEAR_LABELS + gaze_labels():
        if label == "camera" and end - start >= 1.5:
            lens = [f.eye_contact for f in analysed_clip(name).frames if start <= f.t < end and f.eye_contact is not None]
            assert mean < np.mean(lens) - 0.15, (name, mean, np.mean(lens))
    assert not [e for e in r.events if e.kind == EventKind.LOOK_AWAY], "2.4 s is too short for a look-away event"


def test_balanced_accuracy_over_every_labelled_frame(analysed_clip):
    """Issue 10's measure: the mean of the share of lens frames called eye contact and the share
    of averted frames called not. SCORING_VERSION 2 on these labels: 0.830 (0.997 and 0.663);
    version 3: 0.973 with pyfeat__single_face counted as averted (scripts/measure_scores.py);
    version 4, with pyfeat borderline (left out), see the README's table."""
    segments = gaze_labels() + OWN_LABELS
    hits = {True: 0, False: 0}
    totals = {True: 0, False: 0}
    for name in sorted({s[0] for s in segments}):
        for camera, (h, t) in agreement_by_class(analysed_clip(name), [s for s in segments if s[0] == name]).items():
            hits[camera] += h
            totals[camera] += t
    assert totals[True] > 300 and totals[False] > 130
    balanced = (hits[True] / totals[True] + hits[False] / totals[False]) / 2
    assert balanced >= 0.95, f"balanced accuracy {balanced:.3f}: {hits} of {totals}"


def test_a_look_down_is_not_held_as_a_blink(analysed_clip):
    # mediapipe__selfie_segmentation_web: her lids drop like a blink as she looks down at her
    # hands (eyeBlink 0.5-0.76 for 0.8-2.2 s); her head drops 4-12 deg, a blink's moves < 3.
    r = analysed_clip("mediapipe__selfie_segmentation_web.mp4")
    for onset in (1.0, 3.88, 5.84):
        down = [f for f in r.frames if onset + 0.15 <= f.t < onset + 0.6]
        assert down and all(f.eye_contact < EYE_LINE for f in down), onset


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
    # Both men blink once (eyeBlink > 0.5 for 2-3 frames) while their gaze stays put (the GRID
    # speaker into the lens, pyfeat slightly aside); analysed at every frame so the blink is
    # not skipped by the analysis stride. A blink holds the gaze: the score does not move.
    r = analysed_clip(name, analysis_fps=0)
    blinks = [i for i, f in enumerate(r.frames) if f.components.blink]
    assert blinks, f"expected a blink in {name}"
    before = r.frames[blinks[0] - 1]
    assert not before.components.blink
    assert all(abs(r.frames[i].eye_contact - before.eye_contact) < 0.1 for i in blinks)
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
