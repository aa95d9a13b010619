"""MediaPipe Tasks objects as Poise configures them, and quieting their native start-up logs."""

from __future__ import annotations

import contextlib
import os
import sys

from mediapipe.tasks.python import BaseOptions, vision as mpv

from poise.vision.models import ModelPaths


def video_models(models: ModelPaths, num_faces: int, num_hands: int) -> tuple:
    """Face, pose and hand landmarkers in VIDEO mode, with the options Poise scores from."""
    pose = mpv.PoseLandmarker.create_from_options(
        mpv.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(models.pose)),
            running_mode=mpv.RunningMode.VIDEO,
            num_poses=1,
        )
    )
    hand = mpv.HandLandmarker.create_from_options(
        mpv.HandLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(models.hand)),
            running_mode=mpv.RunningMode.VIDEO,
            num_hands=num_hands,
        )
    )
    return face_model(models, mpv.RunningMode.VIDEO, num_faces), pose, hand


def face_model(models: ModelPaths, mode, num_faces: int):
    """A FaceLandmarker in ``mode`` with blendshapes and the facial transformation matrix."""
    return mpv.FaceLandmarker.create_from_options(
        mpv.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(models.face)),
            running_mode=mode,
            num_faces=num_faces,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
    )


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
