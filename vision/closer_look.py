"""Looking closer at a chosen person the whole frame misses (a call's small self-view): which
crop of the original frame the models look at, the search for it, and the models it needs."""

from __future__ import annotations

from typing import Callable

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import vision as mpv

from poise.vision.crops import (ROI_FACE_MAX, ROI_RECENTRE, Seen, crop_around, crop_image, inside, roi_side,
                                search_crops)
from poise.vision.models import ModelPaths
from poise.vision.person import LARGEST, PersonChoice, is_there, pick_face, pose_belongs_to_face
from poise.vision.tasks import face_model, native_stderr_silenced, video_models

Roi = tuple[int, int, int]   # (x0, y0, side) in pixels of the original frame

# One crop of vision.crops.search_crops is tried per analysed frame; once a whole round of them
# found nobody, one every ROI_SEARCH_SLOW_EVERY-th frame only, so a chosen place where nobody
# sits costs a quarter of a face-model call per frame. scripts/measure_inset.py prices a search
# call at 10.0 ms of CPU (IMAGE mode on a 324 px crop), the same as the whole frame's face call
# (9.7); the crop models cost what the whole-frame ones do (face 8.5, pose 16.1, hand 10.9 ms
# against 9.7, 16.4, 11.3: the models resize to their own input sizes).
ROI_SEARCH_SLOW_EVERY = 4


class CloserLook:
    """The crop state of one Landmarker (see its docstring, "Looking closer").

    ``wrap`` times the crop models' three detect calls like the whole-frame ones (a StageClock)
    or leaves them as they are. Nothing here runs for the default person choice.
    """

    def __init__(self, models: ModelPaths, *, max_faces: int, max_hands: int,
                 wrap: Callable[[tuple], tuple] = lambda detect: detect) -> None:
        self._models = models
        self._max_faces, self._max_hands = max_faces, max_hands
        self._wrap = wrap
        self._roi: Roi | None = None
        self._roi_next: tuple[Roi, int] | None = None   # the next crop, and the submission it starts at
        self._search_done = False
        self._search_step = 0
        #: How many search crops the face model looked at for the chosen person (0 by default).
        self.crops_tried = 0
        self._finder = None
        self._models_in_crop: tuple | None = None
        #: The crop models' face, pose and hand detect calls (None until they are made).
        self.detect: tuple[Callable, Callable, Callable] | None = None

    @property
    def crop(self) -> Roi | None:
        """The crop the models look at (or will from the next frames); None: the whole frame."""
        return self._roi_next[0] if self._roi_next is not None else self._roi

    def reset(self) -> None:
        """Forget the crop and search again (a new person choice, or a new frame size)."""
        self._roi = self._roi_next = None
        self._search_done, self._search_step = False, 0

    def roi_for(self, number: int, shape: tuple) -> Roi | None:
        """The crop for submission ``number`` of a frame of ``shape``; None: the whole frame."""
        if self._roi_next is not None and number >= self._roi_next[1]:
            self._roi, self._roi_next = self._roi_next[0], None
        roi = self._roi
        if roi is not None and (roi[0] + roi[2] > shape[1] or roi[1] + roi[2] > shape[0]):
            self.reset()   # the source changed size: look for the chosen person again
            return None
        return roi

    def searching(self, person: PersonChoice) -> bool:
        return (person.kind != LARGEST.kind and not self._search_done
                and self._roi is None and self._roi_next is None)

    def look(self, person: PersonChoice, image: np.ndarray, number: int, ts: int, seen: Seen,
             chosen: int | None, with_hands: bool, width: int, height: int) -> Seen | None:
        """What the crop models see on this frame once they start, or None.

        When the whole frame shows the chosen person with their pose, or their face is too
        large for a crop (ROI_FACE_MAX), the search is over: the whole frame is enough.
        When it shows their face but the pose model follows someone else (a self-view a third
        of the height), the crop models start around that face. Otherwise the next search
        crop is tried on this frame, and the crop models start around a face found there.
        """
        side = roi_side(image.shape[1], image.shape[0])
        aspect = np.array([width / max(width, height), height / max(width, height)])
        if chosen is not None and is_there(person, seen.faces[chosen]):
            face = seen.faces[chosen]
            if ((seen.pose is not None and pose_belongs_to_face(seen.pose, face))
                    or float(np.ptp(face[:, 1])) * image.shape[0] > ROI_FACE_MAX * side):
                self._search_done = True
                return None
            return self._start(image, number, ts, face, side, with_hands)
        crops = search_crops(person, image.shape[1], image.shape[0])
        step, self._search_step = self._search_step, self._search_step + 1
        if not crops or (step >= len(crops) and step % ROI_SEARCH_SLOW_EVERY):
            return None
        crop = crops[step % len(crops)]
        if self._finder is None:
            with native_stderr_silenced():
                self._finder = face_model(self._models, mpv.RunningMode.IMAGE, self._max_faces)
                self._finder.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((64, 64, 3), np.uint8)))
        self.crops_tried += 1
        found = Seen.of(self._finder.detect(crop_image(image, crop)), None, None, crop, image.shape).faces
        # A face of someone the whole frame already shows (part of the large face in a crop) is not it.
        found = [f for f in found if not any(inside(f[:, :2].mean(axis=0), g) for g in seen.faces)]
        if not found:
            return None
        pick, _ = pick_face(person, [f[:, :2].mean(axis=0) for f in found], [0.0] * len(found), None, aspect)
        return None if pick is None else self._start(image, number, ts, found[pick], side, with_hands)

    def follow(self, face: np.ndarray, shape: tuple, number: int) -> None:
        """Move the crop after a face that drifted (ROI_RECENTRE), from submission number + 2 on."""
        current = self.crop
        if current is None or self._roi is None:
            return
        want = crop_around(face, shape, current[2])
        if max(abs(want[0] - current[0]), abs(want[1] - current[1])) > ROI_RECENTRE * current[2]:
            self._roi_next = (want, number + 2)

    def close(self) -> None:
        with native_stderr_silenced():
            for model in (self._finder, *(self._models_in_crop or ())):
                if model is not None:
                    model.close()

    def _start(self, image: np.ndarray, number: int, ts: int, face: np.ndarray, side: int,
               with_hands: bool) -> Seen:
        """Look at a crop around ``face`` from now on; what the crop models see on this frame."""
        roi = crop_around(face, image.shape, side)
        self._roi_next = (roi, number + 2)  # the next frame is already on the whole-frame models
        if self._models_in_crop is None:
            with native_stderr_silenced():
                self._models_in_crop = video_models(self._models, 1, self._max_hands)
            self.detect = self._wrap(tuple(m.detect_for_video for m in self._models_in_crop))
        # The crop models start on this very frame: they track from here, and it is scored.
        picture = crop_image(image, roi)
        face_model_, pose_model, hand_model = self._models_in_crop
        with native_stderr_silenced():
            return Seen.of(face_model_.detect_for_video(picture, ts),
                           pose_model.detect_for_video(picture, ts),
                           hand_model.detect_for_video(picture, ts) if with_hands else None,
                           roi, image.shape)
