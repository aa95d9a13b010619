"""The one place for labels, colours and number formats shown to the user (CLI, report, window)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from poise.vision.practice.interview import per_segment_summary
from poise.vision.speech.pace import MIN_WORDS_FOR_RATE, PACE_CUE_RANGE, SpeechFigures, pace_cue, speech_figures
from poise.vision.speech.transcript import Transcript, TranscriptStatus
from poise.vision.summary import not_measured_note
from poise.vision.types import Event, FrameScores, Summary

# Shown for a figure that could not be measured (no face, warming up, no frames).
NOT_MEASURED = "–"

# The three scores, in the order every surface lists them.
SCORE_NAMES = ("eye_contact", "posture", "fidgeting")
SCORE_LABELS = {"eye_contact": "Eye contact", "posture": "Posture", "fidgeting": "Fidgeting"}
SCORE_MEANING = {"eye_contact": "higher is better", "posture": "higher is better", "fidgeting": "lower is calmer"}
# One hue per score, reused for that score's event spans so the eye links them. Tailwind 600
# shades: readable on white and distinguishable with common colour blindness (blue / green /
# amber differ in lightness as well as hue).
SCORE_COLOURS = {"eye_contact": "#2563eb", "posture": "#059669", "fidgeting": "#d97706"}
# When the user spoke (voice activity): violet, apart from the three score hues.
SPEAKING_COLOUR = "#7c3aed"
# A filler word ("um", "you know") in a transcript: pink (Tailwind pink-600), apart from the
# score hues and the speaking violet; always with a dashed underline too, never colour alone.
FILLER_COLOUR = "#db2777"

# Event kinds (vision.types.EventKind values): their label and the score they come from.
EVENT_LABELS = {"look_away": "Looked away", "slouch": "Slouched", "fidgeting": "Fidgeted"}
EVENT_SCORE = {"look_away": "eye_contact", "slouch": "posture", "fidgeting": "fidgeting"}

# Session kinds and statuses (vision.sessions.store values); SHORT for narrow tables.
KIND_LABELS = {"live": "Live practice", "file": "Video file", "mock_interview": "Mock interview"}
KIND_SHORT = {"live": "Live", "file": "File", "mock_interview": "Mock"}
STATUS_LABELS = {"complete": "Complete", "interrupted": "Interrupted", "recording": "Recording…"}


def fmt_clock(seconds: float | None, *, tenths: bool = False) -> str:
    """m:ss (h:mm:ss from an hour) for a time in seconds; ``tenths`` adds one decimal."""
    if seconds is None or not math.isfinite(seconds):
        return NOT_MEASURED
    seconds = max(0.0, seconds)
    if tenths:
        whole = int(seconds)
        frac: int | None = int(round((seconds - whole) * 10))
        if frac == 10:
            whole, frac = whole + 1, 0
    else:
        whole, frac = int(round(seconds)), None
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    out = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    return f"{out}.{frac}" if frac is not None else out


def fmt_span(start_s: float, end_s: float | None) -> str:
    """'0:06–0:12'; an event still open at the end of the session runs to 'end'."""
    return f"{fmt_clock(start_s)}–{'end' if end_s is None else fmt_clock(end_s)}"


def fmt_duration(seconds: float | None) -> str:
    """'12.3 s' under a minute, else m:ss (h:mm:ss)."""
    if seconds is None or not math.isfinite(seconds):
        return NOT_MEASURED
    return f"{seconds:.1f} s" if seconds < 60 else fmt_clock(seconds)


def fmt_seconds(seconds: float | None) -> str:
    """'4.7 s' for a length of time such as a look-away or a pause; NOT_MEASURED when None."""
    if seconds is None or not math.isfinite(seconds):
        return NOT_MEASURED
    return f"{seconds:.1f} s"


def fmt_percent(value: float | None) -> str:
    """A share or score in [0, 1] as a whole percentage; NOT_MEASURED when None."""
    if value is None or not math.isfinite(value):
        return NOT_MEASURED
    return f"{round(100 * value):d}%"


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind.replace("_", " ").capitalize())


def kind_label(kind: str, *, short: bool = False) -> str:
    return (KIND_SHORT if short else KIND_LABELS).get(kind, kind)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def score_figures(s: Summary | None) -> dict[str, str]:
    """The three headline figures of a summary, as every surface shows them: the share of time
    with eye contact, the mean posture, the share of time fidgeting."""
    if s is None:
        return dict.fromkeys(SCORE_NAMES, NOT_MEASURED)
    return {"eye_contact": fmt_percent(s.eye_contact_share), "posture": fmt_percent(s.mean_posture),
            "fidgeting": fmt_percent(s.fidgeting_share)}


# Columns of the per-question table in the report, and their short form in the review's narrow
# side panel (the same figures, from question_rows()).
QUESTION_COLUMNS = ("#", "Question", *SCORE_LABELS.values())
SCORE_SHORT_LABELS = {"eye_contact": "Eye", "posture": "Posture", "fidgeting": "Fidget"}
QUESTION_COLUMNS_SHORT = ("#", "Question", *SCORE_SHORT_LABELS.values())


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """One answer of a mock interview as the report and the review table show it."""

    number: int
    question: str
    category: str
    start_s: float
    end_s: float
    segment: Any
    summary: Summary
    figures: dict[str, str]

    @property
    def span(self) -> str:
        return fmt_span(self.start_s, self.end_s)


def question_rows(frames: Sequence[FrameScores], events: Sequence[Event], segments: Sequence[Any]) -> list[QuestionRow]:
    """The per-question table of a session (one function for the report and the review)."""
    rows = []
    for item in per_segment_summary(frames, events, segments):
        seg, summ = item.segment, item.summary
        rows.append(QuestionRow(seg.index + 1, seg.question, getattr(seg, "category", "") or "", float(seg.start_s),
                                float(seg.start_s) + summ.duration_s, seg, summ, score_figures(summ)))
    return rows


def fmt_longest_pause(s: Summary) -> str:
    """The longest pause between speech, or "no speech heard" when there was sound but no
    speech (a pause of 0.0 s would read as a figure). One text for the CLI and the report."""
    return fmt_seconds(s.longest_pause_s) if s.speaking_share else "no speech heard"


def fmt_wpm(value: float | None, *, unit: bool = True) -> str:
    """A pace: '142 words/min' ('142' without ``unit``, under a 'Words/min' column); NOT_MEASURED
    when too little was said to tell (pace.MIN_WORDS_FOR_RATE)."""
    if value is None or not math.isfinite(value):
        return NOT_MEASURED
    return f"{round(value):d} words/min" if unit else f"{round(value):d}"


def fmt_fillers(figures: SpeechFigures | None, *, rate: bool = True) -> str:
    """Filler words: 'none', '3 (1.2 a minute)', or '3' when the rate is not known (or not
    ``rate``: a narrow table cell)."""
    if figures is None:
        return NOT_MEASURED
    if not figures.fillers:
        return "none"
    per_minute = figures.fillers_per_minute if rate else None
    return f"{figures.fillers}" + ("" if per_minute is None else f" ({per_minute:.1f} a minute)")


def fmt_pace(figures: SpeechFigures | None) -> str:
    """The pace with its kind cue: '142 words/min, a comfortable pace' (pace.pace_cue)."""
    if figures is None or figures.words_per_minute is None:
        return NOT_MEASURED
    cue = pace_cue(figures)
    return fmt_wpm(figures.words_per_minute) + (f", {cue}" if cue else "")


def fmt_cue_range() -> str:
    """The kind pace range as the user reads it: '110–170 words/min'."""
    lo, hi = PACE_CUE_RANGE
    return f"{lo:.0f}–{hi:.0f} words/min"


def transcript_note(transcript: Transcript | None) -> str | None:
    """Why a transcript has no (or not all its) words, in one sentence; None when it is complete."""
    if transcript is None:
        return "Not transcribed."
    if transcript.status is TranscriptStatus.DONE:
        return None
    return transcript.message or {
        TranscriptStatus.NO_SOUND: "There is no sound to transcribe.",
        TranscriptStatus.NO_SPEECH: "No speech was heard.",
        TranscriptStatus.FAILED: "The transcript could not be made.",
        TranscriptStatus.CANCELLED: "The transcript was stopped; the words up to there are kept.",
    }[transcript.status]


def speech_lines(transcript: Transcript | None) -> list[str]:
    """What was said, as `poise analyze` and `poise show` print it: words and pace (with the kind
    range) and filler words; or one line saying why there are none. The pause is voice_lines'."""
    note = transcript_note(transcript)
    if transcript is None or not transcript.words:
        return [f"  transcript       {note}"]
    f = speech_figures(transcript.words)
    lines = [
        f"  words            {f.words}",
        f"  pace             {fmt_pace(f)} (comfortable: {fmt_cue_range()})" if f.words_per_minute is not None
        else f"  pace             {NOT_MEASURED} (too few words to tell: fewer than {MIN_WORDS_FOR_RATE})",
        f"  filler words     {fmt_fillers(f)}",
    ]
    if note:
        lines.append(f"  transcript       {note}")
    return lines


def voice_lines(s: Summary) -> list[str]:
    """The voice figures of a summary, or one line saying there was no sound."""
    if s.speaking_share is None:
        return ["  speaking         no audio"]
    return [
        f"  speaking         {fmt_percent(s.speaking_share)} of the time "
        + (f"(longest pause {fmt_longest_pause(s)})" if s.speaking_share else f"({fmt_longest_pause(s)})"),
        f"  eye contact      {fmt_percent(s.eye_contact_speaking_share)} while speaking, "
        f"{fmt_percent(s.eye_contact_silent_share)} while silent",
    ]


def summary_lines(summary: Summary | None, events: Sequence[Event]) -> list[str]:
    """The plain-text summary printed by `poise analyze` and `poise show` (one function for both)."""
    if summary is None:
        return ["  (no summary saved)"]
    f = score_figures(summary)
    lines = [
        f"  frames analysed  {summary.frames_analysed} ({fmt_percent(summary.measurable_share)} measurable)",
        f"  eye contact      {f['eye_contact']} of the time",
        f"  posture          {f['posture']} on average (100% = upright and balanced)",
        f"  fidgeting        {f['fidgeting']} of the time (lower is calmer)",
        f"  longest look-away {summary.longest_look_away_s:.1f} s",
        *voice_lines(summary),
    ]
    note = not_measured_note(summary)
    if note:
        lines.append(f"  {note}")
    if events:
        lines.append("  events:")
        for e in events:
            lines.append(f"    {fmt_span(e.start_s, e.end_s)}  {event_label(e.kind)}"
                         + ("" if e.duration_s is None else f" ({e.duration_s:.1f} s)"))
    else:
        lines.append("  events: none")
    return lines
