"""MediaPipe face + pose landmarkers in VIDEO mode, turning frames into FrameLandmarks."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Iterator

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision as mpv

from poise.vision.models import ModelPaths, resolve_models
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
# A second face this much smaller (area ratio) than the largest is a bystander, not ambiguity.
BYSTANDER_AREA_RATIO = 0.5
# Tracking: the user is the face nearest the last one when it moved less than this
# (fraction of image width) since the previous frame.
CONTINUITY_MAX_JUMP = 0.15


@dataclass(slots=True)
class _InFlight:
    """One frame on the models: its prepared image and the two detections' futures."""

    frame: Frame
    image: mp.Image
    face: Future
    pose: Future


class Landmarker:
    """Owns one FaceLandmarker and one PoseLandmarker for one analysis (never per frame).

    Face and pose run concurrently, each in its own worker thread (MediaPipe releases the
    GIL), which the models README measured at ~43 vs ~33 frames/s on two cores. Use as a
    context manager. :meth:`detect` is one frame in, its landmarks out (live mode);
    :meth:`detect_stream` keeps the models one frame ahead of the caller (files).
    """

    def __init__(self, models: ModelPaths | None = None, *, working_long_side: int = WORKING_LONG_SIDE) -> None:
        models = models or resolve_models()
        self.working_long_side = working_long_side
        with native_stderr_silenced():
            self._create(models)
        self._face_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poise-face")
        self._pose_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poise-pose")
        self._last_ts = -1
        self._last_face_centre: np.ndarray | None = None
        self._warm = False

    def _create(self, models: ModelPaths) -> None:
        self._face = mpv.FaceLandmarker.create_from_options(
            mpv.FaceLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(models.face)),
                running_mode=mpv.RunningMode.VIDEO,
                num_faces=MAX_FACES,
                output_face_blendshapes=True,
                output_facial_transformation_matrixes=True,
            )
        )
        self._pose = mpv.PoseLandmarker.create_from_options(
            mpv.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(models.pose)),
                running_mode=mpv.RunningMode.VIDEO,
                num_poses=1,
            )
        )

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self._face_pool.shutdown(wait=True)
        self._pose_pool.shutdown(wait=True)
        with native_stderr_silenced():
            self._face.close()
            self._pose.close()

    def __enter__(self) -> "Landmarker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- per frame -------------------------------------------------------------------
    def prepare(self, image: np.ndarray) -> mp.Image:
        """Scale to the working size and convert BGR to an RGB mp.Image."""
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=working_rgb(image, self.working_long_side))

    def detect(self, frame: Frame) -> FrameLandmarks:
        """Landmarks of one frame, waiting for both models (the lowest latency: live mode)."""
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
                if not self._warm:
                    yield frame, self.detect(frame)
                    continue
                in_flight.append(self._submit(frame))
                if len(in_flight) > LOOKAHEAD:
                    done = in_flight.popleft()
                    yield done.frame, self._collect(done)
            while in_flight:
                done = in_flight.popleft()
                yield done.frame, self._collect(done)
        finally:
            for job in in_flight:  # the caller stopped early: let the models finish
                job.face.exception()
                job.pose.exception()

    def _submit(self, frame: Frame) -> _InFlight:
        image = self.prepare(frame.image)
        # VIDEO mode needs strictly increasing timestamps, even if a source repeats one.
        ts = max(frame.timestamp_ms, self._last_ts + 1)
        self._last_ts = ts
        return _InFlight(frame, image,
                         self._face_pool.submit(self._face.detect_for_video, image, ts),
                         self._pose_pool.submit(self._pose.detect_for_video, image, ts))

    def _collect(self, job: _InFlight) -> FrameLandmarks:
        return self._to_landmarks(job.frame, job.image.width, job.image.height, job.face.result(), job.pose.result())

    def _to_landmarks(self, frame: Frame, width: int, height: int, face_result, pose_result) -> FrameLandmarks:
        faces = [np.array([(p.x, p.y, p.z) for p in lm], dtype=np.float32) for lm in face_result.face_landmarks]
        chosen, ambiguous = self._choose_user(faces, width, height)
        face = matrix = blend = None
        if chosen is not None:
            face = faces[chosen]
            if face_result.facial_transformation_matrixes:
                matrix = np.asarray(face_result.facial_transformation_matrixes[chosen], dtype=np.float64)
            if face_result.face_blendshapes:
                blend = {c.category_name: float(c.score) for c in face_result.face_blendshapes[chosen]}
            self._last_face_centre = face[:, :2].mean(axis=0)
        pose = None
        if pose_result.pose_landmarks:
            pose = np.array(
                [(p.x, p.y, p.z, p.visibility if p.visibility is not None else 0.0) for p in pose_result.pose_landmarks[0]],
                dtype=np.float32,
            )
            if face is not None and not _pose_belongs_to_face(pose, face):
                pose = None  # the pose model latched on to someone else
        return FrameLandmarks(
            index=frame.index, timestamp_ms=frame.timestamp_ms, width=width, height=height,
            face=face, face_matrix=matrix, blendshapes=blend, pose=pose,
            face_count=len(faces), ambiguous=ambiguous, captured_at=frame.captured_at,
        )

    def _choose_user(self, faces: list[np.ndarray], width: int, height: int) -> tuple[int | None, bool]:
        """Pick the user's face: continuity first, then the largest; None if truly ambiguous."""
        if not faces:
            return None, False
        if len(faces) == 1:
            return 0, False
        centres = [f[:, :2].mean(axis=0) for f in faces]
        aspect = np.array([width / max(width, height), height / max(width, height)])
        if self._last_face_centre is not None:
            jumps = [float(np.linalg.norm((c - self._last_face_centre) * aspect)) for c in centres]
            best = int(np.argmin(jumps))
            others = [j for i, j in enumerate(jumps) if i != best]
            if jumps[best] < CONTINUITY_MAX_JUMP and min(others) > 2 * jumps[best]:
                return best, False
        areas = [_face_area(f, width, height) for f in faces]
        order = np.argsort(areas)[::-1]
        if areas[order[1]] < BYSTANDER_AREA_RATIO * areas[order[0]]:
            return int(order[0]), False
        return None, True


def working_rgb(image: np.ndarray, long_side: int) -> np.ndarray:
    """A BGR frame as the models see it: scaled down to ``long_side`` if larger, in RGB."""
    h, w = image.shape[:2]
    scale = long_side / max(h, w)
    if scale < 1.0:
        # INTER_AREA is fast only for integer factors; below 2x, bilinear is alias-free
        # enough and 4-5x cheaper (1080x720 -> 960x640: ~1 vs ~5 ms; docs/benchmark.md).
        interpolation = cv2.INTER_AREA if scale <= 0.5 else cv2.INTER_LINEAR
        image = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=interpolation)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _face_area(face: np.ndarray, width: int, height: int) -> float:
    span = (face[:, :2].max(axis=0) - face[:, :2].min(axis=0)) * (width, height)
    return float(span[0] * span[1])


def _pose_belongs_to_face(pose: np.ndarray, face: np.ndarray) -> bool:
    """The pose's nose (landmark 0) must lie inside the chosen face's box, with margin."""
    lo, hi = face[:, :2].min(axis=0), face[:, :2].max(axis=0)
    margin = (hi - lo) * 0.5
    nose = pose[0, :2]
    return bool(np.all(nose >= lo - margin) and np.all(nose <= hi + margin))


@contextlib.contextmanager
def native_stderr_silenced():
    """Point file descriptor 2 at /dev/null while MediaPipe's C++ code logs its start-up
    notes (absl/LiteRT ignore the Python logging config). POISE_DEBUG=1 keeps them.
    Python exceptions are unaffected: they are raised, not printed, inside this block."""
    if os.environ.get("POISE_DEBUG"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
