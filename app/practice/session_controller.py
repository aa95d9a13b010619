"""Start and stop a practice session on the live pipeline: the ingest service's session, optional video.

A session is one run of the live pipeline (app.practice.live_pipeline): its scores, events
and summary come from vision.analysis.analyze like a file's, and it is saved by the same
ingest service (vision.sessions.ingest.SessionIngest), with the same rules for what is kept.
Frames reach the store while the session runs (the recorder commits every 0.5 s), so a crash
loses at most the last half second. The session is finished on the inference thread when its
run ends, so it is also saved when the window closes in the middle of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from poise.vision.models import ModelError, resolve_models
from poise.vision.sessions.ingest import SessionIngest
from poise.vision.sessions.store import StoreError

from poise.vision.sessions.recording import SUFFIX, AVRecorder, RecordingError
from poise.app.practice.live_pipeline import LivePipeline, LiveRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecordingFigures:
    """What the last recording holds: frames written, frames dropped because the encoder fell
    behind (the previous picture was held), seconds of sound."""

    frames_written: int
    frames_dropped: int
    sound_s: float


@dataclass(eq=False)
class ActiveSession:
    session_id: int
    kind: str
    ingest: SessionIngest
    video: AVRecorder | None
    run: LiveRun | None = None


class SessionController(QObject):
    """``start()`` / ``stop()``; ``session_saved(id)`` once the session is complete in the store."""

    session_started = Signal(int)
    session_saved = Signal(int)
    session_discarded = Signal(int)      # stopped before any frame was scored: nothing kept
    running_changed = Signal(bool)
    recording_changed = Signal(bool)
    error_occurred = Signal(str)
    notice = Signal(str)                 # something the user should know, not an error
    _run_done = Signal(int, bool, str)   # from the inference thread: id, kept, error

    def __init__(self, store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._pipeline: LivePipeline | None = None
        self._active: ActiveSession | None = None
        #: Figures of the newest session's recording (set on the inference thread as it ends).
        self.last_recording: RecordingFigures | None = None
        self._run_done.connect(self._on_run_done)

    # ----- state ---------------------------------------------------------------------------
    def set_pipeline(self, pipeline: LivePipeline | None) -> None:
        """The live source changed; a running session ends with the old source."""
        if self._active is not None:
            self.stop()
        self._pipeline = pipeline

    def is_running(self) -> bool:
        return self._active is not None

    def is_recording(self) -> bool:
        return self._active is not None and self._active.video is not None

    def session_id(self) -> int | None:
        return None if self._active is None else self._active.session_id

    def clock(self) -> float | None:
        """Seconds since the session's first frame: the axis of its scores and segments."""
        if self._active is None:
            return None
        return self._active.run.clock()

    # ----- start / stop ----------------------------------------------------------------------
    def start(self, *, kind: str = "live", record: bool = False, calibration=None,
              calibration_id: int | None = None, calibration_record: dict | None = None) -> int | None:
        """Create the store session and switch the pipeline to it; None (and error_occurred) if not possible.

        ``calibration_record`` is the calibration as stored (with its setup baseline and
        self-check result), kept with the session; without it, the calibration's own dict."""
        p = self._pipeline
        if self._active is not None:
            return self._active.session_id
        if p is None or not p.is_running():
            self.error_occurred.emit("Open a camera or a video file first.")
            return None
        try:
            models = resolve_models(download=False).describe()
        except ModelError:
            models = {}
        settings = {**p.settings.to_dict(), "live": True, "source_fps": round(p.source.fps, 3)}
        try:
            ingest = SessionIngest(self._store, kind, p.source.name, settings=settings, models=models,
                                   calibration=calibration_record or (None if calibration is None else calibration.to_dict()),
                                   calibration_id=calibration_id)
        except StoreError as exc:
            self.error_occurred.emit(str(exc))
            return None
        sid = ingest.session_id
        video = None
        if record:
            try:
                audio = (p.audio.rate, p.audio.channels) if p.has_sound() else None
                video = AVRecorder(self._store.recordings_dir / f"session-{sid}{SUFFIX}", p.source.fps, audio)
                self._store.set_recording_path(sid, video.path)
                if audio is None:
                    self.notice.emit(f"Recording without sound: {p.audio_problem or 'the sound stopped.'}")
            except (RecordingError, StoreError) as exc:
                self.error_occurred.emit(f"{exc} The session runs without a recording.")
                if video is not None:
                    video.close()
                    video.path.unlink(missing_ok=True)
                video = None
        active = ActiveSession(sid, kind, ingest, video)
        run = active.run = LiveRun(tag=active, calibration=calibration, sinks=(ingest.on_result,),
                                   frame_sink=None if video is None else video.write_frame,
                                   audio_sink=None if video is None or video.audio is None else video.write_audio,
                                   on_finished=self._finish_run)
        if not p.begin_run(run):
            if video is not None:
                video.close()
            ingest.finish(None)   # no frame: the session is deleted
            self.error_occurred.emit("The video source has stopped; open it again to start a session.")
            return None
        self._active = active
        logger.info("session %d started (%s%s)", sid, kind, ", recording video" if video else "")
        self.session_started.emit(sid)
        self.running_changed.emit(True)
        self.recording_changed.emit(video is not None)
        return sid

    def stop(self) -> int | None:
        """End the session; returns at once. ``session_saved`` follows when it is stored."""
        active, self._active = self._active, None
        if active is None:
            return None
        p = self._pipeline
        if p is None or not p.begin_run(LiveRun()):
            # The source ended (or is ending): its run is being closed by the capture thread.
            logger.info("session %d ends with its source", active.session_id)
        self.running_changed.emit(False)
        self.recording_changed.emit(False)
        return active.session_id

    # ----- the end of a run (inference thread) -----------------------------------------------
    def _finish_run(self, run: LiveRun, result) -> None:
        active: ActiveSession = run.tag
        sid, video = active.session_id, active.video
        error = ""
        if video is not None:
            video.close()
            if video.error:
                error = video.error
        # The ingest service decides what is kept: 'complete' when the run ended normally,
        # 'interrupted' with its frames when the analysis failed mid-session, nothing (the
        # session deleted) when not a single frame was scored.
        outcome = active.ingest.finish(result)
        error = outcome.error or error
        kept = outcome.session_id is not None
        if kept and video is not None and video.frames_written == 0:
            try:
                self._store.set_recording_path(sid, None)
                video.path.unlink(missing_ok=True)
            except (StoreError, OSError) as exc:
                logger.warning("could not drop the empty recording of session %d: %s", sid, exc)
        if video is not None:
            self.last_recording = RecordingFigures(video.frames_written, video.frames_dropped,
                                                   video.samples_written / video.audio[0] if video.audio else 0.0)
        logger.info("session %d finished (%s): %d frames%s", sid, outcome.status or "not kept",
                    active.ingest.frames_written, f", {self.last_recording}" if video else "")
        self._run_done.emit(sid, kept, error)

    @Slot(int, bool, str)
    def _on_run_done(self, sid: int, kept: bool, error: str) -> None:
        if self._active is not None and self._active.session_id == sid:
            # The run ended without stop(): the analysis failed or the source ended.
            self._active = None
            self.running_changed.emit(False)
            self.recording_changed.emit(False)
        if error:
            self.error_occurred.emit(error)
        if kept:
            self.session_saved.emit(sid)
        else:
            self.session_discarded.emit(sid)
