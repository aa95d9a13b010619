"""The one analysis loop: frames in, per-frame scores, events and a summary out.

The CLI, the GUI (file analysis and live mirror) and the tests all call :func:`analyze`.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterator

from poise.vision.calibration import Calibration
from poise.vision.events import EventTracker
from poise.vision.landmarker import WORKING_LONG_SIDE, Landmarker
from poise.vision.models import ModelPaths, describe_models, resolve_models
from poise.vision.person import parse_person
from poise.vision.scoring import Scorer, SCORING_VERSION
from poise.vision.sources import FrameSource, VideoFileSource
from poise.vision.summary import summarize
from poise.vision.types import SCHEMA_VERSION, CancelToken, Event, Frame, FrameScores, FrameUpdate, Progress, Summary
from poise.vision.voice import voice_track_from_file

logger = logging.getLogger(__name__)

# File analysis looks at about 15 frames a second by default. Eye-contact and posture events
# last seconds; fidgeting movements of interest are below ~5 Hz (hand fiddling, foot/knee
# bouncing seen through the shoulders), so 15 Hz is three times their Nyquist rate, and it
# lets a 30 fps file be analysed at >2x real time on two cores (scripts/benchmark.py).
DEFAULT_ANALYSIS_FPS = 15.0
# Decoded frames waiting for inference in file mode (decode overlaps inference; no drops).
PREFETCH_FRAMES = 4
# The decode thread runs this much nicer than the rest of the analysis (Linux only). It
# keeps PREFETCH_FRAMES decoded ahead, so it has slack: it should use the CPU the models
# leave idle, not take it from them. Together with one FFmpeg thread (see
# sources.SINGLE_DECODE_THREAD_MAX_PIXELS, which has the measurements).
DECODE_NICENESS = 10


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    analysis_fps: float = DEFAULT_ANALYSIS_FPS
    working_long_side: int = WORKING_LONG_SIDE
    #: Whose face to score when several are in view (vision.person: largest, left, ..., "X,Y").
    person: str = "largest"

    def stride_for(self, fps: float) -> int:
        if self.analysis_fps <= 0:
            return 1
        return max(1, int(round(fps / self.analysis_fps)))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "scoring_version": SCORING_VERSION}


@dataclass(slots=True)
class AnalysisResult:
    source: str
    fps: float            # the source's frame rate
    analysed_fps: float   # frames analysed per second of source time
    frames: list[FrameScores]
    events: list[Event]
    summary: Summary
    settings: dict[str, Any] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    calibration: dict[str, Any] | None = None
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON export format (README: "JSON format")."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "fps": round(self.fps, 3),
            "analysed_fps": round(self.analysed_fps, 3),
            "settings": self.settings,
            "models": self.models,
            "calibration": self.calibration,
            "cancelled": self.cancelled,
            "warnings": list(self.warnings),
            "summary": self.summary.to_dict(),
            "events": [e.to_dict() for e in self.events],
            "frames": [f.to_dict() for f in self.frames],
        }


def open_video(path: str | os.PathLike, settings: AnalysisSettings | None = None) -> VideoFileSource:
    """Open a video file for analysis at the settings' rate (raises SourceError)."""
    settings = settings or AnalysisSettings()
    src = VideoFileSource(path)
    stride = settings.stride_for(src.fps)
    src.stride = stride
    return src


def analyze(
    source: FrameSource,
    *,
    models: ModelPaths | None = None,
    settings: AnalysisSettings | None = None,
    calibration: Calibration | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_result: Callable[[FrameUpdate], None] | None = None,
    cancel: CancelToken | None = None,
    landmarker: Landmarker | None = None,
    voice: Callable[[float], bool | None] | None = None,
) -> AnalysisResult:
    """Analyse every frame ``source`` yields and return scores, events and a summary.

    ``on_result`` gets a FrameUpdate per analysed frame (the live window and the session
    recorder subscribe to it); ``on_progress`` at most ~10 times a second; ``cancel`` stops
    the loop after the current frame, and the partial result is returned with
    ``cancelled=True``. A ``landmarker`` may be passed in to reuse loaded models.

    ``voice(t)`` says whether the user speaks at source time ``t`` (None = no audio); a live
    run passes the microphone's; for a file it comes from the file's own audio track
    (vision.voice), and a source without a file or an audio track gives ``speaking = None``.
    """
    settings = settings or AnalysisSettings()
    cancel = cancel or CancelToken()
    models = models or (None if landmarker else resolve_models())
    own_landmarker = landmarker is None
    lm = landmarker or Landmarker(models, working_long_side=settings.working_long_side,
                                  person=parse_person(settings.person))
    scorer = Scorer(calibration)
    tracker = EventTracker()
    if voice is None and not source.is_live and getattr(source, "path", None) is not None:
        track = voice_track_from_file(source.path)
        voice = None if track is None else track.speaking_at
    frames: list[FrameScores] = []
    stride = getattr(source, "stride", 1)
    total = source.frame_count
    total_analysed = None if total is None else (total + stride - 1) // stride
    last_progress = 0.0
    last_t = 0.0
    frames_in = _prefetched(source, cancel)
    # Files keep the models one frame ahead of scoring; a camera frame is scored at once.
    detections = ((f, lm.detect(f)) for f in frames_in) if source.is_live else lm.detect_stream(frames_in)
    try:
        for frame, landmarks in detections:
            if cancel.cancelled:  # the frame already on the models when cancel came is dropped
                break
            scores = scorer.score(landmarks)
            if voice is not None:
                scores = replace(scores, speaking=voice(scores.t))
            events = tracker.update(scores)
            frames.append(scores)
            last_t = scores.t
            if on_result is not None:
                on_result(FrameUpdate(scores, landmarks, events, frame))
            now = time.monotonic()
            if on_progress is not None and now - last_progress >= 0.1:
                last_progress = now
                on_progress(Progress(len(frames), total_analysed, last_t))
    finally:
        detections.close()  # waits for a frame still on the models
        frames_in.close()   # stops the decode thread
        if own_landmarker:
            lm.close()
    duration = last_t + (stride / source.fps if frames else 0.0)
    closing = tracker.finish(duration)
    if on_result is not None and closing and frames:
        on_result(FrameUpdate(frames[-1], landmarks, tuple(closing), None))
    if on_progress is not None:
        on_progress(Progress(len(frames), len(frames) if not cancel.cancelled else total_analysed, last_t))
    events = tracker.events
    return AnalysisResult(
        source=source.name,
        fps=source.fps,
        analysed_fps=source.fps / stride,
        frames=frames,
        events=events,
        summary=summarize(frames, events, duration),
        settings=settings.to_dict(),
        models=describe_models(),
        calibration=None if calibration is None else calibration.to_dict(),
        cancelled=cancel.cancelled,
        warnings=list(getattr(source, "warnings", [])),
    )


def _prefetched(source: FrameSource, cancel: CancelToken) -> Iterator[Frame]:
    """Iterate ``source``; for files, decode in a thread so it overlaps inference.

    Live sources are already fed by their own capture thread, so they pass straight through.
    """
    if source.is_live:
        for frame in source:
            if cancel.cancelled:
                return
            yield frame
        return
    buf: queue.Queue = queue.Queue(maxsize=PREFETCH_FRAMES)
    done = object()
    stop = threading.Event()
    errors: list[BaseException] = []

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buf.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def decode() -> None:
        _lower_this_threads_priority(DECODE_NICENESS)
        try:
            for frame in source:
                if cancel.cancelled or not put(frame):
                    break
        except BaseException as exc:  # handed to the consumer, re-raised there
            errors.append(exc)
        finally:
            put(done)

    thread = threading.Thread(target=decode, name="poise-decode", daemon=True)
    thread.start()
    try:
        while not cancel.cancelled:
            item = buf.get()
            if item is done:
                break
            yield item
    finally:
        stop.set()
        thread.join(timeout=5.0)
    if errors:
        raise errors[0]


def _lower_this_threads_priority(niceness: int) -> None:
    """Make the calling thread ``niceness`` steps nicer, where that is per thread (Linux).

    On Linux, setpriority() on a thread id affects that thread only; elsewhere the same call
    would renice the whole process (or another one), so it is not made. Best effort: a
    refusal only costs speed.
    """
    if niceness <= 0 or not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + niceness))
    except OSError as exc:
        logger.debug("could not lower the decode thread's priority: %s", exc)
