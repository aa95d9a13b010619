"""The report's "Speaking" section: when the user spoke, and eye contact while speaking vs silent (inline SVG)."""

from __future__ import annotations

import html
from typing import Sequence

from poise.vision.practice.interview import per_segment_summary
from poise.vision.types import Event, FrameScores, Summary

# The band's geometry matches the report's timeline chart (html_report: CHART_W, LEFT, RIGHT)
# so the two line up on the page.
CHART_W, LEFT, RIGHT, BAND_H, TOP = 900, 118, 12, 26, 4
SPEAKING_COLOUR = "#7c3aed"
# Stretches of speech drawn as rectangles; a 1-hour session has a few thousand, merged when
# they are closer than this share of the chart's width (keeps the report small).
MERGE_SHARE = 0.002


def voice_section(summary: Summary | None, frames: Sequence[FrameScores], events: Sequence[Event],
                  segments: Sequence = (), duration: float = 0.0) -> str:
    """The section's HTML; a one-line note when the session had no sound."""
    if summary is None or summary.speaking_share is None:
        return ('<section><h2>Speaking</h2><p class="empty">This session has no sound, so when you spoke '
                'is not known.</p></section>')
    pct = lambda v: "–" if v is None else f"{v * 100:.0f}%"
    cards = [
        (pct(summary.speaking_share), "of the time speaking"),
        ("–" if summary.longest_pause_s is None else f"{summary.longest_pause_s:.1f} s", "longest pause between speech"),
        (pct(summary.eye_contact_speaking_share), "eye contact while speaking"),
        (pct(summary.eye_contact_silent_share), "eye contact while silent or listening"),
    ]
    html_cards = "".join(f'<div class="card"><div class="v">{_esc(v)}</div><div class="k">{_esc(k)}</div></div>'
                         for v, k in cards)
    parts = [f'<section><h2>Speaking</h2><div class="cards">{html_cards}</div>',
             _band(frames, max(duration, frames[-1].t if frames else 0.0, 1e-6))]
    if segments:
        rows = "".join(
            f"<tr><td class='num'>{r.segment.index + 1}</td><td>{_esc(r.segment.question)}</td>"
            f"<td class='num'>{pct(r.summary.speaking_share)}</td>"
            f"<td class='num'>{'–' if r.summary.longest_pause_s is None else f'{r.summary.longest_pause_s:.1f} s'}</td></tr>"
            for r in per_segment_summary(frames, events, segments))
        parts.append("<table><tr><th class='num'>#</th><th>Question</th><th class='num'>Speaking</th>"
                     f"<th class='num'>Longest pause</th></tr>{rows}</table>")
    parts.append('<p class="legend">From the sound: speech detected by WebRTC\'s voice activity detector. '
                 'A pause is a silence between two stretches of speech.</p></section>')
    return "".join(parts)


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


def _band(frames: Sequence[FrameScores], duration: float) -> str:
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
            f'{rects}<text class="lane-title" x="{LEFT - 12}" y="{TOP + 18}" text-anchor="end">Speaking</text></svg>')


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)
