"""The report's timeline chart as inline SVG: three score lanes on one time axis, gaps where not measurable."""

from __future__ import annotations

import html
import math
from typing import Sequence

from poise.vision.reports.format import (EVENT_SCORE, SCORE_COLOURS, SCORE_LABELS, SCORE_MEANING, SCORE_NAMES,
                                         event_label, fmt_clock, fmt_span)
from poise.vision.types import Event, FrameScores

# Chart geometry (px in the SVG's own coordinate system; it scales to the page width).
CHART_W, LANE_H, LANE_GAP, LEFT, RIGHT, TOP, AXIS_H = 900, 70, 22, 118, 12, 26, 24
# A 1-hour session at 15 Hz has 54,000 frames; ~1 point per horizontal pixel keeps the
# report small (tens of kB) with no visible loss.
MAX_POINTS = 800
# Chart text and lines (the report's muted ink and hairlines).
INK, MUTED, LINE, LANE_BG, SEGMENT_LINE = "#1f2a33", "#66727d", "#e3e7ea", "#fbfcfb", "#8a96a0"
FONT = "font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def timeline_svg(frames: Sequence[FrameScores], events: Sequence[Event], duration: float,
                 segments: Sequence = ()) -> str:
    """Three lanes (eye contact, posture, fidgeting) on a shared time axis; None is drawn as a gap.
    Text styles are inline, so the SVG looks the same in a browser and in Qt's SVG renderer."""
    duration = max(duration, frames[-1].t if frames else 0.0, 1e-6)
    plot_w = CHART_W - LEFT - RIGHT
    height = TOP + len(SCORE_NAMES) * (LANE_H + LANE_GAP) + AXIS_H
    x = lambda t: LEFT + plot_w * min(max(t / duration, 0.0), 1.0)
    text = lambda x_, y_, s, anchor="end", size=12, colour=MUTED, weight="normal": (
        f'<text x="{x_}" y="{y_}" text-anchor="{anchor}" fill="{colour}" font-size="{size}" '
        f'font-weight="{weight}" style="{FONT}">{s}</text>')
    out = [f'<svg viewBox="0 0 {CHART_W} {height}" width="100%" role="img" '
           f'aria-label="Timeline of eye contact, posture and fidgeting" xmlns="http://www.w3.org/2000/svg">']
    for n, name in enumerate(SCORE_NAMES):
        colour = SCORE_COLOURS[name]
        top = TOP + n * (LANE_H + LANE_GAP)
        y = lambda v, top=top: top + LANE_H * (1.0 - v)
        out.append(f'<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{LANE_H}" fill="{LANE_BG}" stroke="{LINE}"/>')
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(0.5):.1f}" y2="{y(0.5):.1f}" '
                   f'stroke="{LINE}" stroke-dasharray="3 4"/>')
        for e in events:
            if EVENT_SCORE.get(e.kind) == name:
                x0, x1 = x(e.start_s), x(duration if e.end_s is None else e.end_s)
                out.append(f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1.5):.1f}" height="{LANE_H}" '
                           f'fill="{colour}" fill-opacity="0.16"><title>{_esc(event_label(e.kind))} '
                           f'{fmt_span(e.start_s, e.end_s)}</title></rect>')
        path = _path([(f.t, getattr(f, name)) for f in frames], x, y)
        if path:
            out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6" '
                       'stroke-linejoin="round" stroke-linecap="round"/>')
        out.append(text(LEFT - 12, top + 22, _esc(SCORE_LABELS[name]), colour=INK, weight="bold"))
        out.append(text(LEFT - 12, top + 38, _esc(SCORE_MEANING[name])))
        out.append(text(LEFT - 4, top + 10, "1", size=10))
        out.append(text(LEFT - 4, top + LANE_H, "0", size=10))
    lanes_bottom = TOP + len(SCORE_NAMES) * (LANE_H + LANE_GAP) - LANE_GAP
    for t in _ticks(duration):
        out.append(text(f"{x(t):.1f}", lanes_bottom + 16, fmt_clock(t), anchor="middle"))
    for seg in segments:
        xs = x(seg.start_s)
        out.append(f'<line x1="{xs:.1f}" x2="{xs:.1f}" y1="{TOP - 6}" y2="{lanes_bottom}" stroke="{SEGMENT_LINE}" '
                   'stroke-width="1" stroke-dasharray="2 3"/>')
        out.append(text(f"{xs + 3:.1f}", TOP - 9, f"Q{seg.index + 1}<title>{_esc(seg.question)}</title>", anchor="start"))
    out.append("</svg>")
    return "\n".join(out)


def _path(points: list[tuple[float, float | None]], x, y) -> str:
    """An SVG path through the points; a None ends the sub-path, so the gap stays visible."""
    runs: list[list[str]] = [[]]
    for t, v in _downsample(points):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(f"{x(t):.1f} {y(min(max(v, 0.0), 1.0)):.1f}")
    parts = []
    for run in runs:
        if len(run) == 1:  # a lone measurable frame between gaps: a dot (round cap on a tiny line)
            parts.append(f"M{run[0]} h0.5")
        elif run:
            parts.append("M" + " L".join(run))
    return " ".join(parts)


def _downsample(points: list[tuple[float, float | None]]) -> list[tuple[float, float | None]]:
    """Bucket means down to MAX_POINTS; a bucket with no measurable frame stays a gap."""
    if len(points) <= MAX_POINTS:
        return points
    size = len(points) / MAX_POINTS
    out = []
    for b in range(MAX_POINTS):
        bucket = points[int(b * size):int((b + 1) * size)]
        if not bucket:
            continue
        values = [v for _, v in bucket if v is not None]
        out.append((bucket[len(bucket) // 2][0], sum(values) / len(values) if values else None))
    return out


def _ticks(duration: float) -> list[float]:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if duration / step <= 10:
            break
    return [i * step for i in range(int(duration // step) + 1)]
