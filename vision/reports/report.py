"""The report of one session as a document (texts, tables, chart): the HTML and the PDF both draw it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

from poise.vision.reports.format import (QUESTION_COLUMNS, SCORE_COLOURS, SCORE_NAMES, QuestionRow, event_label,
                                         fmt_clock, fmt_duration, fmt_percent, kind_label, question_rows,
                                         score_figures)
from poise.vision.reports.timeline_svg import timeline_svg
from poise.vision.reports.transcript_report import TranscriptPart, transcript_part
from poise.vision.reports.voice_report import SpeakingPart, speaking_part
from poise.vision.practice.self_check import SELF_CHECK_KEY, summary_line
from poise.vision.sessions.store import Segment, SessionInfo
from poise.vision.speech.transcript import Transcript
from poise.vision.summary import CHOOSE_IN_WINDOW, not_measured_note
from poise.vision.types import Event, EventKind, FrameScores

# Column headers of the report's tables; the score columns are the review's (QUESTION_COLUMNS).
REPORT_QUESTION_COLUMNS = (*QUESTION_COLUMNS[:2], "Time", *QUESTION_COLUMNS[2:])
EVENT_COLUMNS = ("What", "From", "To", "Duration")


@dataclass(frozen=True, slots=True)
class Card:
    value: str
    caption: str
    colour: str | None = None


@dataclass(slots=True)
class Report:
    """Everything a report shows, already worded and formatted; renderers only lay it out."""

    page_title: str
    heading: str
    badge: str | None                 # the session's status when it is not complete
    subtitle: str
    cards: list[Card]
    counts_line: str
    not_measured_note: str | None     # why much of it was not scored (vision.summary.not_measured_note)
    chart_svg: str
    legend: list[tuple[str, str]]     # (colour, event label) of the shaded spans
    speaking: SpeakingPart
    questions: list[QuestionRow]
    events: list[tuple[str, str, str, str]]
    notes: str
    went_well: str
    do_better: str
    footer: str
    setup_line: str = ""              # calibrated? checked on this setup (vision/practice/self_check.py)?
    transcript: TranscriptPart | None = None          # None: never transcribed (no Transcript part)
    question_columns: tuple[str, ...] = REPORT_QUESTION_COLUMNS
    event_columns: tuple[str, ...] = EVENT_COLUMNS


def build_report(info: SessionInfo, frames: Sequence[FrameScores], events: Sequence[Event],
                 segments: Sequence[Segment] = (), transcript: Transcript | None = None) -> Report:
    """The report of a stored session (with its transcript, when it was transcribed)."""
    duration = info.duration_s or (frames[-1].t if frames else 0.0)
    local = info.started_at.astimezone()
    title = f"{kind_label(info.kind)} · {local:%A %d %B %Y, %H:%M}"
    s = info.summary
    if s is None:
        cards, counts = [], ""
    else:
        figures = score_figures(s)
        cards = [
            Card(figures["eye_contact"], "of the time with eye contact", SCORE_COLOURS["eye_contact"]),
            Card(figures["posture"], "mean posture (100% = upright)", SCORE_COLOURS["posture"]),
            Card(figures["fidgeting"], "of the time fidgeting", SCORE_COLOURS["fidgeting"]),
            Card(f"{s.longest_look_away_s:.1f} s", "longest look-away"),
            Card(fmt_percent(s.measurable_share), "of frames measurable"),
        ]
        counts = ", ".join(f"{event_label(k).lower()} {n}×" for k, n in s.event_counts.items() if n) or "no events"
        counts = f"{s.frames_analysed} frames analysed · {counts}"
    generated = datetime.now(timezone.utc).astimezone()
    models = ", ".join(f"{k}: {v}" for k, v in sorted(info.models.items())) or "unknown"
    return Report(
        page_title=f"Poise session {info.id}: {title}",
        heading=f"Session {info.id}",
        badge=None if info.status == "complete" else info.status,
        subtitle=f"{title} · {fmt_duration(duration)} · {source_name(info.source)}",
        cards=cards,
        counts_line=counts,
        setup_line=setup_line(info.calibration),
        not_measured_note=None if s is None else not_measured_note(s, CHOOSE_IN_WINDOW),
        chart_svg=timeline_svg(frames, events, duration, segments),
        legend=[(SCORE_COLOURS[name], event_label(kind)) for name, kind in
                zip(SCORE_NAMES, (EventKind.LOOK_AWAY, EventKind.SLOUCH, EventKind.FIDGETING))],
        speaking=speaking_part(s, frames, events, segments, duration, transcript),
        questions=question_rows(frames, events, segments) if segments else [],
        transcript=None if transcript is None else transcript_part(transcript, segments, frames),
        events=[(event_label(e.kind), fmt_clock(e.start_s), "end" if e.end_s is None else fmt_clock(e.end_s),
                 "" if e.duration_s is None else f"{e.duration_s:.1f} s") for e in events],
        notes=info.notes or "", went_well=info.went_well or "", do_better=info.do_better or "",
        footer=(f"Generated by Poise on {generated:%d %B %Y, %H:%M}. Scores are computed on the user's own machine "
                f"from face and body landmarks. Eye contact and fidgeting are shares of the measurable time; "
                f"posture is the mean score (100% = upright and balanced). Models: {models}."),
    )


def setup_line(calibration: dict | None) -> str:
    """How far to trust the scores on this setup: calibrated or not, and the self-check result."""
    if not calibration:
        return "Not calibrated: eye contact and posture were judged against averages and the session itself."
    line = summary_line(calibration.get(SELF_CHECK_KEY))
    return f"Calibrated and {line}." if line else "Calibrated on this setup; not checked with “Check Poise on me”."


def source_name(source: str) -> str:
    """The file name of a source path (either slash), or the source as given (camera:0)."""
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source
