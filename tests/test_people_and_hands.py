"""Choosing the person and seeing hands, on clips built from the shared clips (issue 10,
failures 2 and 3): a gallery-view call (two tiles side by side), speaker views with a small
self-view inset (a third, a quarter and a fifth of the picture's height: the two smaller ones
the face model does not find on the whole frame, so Poise looks closer), and a close-up in which the shoulders are out of frame and a hand is on the
head. Each clip is written to a real video file, so the whole file path (decode, stride,
analysis, CLI) runs as for a user's recording.

Ground truth by construction: in the gallery and the inset, one tile is
proctoringai__center_left_center (eyes turned away about 6-11 s) and the other
proctoringai__center_focus (steady eye contact), so whose scores come out is visible in
the look-away. The close-up is video4j__pexels-kindel-media-8164110 cropped to the head
(hand on the head from about 3 s; shared clip notes).
"""

import json

import cv2
import numpy as np
import pytest

from camera_constructions import gallery as gallery_view
from conftest import clip
from poise.vision.analysis import AnalysisSettings, analyze, open_video
from poise.vision.cli.main import main as cli_main
from poise.vision.crops import roi_side, search_crops
from poise.vision.landmarker import Landmarker
from poise.vision.person import parse_person
from poise.vision.sources import read_frames
from poise.vision.summary import not_measured_note
from poise.vision.types import EventKind, Reason
from test_scores_on_clips import agreement_by_class, gaze_labels

FPS = 12.0            # the 24 fps proctoring clips, every second frame
FRAMES = 126          # 10.5 s: the length of center_focus
# Self-views a third, a quarter and a fifth of the picture's height. The face model finds the
# third on the whole frame; the quarter and the fifth only in a crop (scripts/measure_inset.py).
INSET_SCALES = (0.33, 0.25, 0.2)
INSET_MARGIN = 16     # px from the bottom right corner
LANDSCAPE = (1280, 720)  # a call recording's size, in which the face model misses even a third


def write_video(path, frames, fps):
    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert out.isOpened()
    for f in frames:
        out.write(f)
    out.release()
    return path


@pytest.fixture(scope="module")
def tiles():
    away, fps = read_frames(clip("proctoringai__center_left_center.mp4"), stride=2, limit=FRAMES)
    steady, _ = read_frames(clip("proctoringai__center_focus.mp4"), stride=2, limit=FRAMES)
    assert abs(fps - FPS) < 0.1 and len(away) == len(steady) == FRAMES
    return away, steady


@pytest.fixture(scope="module")
def gallery(tiles, tmp_path_factory):
    away, steady = tiles
    return write_video(tmp_path_factory.mktemp("clips") / "gallery.mp4", [np.hstack([a, s]) for a, s in zip(away, steady)], FPS)


# A call app's gallery: tiles cropped to fill a grid (tests/camera_constructions.py), the
# labelled center_left_center in one of them. (columns, size, tiles, filled or with bars, --person).
CALL_GALLERIES = {
    "two tiles 1280x720, left": (2, (1280, 720), lambda a, s: [a, s], True, "left"),
    "two tiles 1280x720, right": (2, (1280, 720), lambda a, s: [s, a], True, "right"),
    "2x2 grid 1920x1080 with bars, top right": (2, (1920, 1080), lambda a, s: [s, a, s[:, ::-1].copy(), s], False, "0.75,0.25"),
}


@pytest.fixture(scope="module", params=list(CALL_GALLERIES))
def call_gallery(request, tiles, tmp_path_factory):
    """(path, person choice) of a gallery-view recording drawn as call apps draw it."""
    columns, (w, h), arrange, fill, person = CALL_GALLERIES[request.param]
    away, steady = tiles
    # The Proctoring-AI faces sit at about a third of their portrait picture's height.
    frames = [gallery_view(arrange(a, s), columns, w, h, focus_y=0.35, fill=fill) for a, s in zip(away, steady)]
    return write_video(tmp_path_factory.mktemp("clips") / "call_gallery.mp4", frames, FPS), person


def inset(big, small, scale):
    """``small`` scaled by ``scale`` over the bottom right corner of ``big``, and its box
    (x0, y0, x1, y1) as fractions of the picture."""
    out = big.copy()
    s = cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = s.shape[:2]
    out[-h - INSET_MARGIN:-INSET_MARGIN, -w - INSET_MARGIN:-INSET_MARGIN] = s
    H, W = big.shape[:2]
    return out, ((W - w - INSET_MARGIN) / W, (H - h - INSET_MARGIN) / H, (W - INSET_MARGIN) / W, (H - INSET_MARGIN) / H)


@pytest.fixture(scope="module", params=INSET_SCALES, ids=["third", "quarter", "fifth"])
def speaker_view(request, tiles, tmp_path_factory):
    """(path, inset box as fractions of the picture, inset scale)."""
    away, steady = tiles
    frames = [inset(s, a, request.param) for a, s in zip(away, steady)]
    path = write_video(tmp_path_factory.mktemp("clips") / f"speaker_{request.param}.mp4", [f for f, _ in frames], FPS)
    return path, frames[0][1], request.param


@pytest.fixture(scope="module")
def landscape_speaker_view(tiles, tmp_path_factory):
    """A 1280x720 call recording: the large (portrait) tile fitted in the middle, the self-view a
    quarter of the height in the bottom right corner; (path, inset box as fractions)."""
    away, steady = tiles
    W, H = LANDSCAPE

    def compose(big, small):
        k = H / big.shape[0]
        big = cv2.resize(big, (round(big.shape[1] * k), H), interpolation=cv2.INTER_AREA)
        out = np.zeros((H, W, 3), np.uint8)
        x0 = (W - big.shape[1]) // 2
        out[:, x0:x0 + big.shape[1]] = big
        return inset(out, small, 0.25 * H / small.shape[0])

    frames = [compose(s, a) for a, s in zip(away, steady)]
    return write_video(tmp_path_factory.mktemp("clips") / "landscape.mp4", [f for f, _ in frames], FPS), frames[0][1]


CLOSEUP_HAND_S = 2.8   # the hand comes into the close-up at 2.87-3.0 s (hand model: 3.0 s)


def closeup_frames():
    frames, fps = read_frames(clip("video4j__pexels-kindel-media-8164110.mp4"), stride=2)
    h, w = frames[0].shape[:2]
    # The head and the hand on it; shoulders and elbows out of frame.
    return [f[0:int(0.62 * h), int(0.30 * w):int(0.72 * w)] for f in frames], fps


@pytest.fixture(scope="module")
def closeup(tmp_path_factory):
    crop, fps = closeup_frames()
    return write_video(tmp_path_factory.mktemp("clips") / "closeup.mp4", crop, fps)


@pytest.fixture(scope="module")
def closeup_before_the_hand(tmp_path_factory):
    crop, fps = closeup_frames()
    before = crop[:int(CLOSEUP_HAND_S * fps)]
    return write_video(tmp_path_factory.mktemp("clips") / "closeup_before.mp4", before, fps)


_RUNS: dict = {}
_FACES: dict = {}   # (path, person) -> the scored face's centre per frame (None: no face)
_LOOKED: dict = {}  # (path, person) -> (crop looked at in the end, search crops tried)


def run(path, person="largest"):
    key = (str(path), person)
    if key not in _RUNS:
        settings = AnalysisSettings(analysis_fps=FPS, person=person)
        centres = _FACES[key] = []
        with open_video(path, settings) as src, Landmarker(person=parse_person(person)) as lm:
            def keep_centre(update):  # the last update (frame None) only closes the events
                if update.frame is not None:
                    face = update.landmarks.face
                    centres.append(None if face is None else face[:, :2].mean(axis=0))

            _RUNS[key] = analyze(src, settings=settings, keep_frames=True, landmarker=lm, on_result=keep_centre)
            _LOOKED[key] = (lm.crop, lm.crops_tried)
    return _RUNS[key]


def look_away_seconds(result):
    return sum((e.end_s or 0) - e.start_s for e in result.events if e.kind == EventKind.LOOK_AWAY)


def test_person_choice_parses_and_refuses_nonsense():
    assert str(parse_person("LEFT")) == "left" and str(parse_person("")) == "largest"
    assert parse_person("0.8,0.25").kind == "point"
    for bad in ("middle", "1.5,0.5", "0.5", "a,b"):
        with pytest.raises(ValueError, match="--person must be one of"):
            parse_person(bad)


def test_gallery_view_default_says_two_people_not_no_face(gallery):
    r = run(gallery)
    assert all(f.eye_contact is None and f.eye_contact_reason == Reason.MULTIPLE_PEOPLE for f in r.frames)
    note = not_measured_note(r.summary)
    assert note and "--person" in note and "no face" not in note
    assert r.summary.multiple_people_share == 1.0


@pytest.mark.parametrize("side", ["left", "right"])
def test_gallery_view_scores_the_chosen_tile(gallery, side):
    r = run(gallery, side)
    measured = [f for f in r.frames if f.eye_contact is not None]
    assert len(measured) >= 0.9 * len(r.frames), "the chosen person is scored on (nearly) every frame"
    if side == "left":   # center_left_center: eyes away about 6-11 s
        assert 2.5 < look_away_seconds(r) < 6.5
        assert np.mean([f.eye_contact for f in measured if 6.5 < f.t < 10]) < 0.3
        assert np.mean([f.eye_contact for f in measured if f.t < 5]) > 0.8, "eye contact before the look-away"
    else:                # center_focus: steady eye contact
        assert look_away_seconds(r) == 0
        assert np.mean([f.eye_contact for f in measured]) > 0.8
    assert not_measured_note(r.summary) is None


def test_a_call_gallery_tile_is_judged_as_in_its_own_clip(call_gallery):
    """Issue 16: a gallery-view call recording with --person left agreed with the left person's
    labels on 9 of 30 moments. Each tile's person looked into their own camera, wherever the
    tile sits; before SCORING_VERSION 4 the head angles moved with the tile's place (the left of
    two filled tiles: 67 of 106 lens frames called eye contact; vision/head_pose.py)."""
    path, person = call_gallery
    r = run(path, person)
    labels = [s for s in gaze_labels() if s[0] == "proctoringai__center_left_center.mp4"]
    for camera, (hits, total) in agreement_by_class(r, labels).items():
        assert total > 40
        assert hits / total >= 0.9, f"{'lens' if camera else 'averted'} frames: {hits}/{total}"


def test_speaker_view_default_scores_the_large_face_and_a_click_on_the_inset_scores_the_user(speaker_view):
    path, box, scale = speaker_view
    big = run(path)
    assert look_away_seconds(big) == 0 and big.summary.mean_eye_contact > 0.8
    assert _LOOKED[(str(path), "largest")] == (None, 0), "default analysis never looks closer"
    for choice in ("bottom", "0.85,0.88"):
        inset = run(path, choice)
        measured = [f for f in inset.frames if f.eye_contact is not None]
        assert len(measured) >= 0.9 * len(inset.frames), choice
        centres = [c for c in _FACES[(str(path), choice)] if c is not None]
        assert len(centres) == len(measured) and all(box[0] < x < box[2] and box[1] < y < box[3] for x, y in centres), \
            f"{choice}: the scored face is the inset's, in whole-frame coordinates"
        assert 2.5 < look_away_seconds(inset) < 6.5, choice
        assert np.mean([f.eye_contact for f in measured if 6.5 < f.t < 10]) < 0.3, choice
        assert np.mean([f.eye_contact for f in measured if f.t < 5]) > 0.8, choice
        # The models look at a crop around the inset (the pose model on the whole frame
        # follows the large person), so the inset's posture is measured, upright.
        crop, tried = _LOOKED[(str(path), choice)]
        assert crop is not None, choice
        assert (scale == 0.33) == (tried == 0), f"{choice}: only an inset the whole frame misses is searched for"
        posture = [f.posture for f in inset.frames if f.posture is not None]
        assert len(posture) >= 0.9 * len(inset.frames) and np.mean(posture) > 0.8, choice
        assert not_measured_note(inset.summary) is None, choice


def test_landscape_call_recording_self_view_is_found_by_looking_closer(landscape_speaker_view):
    path, box = landscape_speaker_view
    r = run(path, "right")
    measured = [f for f in r.frames if f.eye_contact is not None]
    assert len(measured) >= 0.9 * len(r.frames)
    centres = [c for c in _FACES[(str(path), "right")] if c is not None]
    assert all(box[0] < x < box[2] and box[1] < y < box[3] for x, y in centres), "the self-view, not the large face"
    crop, tried = _LOOKED[(str(path), "right")]
    assert crop is not None and tried >= 1
    assert 2.5 < look_away_seconds(r) < 6.5
    assert np.mean([f.eye_contact for f in measured if 6.5 < f.t < 10]) < 0.3
    assert np.mean([f.eye_contact for f in measured if f.t < 5]) > 0.8
    assert sum(f.posture is not None for f in r.frames) >= 0.9 * len(r.frames)


def test_search_crops_lie_along_the_chosen_side_corners_first():
    w, h = 480, 848                      # the speaker views' size (portrait clips)
    side = roi_side(w, h)
    assert side == round(0.3 * h)
    bottom = search_crops(parse_person("bottom"), w, h)
    assert bottom[0] == (w - side, h - side, side) and bottom[1] == (0, h - side, side), "the corners first, right first"
    right = search_crops(parse_person("right"), w, h)
    assert {(x, s) for x, _, s in right} == {(w - side, side)} and right[0][1] in (0, h - side)
    ys = sorted(y for _, y, _ in right)
    assert ys[0] == 0 and ys[-1] == h - side and max(b - a for a, b in zip(ys, ys[1:])) <= side / 2 + 1, \
        "overlapping by half: a face smaller than half a crop is wholly inside one"
    assert search_crops(parse_person("0.99,0.99"), w, h) == [(w - side, h - side, side)], "kept inside the frame"
    assert search_crops(parse_person("largest"), w, h) == []


def test_cli_person_on_a_quarter_height_self_view(tiles, tmp_path, capsys):
    away, steady = tiles
    path = write_video(tmp_path / "speaker_quarter.mp4", [inset(s, a, 0.25)[0] for a, s in zip(away, steady)], FPS)
    out_json = tmp_path / "inset.json"
    assert cli_main(["analyze", str(path), "--no-save", "--quiet", "--fps", "12", "--person", "0.85,0.88",
                     "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text())
    frames = [f for f in data["frames"] if f["eye_contact"] is not None]
    assert len(frames) >= 0.9 * len(data["frames"])
    assert np.mean([f["eye_contact"] for f in frames if f["t"] < 5]) > 0.8
    assert np.mean([f["eye_contact"] for f in frames if 6.5 < f["t"] < 10]) < 0.3
    assert any(e["kind"] == "look_away" for e in data["events"])


def test_cli_person_option(gallery, tmp_path, capsys):
    out_json = tmp_path / "right.json"
    assert cli_main(["analyze", str(gallery), "--no-save", "--quiet", "--fps", "12", "--person", "right",
                     "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text())
    assert data["settings"]["person"] == "right"
    assert data["summary"]["eye_contact_share"] > 0.8
    capsys.readouterr()
    assert cli_main(["analyze", str(gallery), "--no-save", "--quiet", "--fps", "12"]) == 0
    out = capsys.readouterr().out
    assert "Two people" in out and "--person" in out and "no face" not in out
    assert cli_main(["analyze", str(gallery), "--no-save", "--person", "middle"]) == 2
    err = capsys.readouterr().err
    assert "--person must be one of" in err and "Traceback" not in err


def test_closeup_hand_on_the_head_is_seen_without_shoulders(closeup):
    # Failure 2 of issue 10: with shoulders and elbows out of frame the pose model does not
    # see the hand; the hand model does.
    r = run(closeup)
    before = [f for f in r.frames if f.t < 2.5 and f.fidgeting is not None]
    touching = [f for f in r.frames if 3.3 <= f.t <= 4.6]
    assert before and touching
    assert np.mean([bool(f.components.face_touch) for f in touching]) > 0.8
    assert np.mean([f.fidgeting >= 0.5 for f in touching if f.fidgeting is not None]) > 0.8
    assert np.mean([f.fidgeting for f in before]) < 0.2, "no hand in view: calm"


def test_closeup_hand_on_the_head_raises_a_fidgeting_event(closeup, closeup_before_the_hand):
    # The hand is on the head from 3.0 s to the end (10.2 s): on it 3.0-4.9 s, then behind it
    # (forearm in view). The hand model sees it 3.0-4.93 s, one frame short of the 2 s a bout
    # needs, skipping the frame after it first finds it; the pose wrist is seen at the head
    # from 7.0 s. A hand last seen on the head and seen nowhere since is held for up to
    # TOUCH_HOLD_S (vision/scoring.py), so the bout is one, from the hand's arrival to the end.
    r = run(closeup)
    bouts = [e for e in r.events if e.kind == EventKind.FIDGETING]
    assert len(bouts) == 1, bouts
    assert 2.8 <= bouts[0].start_s <= 3.3 and bouts[0].end_s >= 10.0, bouts
    before = run(closeup_before_the_hand)
    assert before.frames[-1].t > 2.6
    assert not [e for e in before.events if e.kind == EventKind.FIDGETING]
    assert max(f.fidgeting for f in before.frames if f.fidgeting is not None) < 0.2
    assert not any(f.components.face_touch for f in before.frames if f.components)
