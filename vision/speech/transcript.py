"""The transcript of a session: its words on the session clock, and why there may be none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class Word:
    """One word as Whisper heard it, timed on the session clock (the same as FrameScores.t)."""

    start_s: float
    end_s: float
    text: str                 # as Whisper wrote it, stripped of surrounding spaces
    probability: float | None
    filler: bool              # "um", "uh", "er", filler "like", "you know", ... (vision.speech.fillers)

    def to_dict(self) -> dict:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3), "text": self.text,
                "probability": None if self.probability is None else round(self.probability, 4),
                "filler": self.filler}


class TranscriptStatus(str, Enum):
    DONE = "done"            # words (possibly none if nothing was said) are the transcript
    NO_SOUND = "no_sound"    # the session has no sound to transcribe
    NO_SPEECH = "no_speech"  # sound, but no speech in it (silence, music, noise)
    FAILED = "failed"        # model missing / decode error ...: message says why in one sentence
    CANCELLED = "cancelled"  # stopped by the user; words so far are kept


@dataclass(frozen=True, slots=True)
class Transcript:
    """A session's words, or the reason there are none (``message``: one sentence for the user)."""

    status: TranscriptStatus
    words: tuple[Word, ...] = ()
    model: str | None = None     # e.g. "faster-whisper-tiny.en sha256:1a5afae06a4d"
    message: str | None = None   # one user-facing sentence when status is not DONE
    language: str = "en"

    @property
    def text(self) -> str:
        """The words joined by spaces (the transcript as plain text)."""
        return " ".join(w.text for w in self.words)

    def shifted(self, offset_s: float) -> "Transcript":
        """The same transcript with every word moved by ``offset_s`` seconds."""
        if not offset_s:
            return self
        words = tuple(Word(w.start_s + offset_s, w.end_s + offset_s, w.text, w.probability, w.filler)
                      for w in self.words)
        return Transcript(self.status, words, self.model, self.message, self.language)

    def to_dict(self) -> dict:
        """``transcript`` in the JSON export (README: "JSON format"); the words go in ``words``."""
        return {"status": self.status.value, "model": self.model, "message": self.message,
                "language": self.language}
