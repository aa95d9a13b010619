"""The Practice page: mirror with overlay and cues, three meters, the session card and a rolling timeline.

It opens and closes the live source (camera, or a video file played as a camera) and wires
the pipeline's updates to the widgets; scores are shown as they come from the core.
"""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QStackedWidget, QVBoxLayout,
                               QWidget)

from poise.app.practice.cues import CueEngine
from poise.app.elided_label import ElidedLabel
from poise.app.theme import TEXT_MUTED
from poise.app.practice.session_controller import SessionController
from poise.app.practice.live_pipeline import LivePipeline
from poise.vision.analysis import AnalysisSettings
from poise.vision.audio.inputs import AudioUnavailable, Microphone
from poise.vision.sources import CameraSource, PacedFileSource, SourceError
from poise.vision.types import FrameUpdate

from poise.app.practice.cue_banner import CueBanner
from poise.app.practice.empty_state import EmptyState
from poise.app.practice.meters import MetersPanel
from poise.app.practice.rolling_timeline import RollingTimeline
from poise.app.practice.session_panel import SessionPanel
from poise.app.practice.sound_meter import SoundMeter
from poise.app.practice.live_stats import LiveStats, format_figures
from poise.app.practice.video_view import VideoView

logger = logging.getLogger(__name__)

# Timers, GUI thread: cues and the session clock every 250 ms (a clock showing whole seconds
# needs no more), status-bar figures every other tick (numbers changing faster are unreadable).
TICK_MS = 250
STATUS_EVERY_TICKS = 2
SIDE_WIDTH = 300
# The rolling timeline's height (legend row and plot): short, so the mirror keeps the height.
TIMELINE_HEIGHT = 104
TOGGLE_STYLE = ("QPushButton { border: 1px solid #d1d5db; border-radius: 14px; padding: 4px 12px;"
                " background: #ffffff; color: #374151; }"
                " QPushButton:checked { background: #dbeafe; border-color: #93c5fd; color: #1e3a8a; }")
ERROR_STYLE = ("QLabel { color: #991b1b; background: #fef2f2; border: 1px solid #fecaca; border-radius: 8px;"
               " padding: 8px 12px; }")


class LivePage(QWidget):
    status_changed = Signal(str)
    source_changed = Signal(str)          # '' when there is no source
    session_saved = Signal(int)
    open_video_requested = Signal()
    analyse_requested = Signal()
    rescan_requested = Signal()
    error_occurred = Signal(str)

    def __init__(self, store, *, models=None, settings: AnalysisSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models = models
        self._analysis_settings = settings or AnalysisSettings()
        self._pipeline: LivePipeline | None = None
        self.stats = LiveStats()
        self.cues = CueEngine()
        self.controller = SessionController(store, self)
        # () -> (Calibration | None, calibration id | None, stored dict | None); set by the
        # practice controller, so sessions use the current camera's calibration.
        self.calibration_provider = None
        self.last_scores = None
        self._ticks = 0
        self._scoring = False          # the current source's models are loaded
        self._not_scoring = None       # why not, when its pipeline failed before that
        #: The microphone for camera sources: "" = the system's default, a device name, or None
        #: for none (set from the remembered choice by the window).
        self.microphone: str | None = ""

        self.empty = EmptyState()
        self.video = VideoView()
        self.cue_banner = CueBanner(self.video)
        self.meters = MetersPanel()
        self.session = SessionPanel()
        self.sound = SoundMeter()
        self.session.add_beside_record(self.sound)
        self.timeline = RollingTimeline()
        self.timeline.setFixedHeight(TIMELINE_HEIGHT)
        self.source_label = ElidedLabel()   # a long file name is shortened rather than widening the window
        self.source_label.setStyleSheet(f"color: {TEXT_MUTED};")
        self.overlay_button = self._toggle("Overlay", "Show the face and body landmarks (O)")
        self.cues_button = self._toggle("Cues", "Show gentle cues over the video (M mutes them)")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.source_label, 1)
        self._head = head
        head.addWidget(self.overlay_button)
        head.addWidget(self.cues_button)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addLayout(head)
        left.addWidget(self.video, 1)
        side = QVBoxLayout()
        side.setSpacing(6)
        side.addWidget(self.meters)
        side.addWidget(self.session)
        side.addStretch(1)
        side_w = QWidget()
        side_w.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        # Scrolls on short screens instead of forcing a tall minimum window height.
        side_scroll = QScrollArea()
        side_scroll.setWidget(side_w)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setFixedWidth(SIDE_WIDTH)
        side_scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        top = QHBoxLayout()
        top.setSpacing(14)
        self._top = top
        top.addLayout(left, 1)
        top.addWidget(side_scroll)
        live = QWidget()
        lay = QVBoxLayout(live)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.setSpacing(10)
        lay.addLayout(top, 1)
        timeline_card = QFrame()
        timeline_card.setObjectName("timelineCard")
        timeline_card.setStyleSheet("QFrame#timelineCard { background: #ffffff; border: 1px solid #e5e7eb;"
                                    " border-radius: 10px; }")
        tl = QVBoxLayout(timeline_card)
        tl.setContentsMargins(8, 6, 8, 4)
        tl.addWidget(self.timeline)
        lay.addWidget(timeline_card)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(live)
        self._live_widget = live
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.error_box = QWidget()
        error_row = QHBoxLayout(self.error_box)
        error_row.setContentsMargins(16, 10, 16, 0)
        error_row.addWidget(self.error_label, 1)
        dismiss = QPushButton("Dismiss")
        dismiss.setFlat(True)
        dismiss.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        dismiss.clicked.connect(self.clear_error)
        error_row.addWidget(dismiss)
        self.error_box.hide()
        outer.addWidget(self.error_box)
        self._outer = outer
        outer.addWidget(self.stack)

        self.empty.open_video_requested.connect(self.open_video_requested)
        self.empty.analyse_requested.connect(self.analyse_requested)
        self.empty.rescan_requested.connect(self.rescan_requested)
        self.overlay_button.toggled.connect(self.set_overlay)
        self.cues_button.toggled.connect(lambda on: self.set_muted(not on))
        self.session.start_requested.connect(self.start_session)
        self.session.stop_requested.connect(self.stop_session)
        self.video.frame_painted.connect(self._on_frame_painted)
        # Bars ease and the timeline scrolls in the mirror's own repaint (one window update per frame).
        self.video.frame_arrived.connect(self.meters.advance)
        self.video.frame_arrived.connect(self.timeline.on_frame)
        self.video.picture_clicked.connect(self._on_picture_clicked)
        self.controller.running_changed.connect(self._on_session_state)
        self.controller.recording_changed.connect(self._on_session_state)
        self.controller.session_saved.connect(self.session_saved)
        self.controller.error_occurred.connect(self.show_error)
        self.controller.notice.connect(self.show_error)
        self.video.frame_arrived.connect(self._on_sound_frame)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.overlay_button.setChecked(True)
        self.cues_button.setChecked(True)
        self._show_source(None)

    def add_toggle(self, text: str, tip: str) -> QPushButton:
        """A toggle styled like Overlay and Cues, placed before them (e.g. Mock interview)."""
        b = self._toggle(text, tip)
        self._head.insertWidget(1, b)
        return b

    def add_banner(self, widget: QWidget) -> None:
        """A banner across the top of the page, above the mirror (the calibration hint)."""
        self._outer.insertWidget(0, widget)

    def add_companion(self, widget: QWidget) -> None:
        """A panel beside the mirror, left of it (the mock interview's question); its owner shows it."""
        self._top.insertWidget(0, widget)

    def _toggle(self, text: str, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setCheckable(True)
        b.setToolTip(tip)
        b.setStyleSheet(TOGGLE_STYLE)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        return b

    # ----- sources ---------------------------------------------------------------------------
    def open_camera(self, index: int) -> bool:
        try:
            source = CameraSource(index)
        except SourceError as exc:
            self.show_error(str(exc))
            return False
        audio = None if self.microphone is None else Microphone(self.microphone or None)
        self.open_source(source, f"Camera {index}", audio=audio,
                         audio_problem="No microphone is chosen (Camera menu)." if audio is None else None)
        return True

    def open_video_as_camera(self, path: str | os.PathLike) -> bool:
        """Play a video file at its own rate, looping, as if it were the camera."""
        try:
            source = PacedFileSource(path, loop=True)
        except SourceError as exc:
            self.show_error(str(exc))
            return False
        audio, problem = None, None
        try:
            audio = source.audio_input()   # the file's own sound plays as the microphone
        except AudioUnavailable as exc:
            problem = str(exc)
        self.open_source(source, f"{source.path.name} (video file as camera)", audio=audio, audio_problem=problem)
        return True

    def open_source(self, source, label: str, *, audio=None, audio_problem: str | None = None) -> None:
        self.close_source()
        self.stats.reset()
        self.cues.reset()
        self.timeline.clear()
        self.meters.show_scores(None)
        self.session.set_elapsed(None)   # a new camera starts at 0:00, not at the last session's time
        self.clear_error()
        self._scoring = False
        self._not_scoring = None
        p = LivePipeline(source, models=self._models, settings=self._analysis_settings, audio=audio, parent=self)
        if audio_problem:
            p.audio_problem = audio_problem
        p.update_ready.connect(self._on_update)
        p.models_loaded.connect(self._on_models_loaded)
        p.error_occurred.connect(self.show_error)
        p.error_occurred.connect(self._on_pipeline_error)
        self._pipeline = p
        self.controller.set_pipeline(p)
        self.video.set_placeholder("Starting…")
        self.video.set_frame_provider(p.latest_frame)
        self._show_source(label)
        self.session.set_available(False)
        p.start()
        self.sound.set_source(_sound_name(p.audio) if p.has_sound() else None, p.audio_problem)
        logger.info("live source opened: %s (sound: %s)", source.name, p.audio.name if p.has_sound() else p.audio_problem)

    def close_source(self) -> None:
        """Stop the session (it is saved), then the pipeline's threads (bounded)."""
        p, self._pipeline = self._pipeline, None
        self.controller.set_pipeline(None)
        if p is None:
            return
        p.stop()
        p.update_ready.disconnect(self._on_update)
        p.deleteLater()
        self.video.set_frame_provider(None)
        self.video.set_landmarks(None)
        self.cue_banner.show_cue(None)
        self.session.set_available(False)
        self.sound.set_source(None, "No video source")

    def pipeline(self) -> LivePipeline | None:
        return self._pipeline

    def has_source(self) -> bool:
        return self._pipeline is not None

    def show_empty_state(self) -> None:
        self.close_source()
        self._show_source(None)

    def _show_source(self, label: str | None) -> None:
        self.stack.setCurrentWidget(self._live_widget if label else self.empty)
        self.source_label.setText(label or "")
        self.source_changed.emit(label or "")

    def shutdown(self) -> None:
        """Everything stops and is saved; call from the window's closeEvent."""
        self._tick.stop()
        self.close_source()

    # ----- sessions and toggles ----------------------------------------------------------------
    @Slot()
    def start_session(self, kind: str = "live") -> int | None:
        """Start a session scored against the current camera's calibration, if there is one."""
        calibration = calibration_id = record = None
        if self.calibration_provider is not None:
            calibration, calibration_id, record = self.calibration_provider()
        return self.controller.start(kind=kind, record=self.session.record_box.isChecked(),
                                     calibration=calibration, calibration_id=calibration_id, calibration_record=record)

    @Slot()
    def stop_session(self) -> int | None:
        return self.controller.stop()

    def toggle_session(self) -> None:
        if self.controller.is_running():
            self.stop_session()
        elif self._pipeline is not None:
            self.start_session()

    def set_overlay(self, on: bool) -> None:
        self.overlay_button.setChecked(on)
        self.video.set_overlay_enabled(on)

    def set_muted(self, muted: bool) -> None:
        self.cues_button.setChecked(not muted)
        self.cues.set_muted(muted, time.monotonic())
        self._show_cue()

    def show_error(self, message: str) -> None:
        """Inline, above the page: the window stays usable and nothing modal pops up."""
        self.error_label.setText(message)
        self.error_box.show()
        self.error_occurred.emit(message)

    def clear_error(self) -> None:
        self.error_box.hide()

    def _on_picture_clicked(self, x: float, y: float) -> None:
        """A click on your face makes Poise score you (two people of similar size in view)."""
        if self._pipeline is not None:
            self._pipeline.choose_person(x, y)

    # ----- pipeline updates ----------------------------------------------------------------------
    @Slot(object)
    def _on_update(self, update: FrameUpdate) -> None:
        if self._pipeline is None:
            return   # queued before the source closed
        now = time.monotonic()
        if update.frame is not None:
            self.stats.score_arrived(now, update.landmarks.captured_at)
            self.meters.show_scores(update.scores)
            self.last_scores = update.scores
            self.video.set_landmarks(update.landmarks)
            self.timeline.add(update)
        if update.events:
            self.cues.on_events(update.events, now)
            self._show_cue()

    def _on_pipeline_error(self, message: str) -> None:
        if not self._scoring:   # before the models loaded: nothing is scored, nothing is dropped
            self._not_scoring = message
            if "model files" in message or "POISE_MODEL_DIR" in message:
                self.empty.show_models_missing(message)

    def show_models_missing(self, message: str) -> None:
        """The model files are missing and could not be downloaded: the first screen says so."""
        self.empty.show_models_missing(message)
        self.show_error(message)

    def _on_models_loaded(self) -> None:
        self._scoring = True
        self._not_scoring = None
        self.empty.show_models_missing(None)
        self.session.set_available(True)
        self.video.set_placeholder("Waiting for the first frame…")

    def _on_frame_painted(self) -> None:
        self.stats.frame_painted(time.monotonic())

    def _on_session_state(self, *_) -> None:
        self.session.set_running(self.controller.is_running(), self.controller.is_recording())
        self.video.set_recording(self.controller.is_recording())

    def _show_cue(self) -> None:
        cue = self.cues.current
        self.cue_banner.show_cue(cue.text if cue else None)

    def _on_sound_frame(self) -> None:
        """The sound level follows with each camera frame, in the same repaint as the meters."""
        if self._pipeline is not None and self._pipeline.has_sound():
            self.sound.set_level(self._pipeline.audio_level())

    def _on_tick(self) -> None:
        now = time.monotonic()
        self.cues.tick(now)
        self._show_cue()
        if self.controller.is_running():
            self.session.set_elapsed(self.controller.clock())
        self._ticks += 1
        if self._ticks % STATUS_EVERY_TICKS == 0:
            self.status_changed.emit(self.status_text(now))

    def status_text(self, now: float | None = None) -> str:
        if self._pipeline is None:
            return "No video source"
        if not self._scoring:
            # A missing model is not a dropped frame: the figures wait for the first score.
            return "Not scoring: see the message above" if self._not_scoring else "Loading the models…"
        self.stats.set_drops(*self._pipeline.drop_counts())
        return format_figures(self.stats.figures(time.monotonic() if now is None else now))


def _sound_name(audio) -> str:
    if isinstance(audio, Microphone):
        return f"Microphone: {audio.device or 'system default'}"
    return "The video file's own sound"
