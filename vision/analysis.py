"""The one analysis loop: frames in, per-frame scores streamed out, events and a summary at the end.

Sessions are made by vision.sessions.ingest, which calls :func:`analyze` for the CLI, the
window's File > Analyse video and live sessions; tests and scripts call it directly.
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
from poise.vision.landmarker import WORKING_LONG_SIDE, Landmarker, StageClock
from poise.vision.models import ModelPaths, describe_models, resolve_models
from poise.vision.person import parse_person
from poise.vision.scoring import Scorer, SCORING_VERSION
from poise.vision.sources import FrameSource, VideoFileSource
from poise.vision.summary import SummaryAccumulator
from poise.vision.types import SCHEMA_VERSION, CancelToken, Event, Frame, FrameScores, FrameUpdate, Progress, Summary
from poise.vision.audio.voice import voice_track_from_file

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
# Names of the loop's stages for a ``stage_clock`` (the landmarker times its own, landmarker.STAGE_*).
STAGE_WAIT_FRAME = "main: wait for decoded frame"
STAGE_SCORE = "main: Scorer.score"
STAGE_EVENTS = "main: EventTracker.update"


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
    #: Every frame's scores, only when the caller asked for them (``analyze(keep_frames=True)``);
    #: otherwise None: the frames went to ``on_result`` (the store, the export writers) as they came.
    frames: list[FrameScores] | None
    events: list[Event]
    summary: Summary
    settings: dict[str, Any] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    calibration: dict[str, Any] | None = None
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def frames_analysed(self) -> int:
        return self.summary.frames_analysed

    def header(self) -> dict[str, Any]:
        """The JSON export's fields known before the first frame (see :func:`result_header`)."""
        return {"schema_version": SCHEMA_VERSION, "source": self.source, "fps": round(self.fps, 3),
                "analysed_fps": round(self.analysed_fps, 3), "settings": self.settings, "models": self.models,
                "calibration": self.calibration}

    def trailer(self) -> dict[str, Any]:
        """The JSON export's fields known once the analysis has ended."""
        return {"cancelled": self.cancelled, "warnings": list(self.warnings), "summary": self.summary.to_dict(),
                "events": [e.to_dict() for e in self.events]}

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON export format (README: "JSON format"); needs ``keep_frames``."""
        if self.frames is None:
            raise ValueError("the frames were not kept: analyze(keep_frames=True), or stream them to a writer")
        return {**self.header(), **self.trailer(), "frames": [f.to_dict() for f in self.frames]}


def result_header(source: FrameSource, settings: "AnalysisSettings", calibration: Calibration | None = None) -> dict[str, Any]:
    """The JSON export's header for an analysis of ``source`` that has not run yet: the same
    fields, with the same values, as ``AnalysisResult.header()`` will have once it has."""
    stride = getattr(source, "stride", 1)
    return {"schema_version": SCHEMA_VERSION, "source": source.name, "fps": round(source.fps, 3),
            "analysed_fps": round(source.fps / stride, 3), "settings": settings.to_dict(),
            "models": describe_models(), "calibration": None if calibration is None else calibration.to_dict()}


def open_video(path: str | os.PathLike, settings: AnalysisSettings | None = None, *,
               decode_threads: int | None = None) -> VideoFileSource:
    """Open a video file for analysis at the settings' rate (raises SourceError).
    ``decode_threads`` overrides the decoder's thread choice (sources.VideoFileSource)."""
    settings = settings or AnalysisSettings()
    src = VideoFileSource(path, decode_threads=decode_threads)
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
    keep_frames: bool = False,
    stage_clock: StageClock | None = None,
    decode_niceness: int = DECODE_NICENESS,
) -> AnalysisResult:
    """Analyse every frame ``source`` yields and return events and a summary.

    Streams: each frame's scores go to ``on_result`` (a FrameUpdate per analysed frame: the
    live window, the session recorder and the export writers subscribe to it) and into a
    running summary, then are dropped, so memory stays flat however long the source. Only
    with ``keep_frames`` does the result hold the list of every frame's scores (tests and
    scripts that look at frames ask for it). ``on_progress`` is called at most ~10 times a
    second; ``cancel`` stops the loop after the current frame, and the partial result is
    returned with ``cancelled=True``. A ``landmarker`` may be passed in to reuse loaded
    models. ``stage_clock`` (scripts/benchmark.py) times the loop's stages;
    ``decode_niceness`` is how much nicer the decode thread of a file runs.

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
    score, update_events = scorer.score, tracker.update
    if stage_clock is not None:
        score = stage_clock.timed(STAGE_SCORE, score)
        update_events = stage_clock.timed(STAGE_EVENTS, update_events)
    running = SummaryAccumulator()
    frames: list[FrameScores] | None = [] if keep_frames else None
    last_scores: FrameScores | None = None
    stride = getattr(source, "stride", 1)
    total = source.frame_count
    total_analysed = None if total is None else (total + stride - 1) // stride
    last_progress = 0.0
    last_t = 0.0
    frames_in = _prefetched(source, cancel, decode_niceness)
    if stage_clock is not None:
        frames_in = stage_clock.timed_iter(STAGE_WAIT_FRAME, frames_in)
    # Files keep the models one frame ahead of scoring; a camera frame is scored at once.
    detections = ((f, lm.detect(f)) for f in frames_in) if source.is_live else lm.detect_stream(frames_in)
    try:
        for frame, landmarks in detections:
            if cancel.cancelled:  # the frame already on the models when cancel came is dropped
                break
            scores = score(landmarks)
            if voice is not None:
                scores = replace(scores, speaking=voice(scores.t))
            events = update_events(scores)
            running.add(scores)
            if frames is not None:
                frames.append(scores)
            last_scores = scores
            last_t = scores.t
            if on_result is not None:
                on_result(FrameUpdate(scores, landmarks, events, frame))
            now = time.monotonic()
            if on_progress is not None and now - last_progress >= 0.1:
                last_progress = now
                on_progress(Progress(running.frames, total_analysed, last_t))
    finally:
        detections.close()  # waits for a frame still on the models
        frames_in.close()   # stops the decode thread
        if own_landmarker:
            lm.close()
    done = running.frames
    duration = last_t + (stride / source.fps if done else 0.0)
    closing = tracker.finish(duration)
    if on_result is not None and closing and last_scores is not None:
        on_result(FrameUpdate(last_scores, landmarks, tuple(closing), None))
    if on_progress is not None:
        on_progress(Progress(done, done if not cancel.cancelled else total_analysed, last_t))
    events = tracker.events
    return AnalysisResult(
        source=source.name,
        fps=source.fps,
        analysed_fps=source.fps / stride,
        frames=frames,
        events=events,
        summary=running.summary(events, duration),
        settings=settings.to_dict(),
        models=describe_models(),
        calibration=None if calibration is None else calibration.to_dict(),
        cancelled=cancel.cancelled,
        warnings=list(getattr(source, "warnings", [])),
    )


def _prefetched(source: FrameSource, cancel: CancelToken, niceness: int = DECODE_NICENESS) -> Iterator[Frame]:
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
        _lower_this_threads_priority(niceness)
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
