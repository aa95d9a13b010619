"""Per-frame scores for eye contact, posture and fidgeting, from landmarks plus a short history.

Each score is in [0, 1] or None with a reason when it cannot be measured. The numbers below
were chosen on the shared clips (``scripts/measure_noise.py`` and ``tests/test_scoring_*``);
each says where it comes from.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from poise.vision.calibration import Calibration
from poise.vision.calibration_check import bounded
from poise.vision.features import MIN_VISIBILITY, Geometry, finger_shape, measure
from poise.vision.posture_baseline import SessionBaseline
from poise.vision.types import Components, FrameLandmarks, FrameScores, Reason

#: Recorded with every analysis; bump when a constant or formula below changes.
#: 2: posture judged against the session's own upright baseline without calibration (one bump
#: shared by the posture, calibration, eye-contact and hand changes of issue 10).
#: 3: one elliptical gaze zone with or without calibration (a gaze 10 deg aside is no longer
#: eye contact uncalibrated); the default lens direction 2.5 deg right (DEFAULT_GAZE_YAW);
#: blinks held for BLINK_HOLD_S = 0.2 s instead of 0.4 s, and not at all once the head drops
#: (BLINK_HEAD_DROP_DEG); a hand lost on the face counts as touching for up to TOUCH_HOLD_S.
#: 4: head angles from the landmarks as seen (vision/head_pose.py) instead of MediaPipe's matrix,
#: for every face (no per-tile rule for call recordings); the eyes in the head freed of the shift a
#: turned head gives the iris (features.IRIS_DEPTH_OVER_HALF_WIDTH); the default lens direction
#: re-measured (DEFAULT_GAZE_YAW 1.7, DEFAULT_GAZE_PITCH -8.2).
#: Posture (issue 16): the sideways lean measured at the head's centre at ear level and both
#: lean and neck ratio along/across the shoulder line (vision.features); uncalibrated, up to
#: CAMERA_LEVEL_DEG of the session's usual shoulder tilt is put down to the camera.
SCORING_VERSION = 4

# --- eye contact ------------------------------------------------------------------------
# Default gaze target without calibration, degrees; yaw + = toward the image's right, pitch + = up.
# Gaze = head angles as seen (vision/head_pose.py: against the line of sight, wherever the face
# sits in the picture) + the eyes in the head (vision/features.py). The medians of what five
# faces measured while looking into the lens (the FACES stretches of
# tests/test_eye_contact_constructed.py): yaw center_left_center 0.8, tfjs facemesh demo -0.9,
# center_focus 1.9, grid_lipnet 2.4, mediapipe_selfie 1.7; pitch -7.6, -9.2, -8.2, -10.4, -0.8
# (the eyeLookDown blendshape reads 0.07-0.46 while people look into a lens). Left-one-out
# medians: yaw 1.2-1.8, pitch -8.7..-7.9; with each of those as the default the held-out face
# still reads as eye contact and a look 15 deg either side of it does not
# (tests/test_eye_contact_constructed.py). Before SCORING_VERSION 4 the head angles came from
# MediaPipe's matrix and the same faces measured yaw 1.0-5.0 and pitch -16..+18 deg: the matrix
# moves with the face's place in the picture (vision/head_pose.py).
DEFAULT_GAZE_YAW = 1.7
DEFAULT_GAZE_PITCH = -8.2
# The zone of full eye contact around the target is an ellipse with these semi-axes
# (_gaze_penalty: without calibration the vertical part narrows the sideways zone but is judged
# on its own), so looking down and to the side at once counts even when neither part alone
# leaves the zone. People judge a gaze as "at me" within about +-5 to 9 degrees sideways
# (Gamer & Hecht 2007, cone of direct gaze). Sideways: the shared clips' lens-looking faces
# measure within 2.5 deg of DEFAULT_GAZE_YAW (per-face medians; single frames -3..+4) without
# calibration, and within 5.6 deg of their own calibration; a slight sideways gaze at someone
# beside the camera (10-15 deg off the lens, issue 10) must not read as eye contact. Vertically our estimate is
# noisier (lids, per-face offsets of the eyeLookDown blendshape), so the vertical semi-axis is wider.
GAZE_DEAD_YAW = 4.0
GAZE_DEAD_PITCH = 14.0
# Beyond the zone the score falls as exp(-(excess/scale)^2) on each axis. Sideways: 4 deg free,
# then scale 6 gives 0.64 at 8 deg, 0.37 at 10, 0.17 at 12 and 0.03 at 15 deg aside
# (tests/test_eye_contact_constructed.py); an eyes-only look of ~20 deg (measured on
# proctoringai__center_left_center) scores ~0.001. Downward: a 20 deg glance at notes ~0.7,
# looking down at one's hands (~-35 deg) ~0.01.
GAZE_SCALE_YAW = 6.0
GAZE_SCALE_PITCH = 10.0
# Iris positions jitter frame to frame; a running median over this many frames removes it.
GAZE_MEDIAN_FRAMES = 3
# During a blink the iris landmarks are meaningless: hold the last gaze for up to this long,
# so a blink is never a look-away; longer closures are measured. Looking down lowers the lids
# just as a blink does (MediaPipe's eyeBlink blendshape reads 0.5-0.76 while the woman in
# mediapipe__selfie_segmentation_web looks at her hands), so the hold delays every look down.
# The 10 blinks on the shared clips keep eyeBlink above 0.5 for 0.03-0.17 s from their first
# to their last closed frame (the eyes-closed phase; a whole blink, lids moving, is 0.1-0.4 s):
# 0.2 s holds all of them. The one longer closure, 0.27 s on tfjsmodels__facemesh_demo, is a
# wink in a grimace.
BLINK_HOLD_S = 0.2
# A blink does not move the head; looking down usually does. Head pitch moved by at most 2.6 deg
# during those 10 blinks, and dropped by 4.3-12.5 deg within 0.12-0.2 s of the lids closing in
# the three looks down at her hands in mediapipe__selfie_segmentation_web. A drop beyond this
# ends the hold at once, so a look down is measured from its first frames.
BLINK_HEAD_DROP_DEG = 4.0

# --- posture ----------------------------------------------------------------------------
# Without calibration, slouching (neck ratio) and leaning in or away (distance) are judged
# against the person's own posture earlier in the session (vision/posture_baseline.py): both
# depend on the camera's height and angle as much as on the person. Sideways lean (the head
# centre off the shoulder midpoint, along the shoulder line: vision.features) keeps its
# anatomical default of 0: the ear sits over the shoulder when upright, whatever the camera.
# A camera above or below eye level foreshortens the neck. An upright baseline below this
# ratio (the median upright neck ratio of the shared clips, all near eye level; measured again
# for SCORING_VERSION 4 on the upright stretches of tests/posture_views.py: six clips 0.49-0.58,
# median 0.54; each clip against the other five's median, 0.52-0.56, changes the share of
# upright frames scored >= 0.5 by 3 of 8528: scripts/measure_scores.py --only posture) is
# taken as foreshortened, and the head's sinking is scaled up by EYE_LEVEL / baseline, so the
# same slouch reads about the same from any height (tests/test_posture_any_camera.py).
EYE_LEVEL_NECK_RATIO = 0.52
# Below this baseline ratio (head nearly level with the shoulders in the picture) the scale-up
# would be unstable (x3.5 at most).
MIN_FORESHORTENED_NECK = 0.15
# Shoulder tilt is judged against level moved by the session's own median tilt so far
# (vision/posture_baseline.py), as far as a camera can account for it: up to this many degrees
# either way. Besides a camera rolled a degree or two, a body turned by b seen from a camera p
# below (or above) the shoulders tilts their line in the picture by atan(sin p * tan b): 4.0
# deg for 15 and 15 deg, as a laptop sees someone sitting a little turned. The low, off-centre
# camera of video4j shows an upright man with his shoulders at -7.9 deg (median, 0-2.8 s), which
# scored him 0.19-0.35 (issue 16). Beyond the camera's share a tilt counts against level, so a
# tilt of 4 + 3 (dead zone) deg is free for a whole session, one that comes and goes is judged
# against the session's usual level, and the whole picture rolled 8 deg still lowers posture
# (tests/test_ground_truth_by_construction.py: 1.00 -> 0.89 / 0.96 either way; 0.73 / 0.49
# before). Head roll keeps level: its dead zone already leaves 6 deg free, and whole-picture
# rolls must cost something.
CAMERA_LEVEL_DEG = 4.0
# (dead zone, scale) per component: deviations inside the dead zone cost nothing; beyond it
# the penalty grows as (excess/scale)^2 and posture = exp(-sum of penalties).
SHOULDER_TILT_DEG = (3.0, 6.0)    # still clips show +-1.5 deg of noise; 9 deg is a clear tilt
HEAD_ROLL_DEG = (6.0, 10.0)       # still clips: |roll| up to 3 deg; 16 deg reads as "tilted head"
SLOUCH_RATIO = (0.05, 0.10)       # head sinking 0.15 shoulder widths = clearly hunched
SIDE_LEAN_RATIO = (0.08, 0.15)    # head centre off the shoulder midpoint, along the shoulder line
LEAN_LOG = (0.10, 0.20)           # log apparent-size change vs the baseline (+-10 % free)

# --- fidgeting --------------------------------------------------------------------------
# How a fidget is told from a gesture that supports speech (README "How the scores work"):
# - hand-to-face: any hand point (pose or hand model) on the face, mouth, hair or top of the
#   neck (the face box grown by TOUCH_GROW_*) is a fidget outright (TOUCH_SCORE);
# - repetition: a movement that goes back and forth (FULL_REVERSALS in the window: rubbing,
#   wringing, tapping, rocking) counts fully; one smooth stroke, the shape of a gesture that
#   illustrates speech, counts at most GESTURE_WEIGHT (below the 0.5 line);
# - fingers fiddling: the finger tips moving against the wrist (vision.features.finger_shape)
#   again and again while the hand stays put, with the same repetition weighting.
FIDGET_WINDOW_S = 1.5          # long enough to contain several cycles of a 2-5 Hz fidget
FIDGET_MIN_SPAN_S = 0.5        # history needed before a fidgeting score is given
# Spread (RMS distance from the window mean, in shoulder widths) that a still person shows
# from landmark jitter alone (scripts/measure_scores.py): head p50 0.002-0.009 on the four
# still clips (max 0.0098); hands, never still and in view on the shared clips, measured on a
# frozen frame of mediapipe__selfie_segmentation_web with fresh camera noise (sigma 4) per
# frame: p50 0.013, p95 0.023. Subtracted before scoring, so jitter scores ~0.
HEAD_NOISE = 0.006
HAND_NOISE = 0.025
# Spread above the noise that counts as full fidgeting (RMS; a hand moving about +-0.17
# shoulder widths, or the head rocking about +-0.07, i.e. +-3 cm for a 45 cm shoulder width,
# again and again).
HEAD_FULL = 0.05
HAND_FULL = 0.12
# A broad deliberate gesture is one smooth movement (few reversals); fidgeting repeats.
# Movement with no reversals counts with this weight; 3+ reversals in the window count fully.
GESTURE_WEIGHT = 0.35
FULL_REVERSALS = 3
REVERSAL_STEP = 2.5            # a reversal needs a swing of this many noise floors
# Hand-to-face touch: any hand point inside the face box grown by these fractions.
TOUCH_GROW_X, TOUCH_GROW_UP, TOUCH_GROW_DOWN = 0.25, 0.45, 0.15
TOUCH_SCORE = 0.7              # a touch alone reads as fidgeting (above the 0.5 line)
# A hand seen on the face or head that then is not seen anywhere (neither model shows a hand:
# none in the hand model's view or it skipped the frame, no pose hand point visible) is taken
# to be there still for up to this long; a hand seen anywhere off the face ends the hold at
# once. Not seen is not gone: (1) right after the hand model finds a hand by its search, it
# skips the next frame by design (vision.landmarker._hand_due decides from runs up to n - 2);
# (2) a hand on the head or in the hair is often hidden by the head itself: on the video4j
# close-up (tests/test_people_and_hands.py) the hand model sees the hand on the head
# 3.0-4.93 s, loses it when it slides behind the head at 5.0 s, and the pose wrist stays at
# the head (visibility 0.41-0.49, under MIN_VISIBILITY) until it is seen again at 7.0 s.
# At most half a fidgeting bout (vision.events RULES: 2 s above 0.5), so a bout always needs
# at least 1 s of touch actually seen.
TOUCH_HOLD_S = 1.0
# Without shoulders, the face width stands in for body size: shoulder width is ~2.3 face
# widths on the shared clips.
SHOULDERS_PER_FACE_WIDTH = 2.3
MIN_HAND_SHARE = 0.6           # a hand must be visible in this share of the window
# The hand model (vision.landmarker) sees hands directly, also in a close-up without shoulders.
# Each hand gives two tracks: where the hand is (its 21 points' mean, in body-size units like
# the pose hands) and how its fingers are held (finger tips relative to the wrist, in hand
# sizes: vision.features.finger_shape). Noise floors: RMS spread over 1.5 s windows on still
# frames of mediapipe__selfie_segmentation_web (frames 0, 190 and 215, hands clasped or
# resting in view), repeated with fresh camera noise (sigma 4) per frame
# (scripts/measure_hands.py --noise): hand centre p50 0.002-0.008, p95 up to 0.022, max 0.024
# body widths (as the pose hands: HAND_NOISE);
# finger shape p50 0.03-0.18, p95 up to 0.39, max 0.42 hand sizes. The finger figure is
# large because interlaced fingers leave the model unsure where each tip is, so only a
# large, repeated finger movement counts as fiddling.
HAND_MODEL_NOISE = HAND_NOISE
FINGER_NOISE = 0.4
# Finger movement above the noise that counts as full fiddling: a spread of FINGER_NOISE +
# FINGER_FULL = 0.8 hand sizes, repeated. n tips swinging +-A hand sizes give a spread of
# A * sqrt(n / 2), so a repeated movement crosses the 0.5 line at a spread of 0.6: all five
# fingers clenching +-0.4 score 0.58, four fingers drumming +-0.5 0.77 (+-0.6: 1.0), three
# twirling something +-0.6 0.83; four drumming +-0.3 (spread 0.42, jitter-sized) score 0.02.
# One smooth stroke (opening the hand, 1 hand size) stays at GESTURE_WEIGHT, 0.35 (real hand
# landmarks with the fingers moved at 2-5 Hz: tests/test_hand_fidgeting_constructed.py).
FINGER_FULL = 0.4


@dataclass(slots=True)
class _Sample:
    t: float
    scale: float
    head: tuple[float, float] | None
    hands: list[tuple[float, float] | None]   # mean position of each hand's visible points
    #: The hand model's two hand slots (kept apart by continuity): centre, finger shape.
    model_hands: list[tuple[float, float] | None]
    fingers: list[np.ndarray | None]


class Scorer:
    """Turns FrameLandmarks into FrameScores. Keeps only a ~1.5 s history; one per analysis."""

    def __init__(self, calibration: Calibration | None = None) -> None:
        self.calibration = bounded(calibration)   # targets kept near the defaults (calibration_check)
        self._gaze: deque[tuple[float, float]] = deque(maxlen=GAZE_MEDIAN_FRAMES)
        self._blink_since: float | None = None
        self._open_pitch: float | None = None   # head pitch at the last frame with open eyes
        self._holding = False
        self._history: deque[_Sample] = deque()
        self._own = SessionBaseline()   # upright baseline learned from this session (uncalibrated)
        self._touch_seen: float | None = None   # when a hand was last seen on the face (TOUCH_HOLD_S)

    def score(self, lm: FrameLandmarks) -> FrameScores:
        t = lm.timestamp_ms / 1000.0
        if lm.ambiguous:
            self._history.clear()
            self._touch_seen = None
            r = Reason.MULTIPLE_PEOPLE
            return FrameScores(lm.index, t, None, None, None, r, r, r)
        g = measure(lm)
        eye, eye_reason, gaze = self._eye_contact(t, g)
        posture, posture_reason, pc = self._posture(g, lm)
        fidget, fidget_reason, fc = self._fidgeting(t, g)
        comps = Components(
            head_yaw=g.head_yaw, head_pitch=g.head_pitch, head_roll=g.head_roll,
            gaze_yaw=gaze[0], gaze_pitch=gaze[1], gaze_offset=gaze[2], blink=g.blink,
            shoulder_tilt=pc.get("shoulder_tilt"), slouch=pc.get("slouch"), lean=pc.get("lean"),
            side_lean=pc.get("side_lean"), hand_motion=fc.get("hand"), head_motion=fc.get("head"),
            face_touch=fc.get("touch"),
        )
        return FrameScores(lm.index, t, eye, posture, fidget, eye_reason, posture_reason, fidget_reason, comps)

    # -- eye contact -------------------------------------------------------------------
    def _eye_contact(self, t: float, g: Geometry):
        none = (None, None, None)
        if g.head_yaw is None or g.eye_yaw is None:
            self._gaze.clear()
            return None, Reason.NO_FACE, none
        # A blink holds the last gaze. Lids that stay "closed" for longer, or close while the
        # head drops, are not a blink: looking down also lowers the lids, so measure the gaze
        # again then, afresh (the held values leave the running median).
        if g.blink:
            self._blink_since = t if self._blink_since is None else self._blink_since
        else:
            self._blink_since = None
            self._open_pitch = g.head_pitch
        holding = (g.blink and bool(self._gaze) and t - self._blink_since <= BLINK_HOLD_S
                   and (self._open_pitch is None or self._open_pitch - g.head_pitch < BLINK_HEAD_DROP_DEG))
        if g.blink and not holding and self._holding:
            self._gaze.clear()
        self._holding = holding
        if not holding:
            self._gaze.append((g.head_yaw + g.eye_yaw, g.head_pitch + g.eye_pitch))
        yaw = float(np.median([v[0] for v in self._gaze]))
        pitch = float(np.median([v[1] for v in self._gaze]))
        cal = self.calibration if self.calibration is not None and self.calibration.gaze_yaw is not None else None
        target_yaw = cal.gaze_yaw if cal else DEFAULT_GAZE_YAW
        target_pitch = cal.gaze_pitch if cal else DEFAULT_GAZE_PITCH
        dy, dp = yaw - target_yaw, pitch - target_pitch
        return math.exp(-_gaze_penalty(dy, dp, calibrated=cal is not None)), None, (dy, dp, math.hypot(dy, dp))

    # -- posture -----------------------------------------------------------------------
    def _posture(self, g: Geometry, lm: FrameLandmarks):
        if g.head_roll is None:
            return None, Reason.NO_FACE, {}
        if lm.pose is None:
            return None, Reason.NO_POSE, {}
        if g.shoulder_tilt is None or g.neck_ratio is None:
            return None, Reason.LOW_VISIBILITY, {}
        cal = self.calibration
        base_tilt = cal.shoulder_tilt if cal and cal.shoulder_tilt is not None else 0.0
        # Uncalibrated, the part of the session's usual tilt a camera can account for is free.
        camera_tilt = 0.0 if cal and cal.shoulder_tilt is not None else max(
            -CAMERA_LEVEL_DEG, min(CAMERA_LEVEL_DEG, self._own.shoulder_tilt(g.shoulder_tilt)))
        base_roll = cal.head_roll if cal and cal.head_roll is not None else 0.0
        if cal and cal.neck_ratio is not None:
            base_neck = cal.neck_ratio
        else:
            base_neck = self._own.neck_ratio(g.neck_ratio)
        base_side = cal.side_offset if cal and cal.side_offset is not None else 0.0
        comps = {
            "shoulder_tilt": g.shoulder_tilt - base_tilt,
            "slouch": _slouch(base_neck, g.neck_ratio),
            "side_lean": g.side_offset - base_side,
        }
        roll = g.head_roll - base_roll
        penalty = (
            _excess(comps["shoulder_tilt"] - camera_tilt, *SHOULDER_TILT_DEG)
            + _excess(roll, *HEAD_ROLL_DEG)
            + _excess(max(comps["slouch"], 0.0), *SLOUCH_RATIO)
            + _excess(comps["side_lean"], *SIDE_LEAN_RATIO)
        )
        if g.distance_cm is not None and g.distance_cm > 0:
            if cal is not None and cal.distance_cm:
                base = cal.distance_cm
            else:
                base = self._own.distance_cm(g.distance_cm)
            comps["lean"] = math.log(base / g.distance_cm)  # + = closer than baseline
            penalty += _excess(comps["lean"], *LEAN_LOG)
        return math.exp(-penalty), None, comps

    # -- fidgeting ---------------------------------------------------------------------
    def _fidgeting(self, t: float, g: Geometry):
        if g.face_centre is None:
            # The user is identified by their face; a pose without one may be anybody (or a
            # cartoon, as after the cut in pyfeat__face_noface.mov).
            self._history.clear()
            self._touch_seen = None
            return None, Reason.NO_FACE, {}
        scale = g.shoulder_width or (g.face_width * SHOULDERS_PER_FACE_WIDTH if g.face_width else None)
        if not scale:
            return None, Reason.LOW_VISIBILITY, {}
        previous = self._history[-1].model_hands if self._history else [None, None]
        centres, fingers = _hand_model_slots(g.hand_points, previous)
        self._history.append(_Sample(t, scale, g.face_centre, _hand_positions(g.hands), centres, fingers))
        while self._history and t - self._history[0].t > FIDGET_WINDOW_S:
            self._history.popleft()
        touch = self._touch(t, g)
        if t - self._history[0].t < FIDGET_MIN_SPAN_S:
            return None, Reason.WARMING_UP, {"touch": touch}
        scale = float(np.median([s.scale for s in self._history]))
        head_spread, head_rev = _spread([s.head for s in self._history], scale, HEAD_NOISE)
        hand_terms = []
        hand_spread_max = None
        for k in range(2):
            spread, rev = _spread([s.hands[k] for s in self._history], scale, HAND_NOISE, MIN_HAND_SHARE)
            if spread is not None:
                hand_terms.append(_motion_term(spread, HAND_NOISE, HAND_FULL, rev))
                hand_spread_max = max(hand_spread_max or 0.0, spread - HAND_NOISE)
            # The same hand seen by the hand model: where it is, and what its fingers do.
            spread, rev = _spread([s.model_hands[k] for s in self._history], scale, HAND_MODEL_NOISE, MIN_HAND_SHARE)
            if spread is not None:
                hand_terms.append(_motion_term(spread, HAND_MODEL_NOISE, HAND_FULL, rev))
                hand_spread_max = max(hand_spread_max or 0.0, spread - HAND_MODEL_NOISE)
            spread, rev = _spread([s.fingers[k] for s in self._history], 1.0, FINGER_NOISE, MIN_HAND_SHARE)
            if spread is not None:
                hand_terms.append(_motion_term(spread, FINGER_NOISE, FINGER_FULL, rev))
        head_term = _motion_term(head_spread, HEAD_NOISE, HEAD_FULL, head_rev) if head_spread is not None else 0.0
        score = max([head_term, *hand_terms])
        if touch:
            score = max(score, TOUCH_SCORE)
        comps = {
            "head": None if head_spread is None else max(0.0, head_spread - HEAD_NOISE),
            "hand": None if hand_spread_max is None else max(0.0, hand_spread_max),
            "touch": touch,
        }
        return min(1.0, score), None, comps

    def _touch(self, t: float, g: Geometry) -> bool | None:
        """A hand on the face now, or seen there within TOUCH_HOLD_S and seen nowhere since."""
        touch = _face_touch(g)
        if touch:
            self._touch_seen = t
        elif _hand_seen(g):
            self._touch_seen = None
        elif self._touch_seen is not None and t - self._touch_seen <= TOUCH_HOLD_S:
            return True
        return touch


def _gaze_penalty(dy: float, dp: float, *, calibrated: bool) -> float:
    """Squared excess of the gaze offset from its target over the zone of full eye contact.

    The zone is an ellipse with semi-axes GAZE_DEAD_YAW and GAZE_DEAD_PITCH: the part of the
    offset outside it, along the same direction, counts, each axis in its own scale, so looking
    down and to the side at once is caught even when neither part alone leaves its zone. Along
    either axis alone this is the per-axis excess.

    Without a calibration the vertical offset can be a per-face offset alone (lens-looking
    frames measure up to 7 deg from DEFAULT_GAZE_PITCH; -16..+18 deg with MediaPipe's matrix
    before SCORING_VERSION 4), so there it narrows the sideways zone but
    is itself judged only beyond GAZE_DEAD_PITCH: coupling it both ways made a gallery-view tile
    looking into its lens (measured 6 deg aside, 16 deg down) read as no eye contact.
    """
    r = math.hypot(dy / GAZE_DEAD_YAW, dp / GAZE_DEAD_PITCH)
    k = 1.0 - 1.0 / r if r > 1.0 else 0.0
    vertical = (k * dp / GAZE_SCALE_PITCH) ** 2 if calibrated else _excess(dp, GAZE_DEAD_PITCH, GAZE_SCALE_PITCH)
    return (k * dy / GAZE_SCALE_YAW) ** 2 + vertical


def _slouch(base_neck: float, neck: float) -> float:
    """How far the head sank toward the shoulders, in eye-level shoulder widths (+ = sank)."""
    foreshortening = min(1.0, max(base_neck, MIN_FORESHORTENED_NECK) / EYE_LEVEL_NECK_RATIO)
    return (base_neck - neck) / foreshortening


def _excess(value: float, dead: float, scale: float) -> float:
    """Squared excess of |value| over a dead zone, in units of scale."""
    e = max(0.0, abs(value) - dead) / scale
    return e * e


def _hand_positions(hands: np.ndarray | None) -> list[tuple[float, float] | None]:
    """Mean position of each hand's visible points (pose: even offsets left, odd right)."""
    if hands is None:
        return [None, None]
    out: list[tuple[float, float] | None] = []
    for side in (0, 1):
        pts = hands[side::2]
        vis = pts[:, 2] >= MIN_VISIBILITY
        out.append(None if vis.sum() < 2 else (float(pts[vis, 0].mean()), float(pts[vis, 1].mean())))
    return out


def _hand_model_slots(hands: tuple[np.ndarray, ...] | None, previous: list):
    """Centres and finger shapes of up to two hand-model hands, each in the slot whose last
    centre is nearest (continuity), so a hand's track is not mixed with the other hand's."""
    centres: list = [None, None]
    fingers: list = [None, None]
    if not hands:
        return centres, fingers
    found = [(tuple(map(float, pts.mean(axis=0))), finger_shape(pts)) for pts in hands[:2]]
    found.sort(key=lambda item: item[0][0])  # left to right: the default slots

    def cost(slot: int, c) -> float:
        p = previous[slot]
        return 0.0 if p is None else math.hypot(c[0] - p[0], c[1] - p[1])

    if len(found) == 1:
        c = found[0][0]
        known = [k for k in (0, 1) if previous[k] is not None]
        slot = min(known, key=lambda k: cost(k, c)) if known else 0
        order = {slot: found[0]}
    else:
        straight = cost(0, found[0][0]) + cost(1, found[1][0])
        swapped = cost(0, found[1][0]) + cost(1, found[0][0])
        order = {0: found[0], 1: found[1]} if straight <= swapped else {0: found[1], 1: found[0]}
    for k, (c, f) in order.items():
        centres[k], fingers[k] = c, f
    return centres, fingers


def _spread(points, scale: float, noise: float, min_share: float = 0.6):
    """RMS distance from the mean (in body-size units) and the number of direction reversals."""
    seen = [p for p in points if p is not None]
    if len(seen) < 3 or len(seen) < min_share * len(points):
        return None, 0
    xy = np.asarray(seen, dtype=np.float64) / scale
    centred = xy - xy.mean(axis=0)
    spread = float(np.sqrt((centred**2).sum(axis=1).mean()))
    # Reversals along the main axis of movement, with hysteresis so jitter does not count.
    cov = centred.T @ centred
    axis = np.linalg.eigh(cov)[1][:, -1]
    return spread, _reversals(centred @ axis, REVERSAL_STEP * noise)


def _reversals(proj: np.ndarray, step: float) -> int:
    """Direction changes of a 1-D track, each needing a swing of at least ``step`` (zigzag)."""
    reversals, direction = 0, 0
    lo = hi = extreme = float(proj[0])
    for v in map(float, proj[1:]):
        if direction == 0:
            lo, hi = min(lo, v), max(hi, v)
            if v - lo > step:
                direction, extreme = 1, v
            elif hi - v > step:
                direction, extreme = -1, v
        elif direction == 1:
            if v > extreme:
                extreme = v
            elif extreme - v > step:
                reversals, direction, extreme = reversals + 1, -1, v
        else:
            if v < extreme:
                extreme = v
            elif v - extreme > step:
                reversals, direction, extreme = reversals + 1, 1, v
    return reversals


def _motion_term(spread: float, noise: float, full: float, reversals: int) -> float:
    amount = min(1.0, max(0.0, spread - noise) / full)
    repetitive = min(1.0, reversals / FULL_REVERSALS)
    return amount * (GESTURE_WEIGHT + (1.0 - GESTURE_WEIGHT) * repetitive)


def _hand_seen(g: Geometry) -> bool:
    """Whether either model shows a hand of the user on this frame (anywhere in the picture)."""
    if g.hand_points:
        return True
    return g.hands is not None and bool((g.hands[:, 2] >= MIN_VISIBILITY).any())


def _face_touch(g: Geometry) -> bool | None:
    """A hand on the face, mouth, hair or top of the neck: any seen hand point (pose or hand model)
    inside the face box grown by TOUCH_GROW_*. None when no hand source ran."""
    if g.face_box is None or (g.hands is None and g.hand_points is None):
        return None
    x0, y0, x1, y1 = g.face_box
    w, h = x1 - x0, y1 - y0
    x0, x1 = x0 - TOUCH_GROW_X * w, x1 + TOUCH_GROW_X * w
    y0, y1 = y0 - TOUCH_GROW_UP * h, y1 + TOUCH_GROW_DOWN * h
    sets = [pts for pts in (g.hand_points or ())]
    if g.hands is not None:
        sets.append(g.hands[g.hands[:, 2] >= MIN_VISIBILITY, :2])
    for pts in sets:
        inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
        if inside.any():
            return True
    return False
