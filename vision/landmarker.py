"""MediaPipe face, pose and hand landmarkers in VIDEO mode, turning frames into FrameLandmarks."""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

import cv2
import mediapipe as mp
import numpy as np

from poise.vision.closer_look import CloserLook
from poise.vision.crops import Seen, crop_image
from poise.vision.models import ModelPaths, resolve_models
from poise.vision.person import LARGEST, PersonChoice, pick_face, pose_belongs_to_face
from poise.vision.tasks import native_stderr_silenced, video_models
from poise.vision.types import Frame, FrameLandmarks

logger = logging.getLogger(__name__)

# Frames whose long side exceeds this are scaled down before inference. Both models resize
# internally (face detector 128 px, pose 256 px), so a smaller input does not make them
# faster; the cap bounds the cost of colour conversion and copies for 4K sources. Measured on
# the 1920x1080 clip (docs/benchmark.md): 960 runs as fast as full size within noise and its
# scores differ from full size by 0.04 (eye contact) / 0.02 (posture) per frame, with no frame
# crossing the 0.5 eye-contact line; 640 is no faster and slightly further off.
WORKING_LONG_SIDE = 960
# Files: frames on the models while the caller scores an earlier one (Landmarker.detect_stream).
LOOKAHEAD = 1
# Up to this many faces are looked for, so a second person can be told apart from the user.
MAX_FACES = 2
# Tracking: the user is the face nearest the last one when it moved less than this
# (fraction of image width) since the previous frame.
CONTINUITY_MAX_JUMP = 0.15
# Both hands of the user (the hand model finds at most this many in the whole picture).
MAX_HANDS = 2
# A hand belongs to the user when its centre is within this many face widths of the user's
# face centre and no other face is nearer. Measured from the hand model's output on the shared
# clips: mediapipe__selfie_segmentation_web's clasped hands 1.6 face widths below her face (a
# stale hand below the frame 2.5), video4j's hand on the head 0.7 and coming up beside the
# face 1.6; a neighbour's hand in a gallery view is nearer their own face.
HAND_REACH_FACE_WIDTHS = 4.0
# While it tracks a hand the hand model runs on every analysed frame (fidgeting needs the
# hands at the full 15 Hz); while it sees none, it looks for hands on every HAND_SEARCH_EVERY-th
# frame only, so a hand coming into view is found within 0.2 s at 15 Hz. Measured with
# scripts/measure_hands.py (process CPU per call, 960 px frames, 2-core machine, loaded):
# looking for hands (palm detection) 11.0 ms median, tracking two hands 20.1 ms, against
# face 10.2 and pose 16.3 ms. Most interview footage shows no hands most of the time, so
# searching every frame would add ~11 ms (+42 %) to every frame for nothing; every third
# frame adds ~3.7 ms.
HAND_SEARCH_EVERY = 3
# Names of the landmarker's stages for a StageClock (scripts/benchmark.py profiles them).
STAGE_FACE = "face thread: face.detect_for_video"
STAGE_POSE = "pose thread: pose.detect_for_video"
STAGE_HAND = "hand thread: hand.detect_for_video"
STAGE_PREPARE = "main: prepare (resize, BGR->RGB, mp.Image)"
STAGE_COLLECT = "main: Landmarker._collect"
STAGE_TO_LANDMARKS = "main: _to_landmarks"
STAGES_DETECT = (STAGE_FACE, STAGE_POSE, STAGE_HAND)

_T = TypeVar("_T")


class StageClock(Protocol):
    """Times named stages of the analysis (scripts/benchmark.py has one); optional everywhere,
    and free when absent: the timed callables are chosen once, not tested per frame."""

    def timed(self, name: str, fn: Callable[..., _T]) -> Callable[..., _T]: ...

    def timed_iter(self, name: str, iterable: Iterable[_T]) -> Iterator[_T]: ...


@dataclass(slots=True)
class _InFlight:
    """One frame on the models: its prepared image and the three detections' futures."""

    frame: Frame
    image: mp.Image
    face: Future
    pose: Future
    hand: Future | None  # None: the hand model skipped this frame (HAND_SEARCH_EVERY)
    number: int          # submission count, for the hand model's schedule
    ts: int              # the timestamp the models were given
    roi: tuple[int, int, int] | None = None  # (x0, y0, side) of the crop looked at; None = whole frame

    def futures(self) -> tuple[Future, ...]:
        return (self.face, self.pose) if self.hand is None else (self.face, self.pose, self.hand)


class Landmarker:
    """Owns one Face-, Pose- and HandLandmarker for one analysis (never per frame).

    The three run concurrently, each in its own worker thread (MediaPipe releases the
    GIL), which the models README measured at ~43 vs ~33 frames/s for face and pose on two
    cores. Use as a context manager. :meth:`detect` is one frame in, its landmarks out (live
    mode); :meth:`detect_stream` keeps the models one frame ahead of the caller (files).
    ``person`` says whose face to score when there are several (vision.person); the chosen
    face is then tracked by continuity. :meth:`choose_person` changes it while running.

    Looking closer: when a person is chosen (not the default) and the whole frame shows no
    face where the choice points (a call's small self-view), crops of the original frame
    there are searched (vision.crops.search_crops); once a face is found, a second set of
    VIDEO-mode models (created then, once) looks only at a crop around it, which follows the
    face, and their landmarks are mapped back to the whole frame. Default analysis never
    does any of this.
    """

    def __init__(self, models: ModelPaths | None = None, *, working_long_side: int = WORKING_LONG_SIDE,
                 person: PersonChoice = LARGEST, lookahead: int = LOOKAHEAD,
                 stage_clock: StageClock | None = None) -> None:
        """``lookahead`` 0 makes :meth:`detect_stream` detect frame by frame (what the
        look-ahead is worth, scripts/benchmark.py); ``stage_clock`` times each stage."""
        models = models or resolve_models()
        self.working_long_side = working_long_side
        self.lookahead = lookahead
        with native_stderr_silenced():
            self._face, self._pose, self._hand = video_models(models, MAX_FACES, MAX_HANDS)
        self._detect_face = self._face.detect_for_video
        self._detect_pose = self._pose.detect_for_video
        self._detect_hand = self._hand.detect_for_video
        if stage_clock is not None:
            self._detect_face = stage_clock.timed(STAGE_FACE, self._detect_face)
            self._detect_pose = stage_clock.timed(STAGE_POSE, self._detect_pose)
            self._detect_hand = stage_clock.timed(STAGE_HAND, self._detect_hand)
            self.prepare = stage_clock.timed(STAGE_PREPARE, self.prepare)
            self._collect = stage_clock.timed(STAGE_COLLECT, self._collect)
            self._to_landmarks = stage_clock.timed(STAGE_TO_LANDMARKS, self._to_landmarks)
        self._face_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poise-face")
        self._pose_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poise-pose")
        self._hand_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poise-hand")
        self._last_ts = -1
        self._last_face_centre: np.ndarray | None = None
        self.person = person
        self._pending_person: PersonChoice | None = None
        self._submitted = 0
        # (submission number, hands found) of the hand model's recent runs.
        self._hand_runs: deque[tuple[int, bool]] = deque(maxlen=8)
        self._warm = False
        wrap = ((lambda detect: tuple(stage_clock.timed(name, fn) for name, fn in zip(STAGES_DETECT, detect)))
                if stage_clock is not None else (lambda detect: detect))
        self._closer = CloserLook(models, max_faces=MAX_FACES, max_hands=MAX_HANDS, wrap=wrap)

    @property
    def crop(self) -> tuple[int, int, int] | None:
        """(x0, y0, side) in pixels of the crop of the original frame the models look at for the
        chosen person, or None: the whole frame (always, by default)."""
        return self._closer.crop

    @property
    def crops_tried(self) -> int:
        """How many search crops the face model looked at for the chosen person (0 by default)."""
        return self._closer.crops_tried

    def choose_person(self, person: PersonChoice) -> None:
        """Score ``person`` from the next frame on (thread-safe: a click in the live mirror).
        The face it points at is found on the next frame and then tracked by continuity."""
        self._pending_person = person

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self._face_pool.shutdown(wait=True)
        self._pose_pool.shutdown(wait=True)
        self._hand_pool.shutdown(wait=True)
        with native_stderr_silenced():
            for model in (self._face, self._pose, self._hand):
                model.close()
        self._closer.close()

    def __enter__(self) -> "Landmarker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- per frame -------------------------------------------------------------------
    def prepare(self, image: np.ndarray) -> mp.Image:
        """Scale to the working size and convert BGR to an RGB mp.Image."""
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=working_rgb(image, self.working_long_side))

    def detect(self, frame: Frame) -> FrameLandmarks:
        """Landmarks of one frame, waiting for all models (the lowest latency: live mode)."""
        if not self._warm:  # the first inference logs native warnings once
            self._warm = True
            with native_stderr_silenced():
                return self._collect(self._submit(frame))
        return self._collect(self._submit(frame))

    def detect_stream(self, frames: Iterable[Frame]) -> Iterator[tuple[Frame, FrameLandmarks]]:
        """Landmarks of every frame, in order, with the models kept LOOKAHEAD frames ahead.

        Frame n+1 goes to the models before frame n's landmarks are handed back, so what
        the caller does with them (scoring, events, saving, the next frame's resize)
        overlaps inference instead of adding to it (docs/benchmark.md, "How the pipeline is
        arranged for speed").
        The results are exactly those of calling :meth:`detect` per frame. For files
        only: with a camera, frame n would wait for frame n+1 to be captured, a whole
        frame of extra latency.
        """
        in_flight: deque[_InFlight] = deque()
        try:
            for frame in frames:
                if not self._warm or self.lookahead <= 0:
                    yield frame, self.detect(frame)
                    continue
                in_flight.append(self._submit(frame))
                if len(in_flight) > self.lookahead:
                    done = in_flight.popleft()
                    yield done.frame, self._collect(done)
            while in_flight:
                done = in_flight.popleft()
                yield done.frame, self._collect(done)
        finally:
            for job in in_flight:  # the caller stopped early: let the models finish
                for future in job.futures():
                    future.exception()

    def _submit(self, frame: Frame) -> _InFlight:
        # VIDEO mode needs strictly increasing timestamps, even if a source repeats one.
        ts = max(frame.timestamp_ms, self._last_ts + 1)
        self._last_ts = ts
        n, self._submitted = self._submitted, self._submitted + 1
        roi = self._closer.roi_for(n, frame.image.shape)
        if roi is None:
            image = self.prepare(frame.image)
            detect_face, detect_pose, detect_hand = self._detect_face, self._detect_pose, self._detect_hand
        else:
            image = crop_image(frame.image, roi)
            detect_face, detect_pose, detect_hand = self._closer.detect
        hand = self._hand_pool.submit(detect_hand, image, ts) if self._hand_due(n) else None
        return _InFlight(frame, image,
                         self._face_pool.submit(detect_face, image, ts),
                         self._pose_pool.submit(detect_pose, image, ts),
                         hand, n, ts, roi)

    def _hand_due(self, n: int) -> bool:
        """Run the hand model on submission ``n``: on every HAND_SEARCH_EVERY-th frame, and on
        every frame while it found hands. Decided from runs up to ``n - 2`` only, which are
        known both in :meth:`detect` and in :meth:`detect_stream` (one frame ahead), so both
        give the same landmarks."""
        if n % HAND_SEARCH_EVERY == 0:
            return True
        known = [found for m, found in self._hand_runs if m <= n - 2]
        return bool(known) and known[-1]

    def _collect(self, job: _InFlight) -> FrameLandmarks:
        hand = None
        if job.hand is not None:
            hand = job.hand.result()
            self._hand_runs.append((job.number, bool(hand.hand_landmarks)))
        return self._to_landmarks(job, job.face.result(), job.pose.result(), hand)

    def _to_landmarks(self, job: _InFlight, face_result, pose_result, hand_result=None) -> FrameLandmarks:
        frame = job.frame
        if job.roi is None:
            width, height = job.image.width, job.image.height
        else:
            width, height = working_size(frame.image.shape, self.working_long_side)
        seen = Seen.of(face_result, pose_result, hand_result, job.roi, frame.image.shape)
        chosen, ambiguous = self._choose_user(seen.faces, width, height)
        if job.roi is None and self._closer.searching(self.person):
            closer = self._closer.look(self.person, frame.image, job.number, job.ts, seen, chosen,
                                       hand_result is not None, width, height)
            if closer is not None:
                seen, ambiguous = closer, False
                chosen = 0 if seen.faces else None
        face = matrix = blend = None
        if chosen is not None:
            face = seen.faces[chosen]
            if seen.matrices:
                matrix = np.asarray(seen.matrices[chosen], dtype=np.float64)
            if seen.blendshapes:
                blend = {c.category_name: float(c.score) for c in seen.blendshapes[chosen]}
            self._last_face_centre = face[:, :2].mean(axis=0)
            if job.roi is not None:
                self._closer.follow(face, frame.image.shape, job.number)
        pose = seen.pose
        if pose is not None and face is not None and not pose_belongs_to_face(pose, face):
            pose = None  # the pose model latched on to someone else
        hands = None
        if seen.hands is not None:
            hands = () if face is None else _users_hands(seen.hands, seen.faces, chosen, width, height)
        return FrameLandmarks(
            index=frame.index, timestamp_ms=frame.timestamp_ms, width=width, height=height,
            face=face, face_matrix=matrix, blendshapes=blend, pose=pose, hands=hands,
            face_count=len(seen.faces), ambiguous=ambiguous, captured_at=frame.captured_at,
        )

    def _choose_user(self, faces: list[np.ndarray], width: int, height: int) -> tuple[int | None, bool]:
        """Pick the user's face: a new choice first, then continuity, then the person choice
        (the largest by default); (None, True) when truly ambiguous."""
        pending, self._pending_person = self._pending_person, None
        if pending is not None:
            self.person, self._last_face_centre = pending, None
            self._closer.reset()
        if not faces:
            return None, False
        centres = [f[:, :2].mean(axis=0) for f in faces]
        aspect = np.array([width / max(width, height), height / max(width, height)])
        if len(faces) == 1 and self.person.kind == LARGEST.kind:
            return 0, False
        if self._last_face_centre is not None:
            jumps = [float(np.linalg.norm((c - self._last_face_centre) * aspect)) for c in centres]
            best = int(np.argmin(jumps))
            others = [j for i, j in enumerate(jumps) if i != best]
            if jumps[best] < CONTINUITY_MAX_JUMP and (not others or min(others) > 2 * jumps[best]):
                return best, False
        areas = [_face_area(f, width, height) for f in faces]
        return pick_face(self.person, centres, areas, self._last_face_centre, aspect)


def working_size(shape: tuple, long_side: int) -> tuple[int, int]:
    """(width, height) of a frame of ``shape`` as the models see it (:func:`working_rgb`)."""
    h, w = shape[:2]
    scale = long_side / max(h, w)
    return (w, h) if scale >= 1.0 else (round(w * scale), round(h * scale))


def working_rgb(image: np.ndarray, long_side: int) -> np.ndarray:
    """A BGR frame as the models see it: scaled down to ``long_side`` if larger, in RGB."""
    h, w = image.shape[:2]
    size = working_size(image.shape, long_side)
    if size != (w, h):
        # INTER_AREA is fast only for integer factors; below 2x, bilinear is alias-free
        # enough and 4-5x cheaper (1080x720 -> 960x640: ~1 vs ~5 ms; docs/benchmark.md).
        interpolation = cv2.INTER_AREA if long_side / max(h, w) <= 0.5 else cv2.INTER_LINEAR
        image = cv2.resize(image, size, interpolation=interpolation)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _face_area(face: np.ndarray, width: int, height: int) -> float:
    span = (face[:, :2].max(axis=0) - face[:, :2].min(axis=0)) * (width, height)
    return float(span[0] * span[1])


def _users_hands(found: list[np.ndarray], faces: list[np.ndarray], chosen: int, width: int, height: int) -> tuple[np.ndarray, ...]:
    """The user's hands, (21, 3) normalised arrays: those nearer the user's face than any other
    face, within HAND_REACH_FACE_WIDTHS of it (a neighbour's hands in a gallery view are not)."""
    scale = np.array([width, height], dtype=np.float32)
    centres = [f[:, :2].mean(axis=0) * scale for f in faces]
    face_width = max(1.0, float(np.ptp(faces[chosen][:, 0]) * width))
    out = []
    for pts in found:
        centre = pts[:, :2].mean(axis=0) * scale
        dists = [float(np.linalg.norm(centre - c)) for c in centres]
        if int(np.argmin(dists)) == chosen and dists[chosen] <= HAND_REACH_FACE_WIDTHS * face_width:
            out.append(pts)
    return tuple(out)
