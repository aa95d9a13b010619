"""Live pipeline: a capture thread feeding a one-slot queue, and an inference QThread running analyze().

Capture (``poise-capture``, a Python thread) reads the camera (or a video file played as a
camera), keeps the newest frame for the display and offers every frame to the current run's
``LatestFrameSource``; a slower inference drops the older frame and counts it. Inference (a
QThread) loads ONE Landmarker per pipeline and calls :func:`vision.analysis.analyze` once per
*run*: the mirror before a session is one run, each practice session is its own run, so a
session's scores, events and summary come from the core exactly as for a video file.

A run starts at the first frame captured after :meth:`LivePipeline.begin_run`; that frame is
time 0 of the run (the scores' ``t``), of its recording and of its session clock.

Sound (optional): an AudioInput (microphone, or the file's own track) delivers blocks on its own
thread, stamped on the same monotonic clock as the frames; the pipeline feeds them to one
LiveVoice (the scores' ``speaking``) and to the current run's ``audio_sink`` (the recording).
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from poise.vision.analysis import AnalysisSettings, analyze
from poise.vision.audio.inputs import AudioInput, AudioUnavailable
from poise.vision.landmarker import Landmarker
from poise.vision.models import ModelError, ModelPaths, resolve_models
from poise.vision.person import PersonChoice
from poise.vision.sources import LatestFrameSource, PacedFileSource, SourceError
from poise.vision.types import CancelToken, Frame, FrameLandmarks, FrameUpdate
from poise.vision.audio.voice import LiveVoice
from poise.app.threads import worker_thread

logger = logging.getLogger(__name__)

# Bounded waits when stopping. Capture: one frame period of a 5 fps camera at worst.
# Inference: one frame (~40 ms on two cores) plus closing the models and finishing the
# session's store writer (normally a few ms; the recorder's own bound is 15 s).
CAPTURE_JOIN_S = 1.0
INFERENCE_WAIT_MS = 3000
# How long the inference thread waits for the next run before re-checking for a stop.
RUN_POLL_S = 0.1


@dataclass(eq=False)
class LiveRun:
    """One analyze() call over the live feed: the idle mirror, or one practice session.

    ``sinks`` get every FrameUpdate on the inference thread (e.g. SessionIngest.on_result,
    which only queues); ``frame_sink`` gets every captured frame on the capture thread (the
    video recording); ``on_finished(run, result)`` runs on the inference thread when the run
    ends (finish the store session there, so it also happens while the window closes).
    """

    tag: object = None
    calibration: object = None
    sinks: tuple[Callable[[FrameUpdate], None], ...] = ()
    frame_sink: Callable[[Frame], None] | None = None
    #: Gets every audio block (samples, captured_at) on the audio thread (the recording's sound).
    audio_sink: Callable[[object, float], None] | None = None
    on_finished: Callable[["LiveRun", object], None] | None = None
    source: LatestFrameSource | None = None
    #: Set by the capture thread from the run's first frame.
    origin_ms: int | None = None
    origin_index: int = 0
    origin_captured_at: float | None = None
    started: threading.Event = field(default_factory=threading.Event)

    def clock(self) -> float | None:
        """Seconds since the run's first frame, on the same axis as its scores' ``t``."""
        if self.origin_captured_at is None:
            return None
        return time.monotonic() - self.origin_captured_at


class _ShiftedLandmarker:
    """The shared Landmarker, with the run's first frame as time 0 for the scorer.

    MediaPipe keeps seeing the capture timestamps (strictly increasing across runs, so its
    tracking is not reset); only the returned landmarks are re-stamped, and re-numbered so a
    frame's index is its position in the run's recording.
    """

    def __init__(self, landmarker: Landmarker, run: LiveRun) -> None:
        self._lm = landmarker
        self._run = run

    def detect(self, frame: Frame) -> FrameLandmarks:
        lm = self._lm.detect(frame)
        run = self._run
        return dataclasses.replace(lm, index=max(0, lm.index - run.origin_index),
                                   timestamp_ms=max(0, lm.timestamp_ms - (run.origin_ms or 0)))

    def close(self) -> None:  # the shared Landmarker outlives the run
        pass


class CaptureThread:
    """Reads a FrameSource on a Python thread; the newest frame is kept for the display."""

    def __init__(self, source, on_error: Callable[[str], None]) -> None:
        self.source = source
        self._on_error = on_error
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._run: LiveRun | None = None
        self._pending: list[LiveRun] = []
        self._runs_out: queue.SimpleQueue[LiveRun] = queue.SimpleQueue()
        self.latest: Frame | None = None
        self.frames_captured = 0
        self.offered_closed = 0   # offered/dropped of finished runs (the current run adds its own)
        self.dropped_closed = 0
        self.ended = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="poise-capture", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def queue_run(self, run: LiveRun) -> bool:
        """Make ``run`` current from the next captured frame on (thread-safe); False once
        the capture has ended (the run would never start)."""
        with self._lock:
            if self.ended.is_set():
                return False
            self._pending.append(run)
            return True

    def next_started_run(self, timeout: float) -> LiveRun | None:
        try:
            return self._runs_out.get(timeout=timeout)
        except queue.Empty:
            return None

    @property
    def current_run(self) -> LiveRun | None:
        return self._run

    def counts(self) -> tuple[int, int]:
        """(offered, dropped) over all runs so far."""
        run = self._run
        offered, dropped = self.offered_closed, self.dropped_closed
        if run is not None and run.source is not None:
            offered += run.source.offered
            dropped += run.source.dropped
        return offered, dropped

    def stop(self, timeout: float = CAPTURE_JOIN_S) -> bool:
        self._stop.set()
        if isinstance(self.source, PacedFileSource):
            self.source.close()   # only sets an event: safe from another thread, ends its pacing wait
        if self._thread.is_alive():
            self._thread.join(timeout)
        alive = self._thread.is_alive()
        if alive:
            logger.error("capture thread did not stop within %.1f s", timeout)
        return not alive

    def close_current_run(self) -> None:
        """After the thread has stopped: end the current run so its analysis returns."""
        with self._lock:
            run, self._run = self._run, None
            pending, self._pending = self._pending, []
        for r in ([run] if run else []) + pending:
            self._retire(r)

    def _retire(self, run: LiveRun) -> None:
        if run.source is not None:
            self.offered_closed += run.source.offered
            self.dropped_closed += run.source.dropped
            run.source.close()
        elif not run.started.is_set():
            run.started.set()   # never started: wake anyone waiting for it

    def _loop(self) -> None:
        try:
            for frame in self.source:
                if self._stop.is_set():
                    break
                self.latest = frame
                self.frames_captured += 1
                self._switch_if_asked(frame)
                run = self._run
                if run is None:
                    continue
                if run.frame_sink is not None:
                    try:
                        run.frame_sink(frame)
                    except Exception:  # a failing recording must not stop the mirror
                        logger.exception("frame sink failed; recording stopped")
                        run.frame_sink = None
                run.source.offer(frame)
        except SourceError as exc:
            logger.warning("capture stopped: %s", exc)
            self._on_error(str(exc))
        except Exception as exc:  # keep the window alive; the user sees one sentence
            logger.exception("capture failed")
            self._on_error(f"The video source failed ({type(exc).__name__}: {exc}).")
        finally:
            try:
                self.source.close()
            except Exception:
                logger.exception("closing the video source failed")
            self.ended.set()
            self.close_current_run()   # the source ended or failed: end the run so it is saved

    def _switch_if_asked(self, frame: Frame) -> None:
        with self._lock:
            if not self._pending:
                return
            pending, self._pending = self._pending, []
            old = self._run
            # Only the newest request matters; intermediate ones never start.
            skipped, new = pending[:-1], pending[-1]
            new.source = LatestFrameSource(self.source.name, self.source.fps)
            new.origin_ms = frame.timestamp_ms
            new.origin_index = frame.index
            new.origin_captured_at = frame.captured_at if frame.captured_at is not None else time.monotonic()
            self._run = new
        for r in skipped:
            self._retire(r)
        new.started.set()
        self._runs_out.put(new)
        if old is not None:
            self._retire(old)


class InferenceWorker(QObject):
    """Lives on the inference QThread: one Landmarker, one analyze() per run."""

    models_loaded = Signal()
    update_ready = Signal(object)            # FrameUpdate
    run_finished = Signal(object, object)    # LiveRun, AnalysisResult (None if it failed)
    error_occurred = Signal(str)
    finished = Signal()

    def __init__(self, capture: CaptureThread, models: ModelPaths | None, settings: AnalysisSettings,
                 voice: LiveVoice | None = None) -> None:
        super().__init__()
        self._capture = capture
        self._voice = voice
        self._models = models
        self._settings = settings
        self.token = CancelToken()
        self.landmarker: Landmarker | None = None   # set while the models are loaded

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except ModelError as exc:
            self.error_occurred.emit(str(exc))
        except Exception as exc:
            logger.exception("live analysis failed")
            self.error_occurred.emit(f"The live analysis failed ({type(exc).__name__}: {exc}).")
        finally:
            self.finished.emit()

    def _run(self) -> None:
        models = self._models or resolve_models()
        with Landmarker(models, working_long_side=self._settings.working_long_side) as lm:
            self.landmarker = lm
            self.models_loaded.emit()
            while not self.token.cancelled:
                run = self._capture.next_started_run(RUN_POLL_S)
                if run is None:
                    if self._capture.ended.is_set() and self._capture.current_run is None:
                        break
                    continue
                self._analyse(run, lm, models)

    def _analyse(self, run: LiveRun, lm: Landmarker, models: ModelPaths) -> None:
        sinks = run.sinks

        def on_result(update: FrameUpdate) -> None:
            for sink in sinks:
                sink(update)
            self.update_ready.emit(update)

        voice = None
        if self._voice is not None and run.origin_captured_at is not None:
            live, origin = self._voice, run.origin_captured_at
            voice = lambda t: live.speaking_at(origin + t)   # run time -> the capture clock
        result = None
        try:
            # No cancel token: a run ends when its source is closed, so the result is complete.
            result = analyze(run.source, models=models, settings=self._settings, calibration=run.calibration,
                             on_result=on_result, landmarker=_ShiftedLandmarker(lm, run), voice=voice)
        finally:
            if run.on_finished is not None:
                try:
                    run.on_finished(run, result)
                except Exception:
                    logger.exception("finishing run %r failed", run.tag)
            self.run_finished.emit(run, result)


class LivePipeline(QObject):
    """Owns the capture thread and the inference thread for one video source.

    ``start()`` begins with an idle run (mirror and scores, nothing saved); ``begin_run(run)``
    switches to a new run at the next frame; ``stop()`` ends everything within about a second
    (bounded waits, never terminate()). Signals arrive on the GUI thread.
    """

    models_loaded = Signal()
    update_ready = Signal(object)
    run_finished = Signal(object, object)
    error_occurred = Signal(str)
    stopped = Signal()

    def __init__(self, source, *, models: ModelPaths | None = None, settings: AnalysisSettings | None = None,
                 audio: AudioInput | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.settings = settings or AnalysisSettings()
        self.audio = audio
        #: Why there is no sound (one sentence), or None while sound comes in.
        self.audio_problem: str | None = None if audio is not None else "No microphone is chosen."
        self._voice: LiveVoice | None = None
        self._models = models
        self._capture = CaptureThread(source, self._on_capture_error)
        self._thread: QThread | None = None
        self._worker: InferenceWorker | None = None
        self._running = False

    # ----- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._start_audio()
        worker = InferenceWorker(self._capture, self._models, self.settings, self._voice)
        thread = worker_thread(worker, "poise-inference")
        worker.models_loaded.connect(self.models_loaded)
        worker.update_ready.connect(self.update_ready)
        worker.run_finished.connect(self.run_finished)
        worker.error_occurred.connect(self.error_occurred)
        self._thread, self._worker = thread, worker
        self._capture.queue_run(LiveRun())
        thread.start()
        self._capture.start()

    def stop(self) -> bool:
        """Stop capture, end the current run (its on_finished runs), stop inference. Bounded."""
        if not self._running:
            return True
        self._running = False
        ok = self._capture.stop()
        self._stop_audio()
        self._capture.close_current_run()
        if self._worker is not None:
            self._worker.token.cancel()
        if self._thread is not None:
            if not self._thread.wait(INFERENCE_WAIT_MS):
                logger.error("inference thread did not stop within %d ms", INFERENCE_WAIT_MS)
                ok = False
        self._thread = None
        self._worker = None
        self.stopped.emit()
        return ok

    def is_running(self) -> bool:
        return self._running

    # ----- sound -----------------------------------------------------------------------------
    def _start_audio(self) -> None:
        if self.audio is None:
            return
        try:
            self.audio.start()
        except AudioUnavailable as exc:   # no microphone, no permission, no PortAudio: no sound
            logger.warning("no sound: %s", exc)
            self.audio_problem = str(exc)
            self.audio = None
            return
        self._voice = LiveVoice()
        self.audio.add_listener(self._on_audio)

    def _stop_audio(self) -> None:
        if self.audio is not None:
            self.audio.remove_listener(self._on_audio)
            self.audio.close()

    def _on_audio(self, samples, captured_at: float) -> None:
        """On the audio thread: voice activity, and the current run's recording."""
        self._voice.feed(samples, self.audio.rate, captured_at)
        run = self._capture.current_run
        if run is not None and run.audio_sink is not None:
            run.audio_sink(samples, captured_at)

    def has_sound(self) -> bool:
        return self.audio is not None and self.audio.error is None

    def audio_level(self) -> float | None:
        """The newest sound level in dBFS (None without sound), for a meter."""
        return self.audio.level_db if self.has_sound() else None

    def threads_alive(self) -> bool:
        return (self._thread is not None and self._thread.isRunning()) or self._capture._thread.is_alive()

    # ----- runs ----------------------------------------------------------------------------
    def begin_run(self, run: LiveRun) -> bool:
        """Start ``run`` at the next captured frame; the current run ends (its analyze returns).
        False when the pipeline is not running or its source has ended."""
        return self._running and self._capture.queue_run(run)

    def current_run(self) -> LiveRun | None:
        return self._capture.current_run

    def choose_person(self, x: float, y: float) -> bool:
        """Score the face at (x, y) (fractions of the unmirrored frame) from the next frame on,
        then follow it; False before the models are loaded. Safe from the GUI thread: it only
        sets the choice the inference thread reads on its next frame."""
        lm = self._worker.landmarker if self._worker is not None else None
        if lm is None:
            return False
        lm.choose_person(PersonChoice("point", x, y))
        return True

    # ----- for the display and the status bar ----------------------------------------------
    def latest_frame(self) -> Frame | None:
        return self._capture.latest

    def frames_captured(self) -> int:
        return self._capture.frames_captured

    def drop_counts(self) -> tuple[int, int]:
        return self._capture.counts()

    def _on_capture_error(self, message: str) -> None:
        self.error_occurred.emit(message)   # from the capture thread: queued to the GUI thread
