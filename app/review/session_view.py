"""One session in review: header, summary, recording player, events, notes and the score timeline."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMenu, QSplitter, QStackedLayout, QTabWidget, QToolButton,
                               QVBoxLayout, QWidget)

from poise.app.review.events_list import EventsList
from poise.app.review.notes_editor import NotesEditor
from poise.app.review.player import RecordingPlayer
from poise.app.review.questions_panel import QuestionsPanel
from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_duration, kind_label, status_label
from poise.app.review.summary_panel import SummaryPanel
from poise.app.review.timeline import Timeline
from poise.app.review.transcript_pane import NO_RECORDING, NO_SOUND_TRACK, TranscriptPane
from poise.app.review.transcription_worker import TranscriptionRunner

logger = logging.getLogger(__name__)

TABS_MIN_WIDTH_PX = 300

EMPTY_TEXT = "Select a session to review it."
# While playing, the timeline cursor follows at most this often: repainting three lanes of a
# long session costs a few ms, and 20 Hz already looks continuous for a thin line.
CURSOR_INTERVAL_S = 0.05
# The timeline draws at most this many frames of a session: a few points per pixel of a 1920 px
# wide screen. Shorter sessions (up to ~5.5 minutes at 15 Hz) are drawn frame by frame; longer
# ones are thinned by the store (SessionStore.load_frames(max_frames=)), so opening a long
# session does not load it whole. Per-question figures are computed from every frame.
TIMELINE_MAX_FRAMES = 5000
# A jump to a word lands on the frame shown at or just before it (a frame lasts 1/24-1/15 s):
# the transcript keeps the word jumped to while the frame shown is less than this before it.
SEEK_SNAP_S = 0.1


def playable_path(info) -> Path | None:
    """The video to show with a session: its recording, or for a file session the analysed file."""
    if info.recording_path is not None:
        return Path(info.recording_path)
    if info.kind == "file" and info.source and Path(info.source).is_file():
        return Path(info.source)
    return None


def sound_problem(info) -> str | None:
    """Why a session has no sound to transcribe (one sentence), or None when it may have some."""
    if playable_path(info) is None:
        return NO_RECORDING
    if info.summary is not None and info.summary.speaking_share is None:   # analysed without sound
        return NO_SOUND_TRACK
    return None


EXPORT_BUTTON_STYLE = ("QToolButton { padding: 4px 24px 4px 10px; }"
                       " QToolButton::menu-indicator { subcontrol-origin: padding; subcontrol-position: center right;"
                       " right: 8px; }")


class SessionView(QWidget):
    """Review of one stored session. ``show_session(id)`` loads it from the store.

    Clicking the timeline or an event seeks (the recording shows that frame and its sound plays
    on from there); playing moves the timeline cursor; Space plays or pauses. Call
    :meth:`shutdown` when the window closes (stops playback and saves pending notes); closing
    this widget as a window does it too.
    """

    position_changed = Signal(float)
    error_occurred = Signal(str)
    export_requested = Signal(str)   # "html" or "pdf": the window asks where and writes the report

    def __init__(self, store, parent: QWidget | None = None, *, transcriber: TranscriptionRunner | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._info = None
        self._segments: list = []
        self._segment_frames: list = []
        self._events: list = []
        #: Transcribes sessions in the background (the Review page shares one with the window).
        self.transcriber = transcriber or TranscriptionRunner(store, self)
        self._cursor_updated_at = 0.0
        self._seek_t: float | None = None

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet(f"color: {TEXT_MUTED};")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = SummaryPanel()
        self.player = RecordingPlayer()
        self.events = EventsList()
        self.notes = NotesEditor(store)
        self.questions = QuestionsPanel(store)
        self.timeline = Timeline()
        self.transcript = TranscriptPane()
        self.export_button = QToolButton()
        self.export_button.setText("Export report…")
        self.export_button.setToolTip("A report of this session to share: HTML (Ctrl+E) or PDF (Ctrl+Shift+E)")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Room on the right for the drop-down arrow, so it is drawn beside the text, not over it.
        self.export_button.setStyleSheet(EXPORT_BUTTON_STYLE)
        export_menu = QMenu(self.export_button)
        export_menu.addAction("HTML (opens in any browser)…", lambda: self.export_requested.emit("html"))
        export_menu.addAction("PDF…", lambda: self.export_requested.emit("pdf"))
        self.export_button.setMenu(export_menu)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.questions, "Questions")   # shown for mock interviews only
        self.tabs.addTab(self.transcript, "Transcript")
        self.tabs.addTab(self.events, "Events")
        self.tabs.addTab(self.notes, "Notes")
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.player)
        top.addWidget(self.tabs)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([640, 360])
        top.setChildrenCollapsible(False)
        # The Questions table's seven figure columns (at its narrow font) need this much; at
        # 1024x640 the 3:2 split gave the tabs 283 px and the table scrolled sideways.
        self.tabs.setMinimumWidth(TABS_MIN_WIDTH_PX)

        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 6, 12, 6)   # compact: the page fits a 1024x640 window
        lay.setSpacing(4)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.export_button)
        lay.addLayout(head)
        lay.addWidget(self.subtitle)
        lay.addWidget(self.summary)
        lay.addWidget(top, 3)
        lay.addWidget(self.timeline, 2)

        self._empty = QLabel(EMPTY_TEXT)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet(f"color: {TEXT_MUTED};")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._empty)
        self._stack.addWidget(page)

        self.timeline.position_requested.connect(self.seek)
        self.events.event_activated.connect(self.seek)
        self.questions.question_activated.connect(self.seek)
        self.questions.error_occurred.connect(self.error_occurred)
        self.transcript.word_activated.connect(self.seek)
        self.transcript.transcribe_requested.connect(self.transcribe)
        self.transcript.cancel_requested.connect(self._on_cancel_transcription)
        self.transcriber.state_changed.connect(self._on_transcription_state)
        self.transcriber.progress.connect(self._on_transcription_progress)
        self.player.position_changed.connect(self._on_player_position_changed)
        self.player.playing_changed.connect(self._on_playing_changed)
        self.player.error_occurred.connect(self.error_occurred)
        self.notes.error_occurred.connect(self.error_occurred)
        # Space plays or pauses wherever the focus is in the review (the timeline, the events);
        # text fields take their own Space first (Qt lets editors override shortcuts).
        self.play_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.player.toggle)
        self.play_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ----- public API -------------------------------------------------------------------------
    def show_session(self, session_id: int) -> bool:
        """Load and show a session; on a store error, emits ``error_occurred`` and returns False."""
        try:
            info = self._store.get_session(session_id)
            frames = self._store.load_frames(session_id, max_frames=TIMELINE_MAX_FRAMES)
            events = self._store.load_events(session_id)
            segments = self._store.list_segments(session_id)
            # A mock interview's per-question table needs every frame (the report's table is
            # computed from the same frames); other sessions have no segments.
            segment_frames = self._store.load_frames(session_id) if segments else []
        except Exception as exc:  # StoreError: one sentence for the user
            logger.warning("cannot show session %s: %s", session_id, exc)
            self.error_occurred.emit(str(exc))
            return False
        self._info = info
        self._segments, self._segment_frames, self._events = list(segments), segment_frames, events
        duration = info.duration_s or (info.summary.duration_s if info.summary else 0.0) or 0.0
        if frames:
            duration = max(duration, frames[-1].t)
        local = info.started_at.astimezone()
        self.title.setText(local.strftime("%A %d %B %Y, %H:%M"))
        parts = [kind_label(info.kind), Path(info.source).name or info.source,
                 fmt_duration(duration), status_label(info.status)]
        self.subtitle.setText("  ·  ".join(parts))
        self.subtitle.setToolTip(info.source)
        self.summary.set_summary(info.summary)
        self.timeline.set_session(frames, events, duration)
        self.events.set_events(events, duration)
        self.timeline.set_segments(segments)
        transcript = self._load_transcript(session_id)
        self.questions.set_segments(segments, segment_frames, events, words=_words(transcript))
        self._show_transcript(transcript)
        self.tabs.setTabVisible(self.tabs.indexOf(self.questions), bool(segments))
        self.tabs.setCurrentWidget(self.questions if segments else self.events)
        self.notes.set_session(info)
        self.player.load(playable_path(info))
        self._stack.setCurrentIndex(1)
        return True

    def clear(self) -> None:
        self.player.load(None)
        self.notes.set_session(None)
        self.questions.set_segments([], [], [])
        self.transcript.set_transcript(None)
        self._info = None
        self._stack.setCurrentIndex(0)

    def current_session_id(self) -> int | None:
        return None if self._info is None else self._info.id

    def seek(self, t: float) -> None:
        """Jump to ``t`` seconds: the cursor moves, the transcript marks the word said then and the
        recording shows that frame (playing on if playing)."""
        self._seek_t = t
        self.timeline.set_cursor(t)
        self.transcript.set_position(t)
        self.player.seek(t)
        self.position_changed.emit(t)

    def flush_notes(self) -> None:
        """Save notes typed a moment ago now (before an export reads the store)."""
        self.notes.flush()
        self.questions.flush()

    def shutdown(self) -> None:
        """Save pending notes, stop playback and any transcription (idempotent)."""
        self.notes.flush()
        self.questions.flush()
        self.player.shutdown()
        self.transcriber.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)

    def _on_player_position_changed(self, t: float) -> None:
        now = time.monotonic()
        if not self.player.is_playing() or now - self._cursor_updated_at >= CURSOR_INTERVAL_S:
            self._cursor_updated_at = now
            self.timeline.set_cursor(t)
        said = t
        if self._seek_t is not None:
            if 0.0 < self._seek_t - t < SEEK_SNAP_S:
                said = self._seek_t     # the frame just before the word jumped to
            else:
                self._seek_t = None
        self.transcript.set_position(said)
        self.position_changed.emit(t)

    def _on_playing_changed(self, playing: bool) -> None:
        if not playing:  # land exactly on the last frame shown
            self.timeline.set_cursor(self.player.position())

    # ----- transcript ---------------------------------------------------------------------------
    def transcribe(self) -> None:
        """Transcribe the session shown (queued behind a live session or another transcription)."""
        if self._info is not None:
            self.transcriber.request(self._info.id)

    def _on_cancel_transcription(self) -> None:
        if self._info is not None:
            self.transcriber.cancel(self._info.id)

    def _load_transcript(self, session_id: int):
        try:
            return self._store.load_transcript(session_id)
        except Exception as exc:  # StoreError: the rest of the review still shows
            logger.warning("cannot load the transcript of session %s: %s", session_id, exc)
            self.error_occurred.emit(str(exc))
            return None

    def _show_transcript(self, transcript) -> None:
        """The pane's state for the session shown: running, queued, or what the store holds."""
        info = self._info
        if info is None:
            return
        if self.transcriber.running_session() == info.id:
            self.transcript.set_transcribing()
        elif self.transcriber.is_queued(info.id):
            self.transcript.set_waiting(self.transcriber.is_held())
        else:
            self.transcript.set_transcript(transcript, self._segments, self._segment_frames,
                                          no_sound=sound_problem(info))
            self.transcript.set_position(self.player.position(), scroll=False)

    def _on_transcription_state(self, session_id: int) -> None:
        if self._info is None or session_id != self._info.id:
            return
        runner = self.transcriber
        if runner.running_session() == session_id or runner.is_queued(session_id):
            self._show_transcript(None)
            return
        transcript = self._load_transcript(session_id)   # finished: as saved
        if self._segments:
            self.questions.flush()
            self.questions.set_segments(self._segments, self._segment_frames, self._events, words=_words(transcript))
        self._show_transcript(transcript)

    def _on_transcription_progress(self, session_id: int, done_s: float, total_s: float) -> None:
        if self._info is not None and session_id == self._info.id:
            self.transcript.set_transcribing(done_s, total_s)


def _words(transcript) -> tuple | None:
    """The words of a transcript to put figures on (None: no transcript with words)."""
    return transcript.words if transcript is not None and transcript.words else None
