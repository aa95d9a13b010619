"""What was said, worded for the report and the review: the transcript per answer with its pace figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from poise.vision.practice.interview import per_segment_speech, speech_bounds
from poise.vision.reports.format import NOT_MEASURED, fmt_fillers, fmt_pace, fmt_wpm, transcript_note
from poise.vision.speech.pace import SpeechFigures, speech_figures, words_in
from poise.vision.speech.transcript import Transcript, TranscriptStatus, Word

# Per-answer speech columns of the Questions tables (the report's and, short, the review's).
SPEECH_COLUMNS = ("Words/min", "Fillers")
SPEECH_COLUMNS_SHORT = ("WPM", "Fillers")
FILLER_LEGEND = ("Filler words (um, uh, er, filler \u201clike\u201d, \u201cyou know\u201d\u2026) are marked "
                 "and underlined. Words per minute count speaking time only.")
NO_WORDS = "No words were heard."


@dataclass(frozen=True, slots=True)
class TranscriptSection:
    """A run of words under an optional heading (a mock-interview answer) with its figures line."""

    heading: str | None
    figures: str | None
    words: tuple[Word, ...]
    start_s: float | None = None
    end_s: float | None = None


@dataclass(slots=True)
class TranscriptPart:
    """The transcript, worded and formatted; ``note`` instead of the words when there are none."""

    status: str | None               # TranscriptStatus value, None when never transcribed
    note: str                        # why there are no words (or that the words stop early)
    figures: str                     # the whole session's line ("" without words)
    sections: list[TranscriptSection]
    legend: str
    model: str | None = None


def figures_line(f: SpeechFigures) -> str:
    """'120 words · pace 142 words/min, a comfortable pace · fillers 3 (1.2 a minute)': the line over a transcript or one answer (review and report); the answer's longest pause is
    in the Questions / Speaking table beside it (voice activity, one figure everywhere)."""
    pace = fmt_pace(f) if f.words_per_minute is not None else f"{NOT_MEASURED} (too few words to tell)"
    return f"{f.words} word{'' if f.words == 1 else 's'} · pace {pace} · fillers {fmt_fillers(f)}"


def answer_speech_cells(words: Sequence[Word] | None, segments: Sequence,
                        frames: Sequence = ()) -> list[tuple[str, str]]:
    """Each answer's cells under SPEECH_COLUMNS (words per minute, fillers), in the order of
    ``segments`` (interview.per_segment_speech): one function for the report's Speaking table and
    the review's Questions table."""
    return [(fmt_wpm(s.figures.words_per_minute, unit=False), fmt_fillers(s.figures, rate=False))
            for s in per_segment_speech(words or (), segments, frames)]


def transcript_part(transcript: Transcript | None, segments: Sequence = (), frames: Sequence = ()) -> TranscriptPart:
    """The transcript of a session: whole, or per mock-interview answer (``segments``; ``frames``
    end an answer left open, as for the per-question scores)."""
    if transcript is None:
        return TranscriptPart(None, transcript_note(None), "", [], "")
    status = TranscriptStatus(transcript.status)
    words = transcript.words
    if not words:
        note = transcript_note(transcript) or NO_WORDS
        return TranscriptPart(status.value, note, "", [], "", transcript.model)
    if segments:
        sections = []
        for said in sorted(per_segment_speech(words, segments, frames), key=lambda s: s.segment.start_s):
            start, end = speech_bounds(said.segment, frames)
            sections.append(TranscriptSection(f"{said.segment.index + 1}. {said.segment.question}",
                                              figures_line(said.figures), tuple(words_in(words, start, end)),
                                              start, end))
        before = tuple(words_in(words, None, sections[0].start_s))
        if before:   # said before the first question was shown
            sections.insert(0, TranscriptSection("Before the first question", None, before, None, sections[0].start_s))
    else:
        sections = [TranscriptSection(None, None, tuple(words))]
    note = transcript_note(transcript) or ""
    return TranscriptPart(status.value, note, figures_line(speech_figures(words)), sections, FILLER_LEGEND,
                          transcript.model)
