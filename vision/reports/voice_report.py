"""The report's "Speaking" part: when the user spoke, and eye contact while speaking vs silent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from poise.vision.practice.interview import per_segment_summary
from poise.vision.reports.format import SPEAKING_COLOUR, fmt_longest_pause, fmt_percent, fmt_seconds
from poise.vision.reports.timeline_svg import FONT, INK
from poise.vision.reports.transcript_report import SPEECH_COLUMNS, answer_speech_cells
from poise.vision.types import Event, FrameScores, Summary

# The band's geometry matches the report's timeline chart (timeline_svg: CHART_W, LEFT, RIGHT)
# so the two line up on the page.
CHART_W, LEFT, RIGHT, BAND_H, TOP = 900, 118, 12, 26, 4
# Stretches of speech drawn as rectangles; a 1-hour session has a few thousand, merged when
# they are closer than this share of the chart's width (keeps the report small).
MERGE_SHARE = 0.002


@dataclass(slots=True)
class SpeakingPart:
    """The report's "Speaking" part, worded and formatted (the HTML and the PDF lay it out)."""

    note: str                                # said instead of the figures when there is no sound
    cards: list[tuple[str, str]]             # (value, caption)
    band_svg: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]              # (#, question, speaking share, longest pause[, words/min, fillers])
    legend: str


def speaking_part(summary: Summary | None, frames: Sequence[FrameScores], events: Sequence[Event],
                  segments: Sequence = (), duration: float = 0.0, transcript=None) -> SpeakingPart:
    """The Speaking part of a session's report; only a note when the session had no sound. With a
    transcript's words, each answer's pace and fillers too (the review's Questions table's cells)."""
    if summary is None or summary.speaking_share is None:
        return SpeakingPart("This session has no sound, so when you spoke is not known.", [], "", (), [], "")
    cards = [
        (fmt_percent(summary.speaking_share), "of the time speaking"),
        (fmt_longest_pause(summary), "longest pause between speech"),
        (fmt_percent(summary.eye_contact_speaking_share), "eye contact while speaking"),
        (fmt_percent(summary.eye_contact_silent_share), "eye contact while silent or listening"),
    ]
    words = transcript.words if transcript is not None and transcript.words else None
    speech = answer_speech_cells(words, segments, frames) if words else [()] * len(segments)
    rows = [(str(r.segment.index + 1), r.segment.question, fmt_percent(r.summary.speaking_share),
             fmt_seconds(r.summary.longest_pause_s), *cells)
            for r, cells in zip(per_segment_summary(frames, events, segments), speech)]
    return SpeakingPart("", cards, band_svg(frames, max(duration, frames[-1].t if frames else 0.0, 1e-6)),
                        ("#", "Question", "Speaking", "Longest pause", *(SPEECH_COLUMNS if words else ())), rows,
                        "From the sound: speech detected by WebRTC's voice activity detector. "
                        "A pause is a silence between two stretches of speech.")


def speech_spans(frames: Sequence[FrameScores]) -> list[tuple[float, float]]:
    """(start, end) of each run of frames where the user spoke."""
    spans, start, last_t = [], None, 0.0
    for f in frames:
        if f.speaking and start is None:
            start = f.t
        elif not f.speaking and start is not None:
            spans.append((start, f.t))
            start = None
        last_t = f.t
    if start is not None:
        spans.append((start, last_t))
    return spans


def band_svg(frames: Sequence[FrameScores], duration: float) -> str:
    """When the user spoke, as a band lined up with the timeline chart."""
    plot_w = CHART_W - LEFT - RIGHT
    x = lambda t: LEFT + plot_w * min(max(t / duration, 0.0), 1.0)
    merged: list[list[float]] = []
    for a, b in speech_spans(frames):
        if merged and a - merged[-1][1] < MERGE_SHARE * duration:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    rects = "".join(f'<rect x="{x(a):.1f}" y="{TOP}" width="{max(x(b) - x(a), 1.0):.1f}" height="{BAND_H}" '
                    f'fill="{SPEAKING_COLOUR}" fill-opacity="0.55"/>' for a, b in merged)
    return (f'<svg viewBox="0 0 {CHART_W} {BAND_H + 2 * TOP}" width="100%" role="img" '
            f'aria-label="When you were speaking" xmlns="http://www.w3.org/2000/svg">'
            f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{BAND_H}" fill="#fbfcfb" stroke="#e3e7ea"/>'
            f'{rects}<text x="{LEFT - 12}" y="{TOP + 18}" text-anchor="end" fill="{INK}" font-size="12" '
            f'font-weight="bold" style="{FONT}">Speaking</text></svg>')
