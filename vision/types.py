"""Frozen data records that cross threads, files and the vision/app boundary."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

#: Bumped whenever a persisted record (JSON export, database row) changes shape.
#: 2: frames carry ``speaking`` and the summary the voice figures (issue 11).
#: 3: the transcript: ``transcript``, ``speech``, ``words``, and each segment's ``speech`` (issue 17).
SCHEMA_VERSION = 3


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded video frame, BGR and unmirrored, with its capture time."""

    index: int
    timestamp_ms: int
    image: np.ndarray
    #: Wall-clock time (time.monotonic()) at capture; used for live latency, None for files.
    captured_at: float | None = None


@dataclass(frozen=True, slots=True)
class FrameLandmarks:
    """What MediaPipe saw in one frame, for the person judged to be the user.

    Landmark arrays are in normalised image coordinates (x, y in [0, 1] of the analysed
    image, z relative), so they are independent of the working size.
    """

    index: int
    timestamp_ms: int
    width: int
    height: int
    #: (478, 3) face mesh incl. irises, or None when no face was found.
    face: np.ndarray | None = None
    #: 4x4 facial transformation matrix (head pose, cm, camera looks down -z).
    face_matrix: np.ndarray | None = None
    #: Blendshape name -> score, e.g. "eyeBlinkLeft".
    blendshapes: dict[str, float] | None = None
    #: (33, 4) pose landmarks: x, y, z, visibility.
    pose: np.ndarray | None = None
    #: The user's hands from the hand model, each (21, 3) x, y, z (MediaPipe hand topology:
    #: 0 wrist, 4/8/12/16/20 finger tips); () = looked, none found; None = not looked for.
    hands: tuple[np.ndarray, ...] | None = None
    #: Number of faces MediaPipe found (the user is one of them).
    face_count: int = 0
    #: True when two or more faces were found and none is clearly the user.
    ambiguous: bool = False
    captured_at: float | None = None


class Reason:
    """Why a score is not measurable (stored as plain strings)."""

    NO_FACE = "no_face"
    NO_POSE = "no_pose"
    LOW_VISIBILITY = "low_visibility"
    MULTIPLE_PEOPLE = "multiple_people"
    WARMING_UP = "warming_up"  # fidgeting needs a short history first


@dataclass(frozen=True, slots=True)
class Components:
    """The measurements behind the three scores, so a review can say why a score is low.

    Angles in degrees; lengths relative to shoulder width (or face width) so that distance
    to the camera does not matter. None when that part was not measurable.
    """

    head_yaw: float | None = None        # + = user turned to the image's right
    head_pitch: float | None = None      # + = head tilted up
    head_roll: float | None = None       # + = head rolled clockwise in the image
    gaze_yaw: float | None = None        # eyes relative to head, degrees (approx.)
    gaze_pitch: float | None = None
    gaze_offset: float | None = None     # total angular offset from the gaze target, degrees
    blink: bool | None = None
    shoulder_tilt: float | None = None   # degrees from horizontal
    slouch: float | None = None          # drop of head-to-shoulder height / shoulder width vs baseline
    lean: float | None = None            # log of apparent size vs baseline (+ = leaning in)
    side_lean: float | None = None       # head centre off the shoulder midpoint / shoulder width
    hand_motion: float | None = None     # shoulder widths per second, noise-floor removed
    head_motion: float | None = None
    face_touch: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _round(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class FrameScores:
    """Scores for one frame, each in [0, 1] or None when not measurable (with the reason)."""

    index: int
    t: float  # seconds from the start of the source
    eye_contact: float | None
    posture: float | None
    fidgeting: float | None
    eye_contact_reason: str | None = None
    posture_reason: str | None = None
    fidgeting_reason: str | None = None
    components: Components = field(default_factory=Components)
    #: Voice activity at this frame's time; None when there is no audio (vision.voice).
    speaking: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "i": self.index,
            "t": round(self.t, 3),
            "eye_contact": _round(self.eye_contact),
            "posture": _round(self.posture),
            "fidgeting": _round(self.fidgeting),
            "speaking": self.speaking,
            "reasons": {
                k: v
                for k, v in (
                    ("eye_contact", self.eye_contact_reason),
                    ("posture", self.posture_reason),
                    ("fidgeting", self.fidgeting_reason),
                )
                if v
            },
            "components": self.components.to_dict(),
        }


class EventKind:
    LOOK_AWAY = "look_away"
    SLOUCH = "slouch"
    FIDGETING = "fidgeting"
    ALL = (LOOK_AWAY, SLOUCH, FIDGETING)


@dataclass(frozen=True, slots=True)
class Event:
    """A sustained episode (hysteresis applied); end_s is None while it is still going on."""

    kind: str
    start_s: float
    end_s: float | None = None

    @property
    def duration_s(self) -> float | None:
        return None if self.end_s is None else self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start_s": round(self.start_s, 3),
                "end_s": None if self.end_s is None else round(self.end_s, 3)}


@dataclass(frozen=True, slots=True)
class Summary:
    """Session-level figures. Shares are over the frames where that score was measurable."""

    duration_s: float
    frames_analysed: int
    measurable_share: float           # frames with all three scores measurable
    eye_contact_share: float | None   # share of measurable frames with eye contact >= 0.5
    mean_eye_contact: float | None
    mean_posture: float | None
    fidgeting_share: float | None     # share of measurable frames with fidgeting >= 0.5
    mean_fidgeting: float | None
    longest_look_away_s: float
    event_counts: dict[str, int]
    # Voice figures (vision.voice); None when there was no audio. Eye contact shares are over
    # frames with measurable eye contact, split by whether the user was speaking.
    speaking_share: float | None = None
    longest_pause_s: float | None = None        # longest silence between two stretches of speech
    eye_contact_speaking_share: float | None = None
    eye_contact_silent_share: float | None = None
    #: Share of frames with two people in view and none chosen (reason multiple_people).
    multiple_people_share: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: _round(getattr(self, f.name)) for f in fields(self)}
        d["event_counts"] = dict(self.event_counts)
        return d


@dataclass(frozen=True, slots=True)
class FrameUpdate:
    """What the analysis hands to on_result for every analysed frame."""

    scores: FrameScores
    landmarks: FrameLandmarks
    #: Events that started (end_s None) or ended on this frame.
    events: tuple[Event, ...] = ()
    frame: Frame | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    frames_done: int
    frames_total: int | None  # None for a live source
    t: float                  # seconds of source time analysed so far


class CancelToken:
    """Cooperative cancellation shared between a caller and the analysis loop."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def _round(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4)
    return v
