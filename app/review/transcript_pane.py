"""The Transcript tab of the review: what was said, its pace and fillers, and the transcription's state."""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from poise.app.review.transcript_text import TranscriptText
from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_clock
from poise.vision.reports.transcript_report import TranscriptPart, transcript_part

logger = logging.getLogger(__name__)

NO_RECORDING = "This session has no recording, so there is no sound to transcribe."
NO_SOUND_TRACK = "This session's recording has no sound, so there is nothing to transcribe."
NOT_TRANSCRIBED = ("Not transcribed yet. Poise can write down what you said, on this computer, "
                   "with your pace and filler words.")
WAITING_LIVE = "Waiting: transcription starts when the practice session ends."
WAITING_QUEUE = "Waiting for another session's transcription to finish."
TRANSCRIBING = "Transcribing on this computer…"
CANCELLING = "Stopping…"


class PaneState(str, Enum):
    """What the Transcript tab shows."""

    NOT_TRANSCRIBED = "not_transcribed"
    WAITING = "waiting"
    TRANSCRIBING = "transcribing"
    NO_SOUND = "no_sound"
    NO_SPEECH = "no_speech"
    FAILED = "failed"
    CANCELLED = "cancelled"
    DONE = "done"


class TranscriptPane(QWidget):
    """The state line (with Transcribe / Cancel and a progress bar, hidden once done) over the
    text: the session's pace figures, the words per answer (click one to jump there) and the
    legend of the filler marks."""

    word_activated = Signal(float)
    transcribe_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = PaneState.NOT_TRANSCRIBED
        self._part: TranscriptPart = transcript_part(None)
        self._no_sound = ""
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {TEXT_MUTED};")
        self.transcribe_button = QPushButton("Transcribe")
        self.transcribe_button.setToolTip("Write down what was said in this session (on this computer)")
        self.transcribe_button.clicked.connect(self.transcribe_requested)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop transcribing; the words so far are kept")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.text = TranscriptText()
        self.text.word_activated.connect(self.word_activated)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.transcribe_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addWidget(self.status)
        lay.addLayout(row)
        lay.addWidget(self.text, 1)
        self._show()

    # ----- what to show -------------------------------------------------------------------------
    def set_transcript(self, transcript, segments=(), frames=(), *, no_sound: str | None = None) -> None:
        """A stored Transcript (None: never transcribed) of a session, split per answer by
        ``segments`` (``frames`` end an open answer); ``no_sound`` (a sentence) says why a session never transcribed cannot be."""
        self._part = transcript_part(transcript, segments, frames)
        self._no_sound = (no_sound or "") if transcript is None else ""   # else the transcript says why
        if transcript is None:
            self._state = PaneState.NO_SOUND if no_sound else PaneState.NOT_TRANSCRIBED
        else:
            self._state = PaneState(self._part.status)
        figures = f"Whole session: {self._part.figures}" if self._part.figures else ""
        self.text.set_sections(self._part.sections, header=figures, footer=self._part.legend)
        self._show()

    def set_waiting(self, live: bool) -> None:
        """Queued: behind a practice session (``live``) or another transcription."""
        self._state = PaneState.WAITING
        self._show(WAITING_LIVE if live else WAITING_QUEUE)

    def set_transcribing(self, done_s: float = 0.0, total_s: float = 0.0) -> None:
        """Running, ``done_s`` of ``total_s`` seconds of sound (0 total: not known yet)."""
        first = self._state != PaneState.TRANSCRIBING
        self._state = PaneState.TRANSCRIBING
        if total_s > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(1.0, done_s / total_s)))
            self.progress.setFormat(f"%p%  ·  {fmt_clock(done_s)} of {fmt_clock(total_s)}")
        else:
            self.progress.setRange(0, 0)   # loading the model: busy
        if first:
            self._show()

    def state(self) -> PaneState:
        return self._state

    def part(self) -> TranscriptPart:
        """The transcript as worded for the report (the same function)."""
        return self._part

    def set_position(self, t: float, *, scroll: bool = True) -> None:
        self.text.set_position(t, scroll=scroll)

    # ----- internals ----------------------------------------------------------------------------
    def _on_cancel_clicked(self) -> None:
        self.status.setText(CANCELLING)
        self.cancel_button.setEnabled(False)
        self.cancel_requested.emit()

    def _show(self, waiting_text: str = "") -> None:
        s, part = self._state, self._part
        words = s in (PaneState.DONE, PaneState.CANCELLED) and bool(part.sections)
        status = {
            PaneState.NOT_TRANSCRIBED: NOT_TRANSCRIBED,
            PaneState.WAITING: waiting_text,
            PaneState.TRANSCRIBING: TRANSCRIBING,
            PaneState.NO_SOUND: self._no_sound or part.note,
        }.get(s, part.note)
        self.status.setText(status)
        self.status.setVisible(bool(status))
        self.progress.setVisible(s == PaneState.TRANSCRIBING)
        self.cancel_button.setVisible(s in (PaneState.TRANSCRIBING, PaneState.WAITING))
        self.cancel_button.setEnabled(True)
        self.transcribe_button.setVisible(s in (PaneState.NOT_TRANSCRIBED, PaneState.FAILED, PaneState.CANCELLED))
        self.transcribe_button.setText("Transcribe" if s == PaneState.NOT_TRANSCRIBED else "Transcribe again")
        self.text.setVisible(words)
