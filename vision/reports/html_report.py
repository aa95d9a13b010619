"""A self-contained HTML report of one session (inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

import html
import logging
import math
from datetime import datetime, timezone
from typing import Sequence

from poise.vision.reports.voice_report import voice_section
from poise.vision.sessions.store import SessionInfo, Segment
from poise.vision.types import Event, EventKind, FrameScores

logger = logging.getLogger(__name__)

# Chart geometry (px in the SVG's own coordinate system; it scales to the page width).
CHART_W, LANE_H, LANE_GAP, LEFT, RIGHT, TOP, AXIS_H = 900, 70, 22, 118, 12, 26, 24
# A 1-hour session at 15 Hz has 54,000 frames; ~1 point per horizontal pixel keeps the
# report small (tens of kB) with no visible loss.
MAX_POINTS = 800

# Score lanes: attribute, title, what high means, colour, the event kind shaded in that lane.
LANES = (
    ("eye_contact", "Eye contact", "higher is better", "#2f6690", EventKind.LOOK_AWAY),
    ("posture", "Posture", "higher is better", "#3a7d5c", EventKind.SLOUCH),
    ("fidgeting", "Fidgeting", "lower is calmer", "#b0623b", EventKind.FIDGETING),
)
EVENT_LABELS = {EventKind.LOOK_AWAY: "Looked away", EventKind.SLOUCH: "Slouched", EventKind.FIDGETING: "Fidgeted"}
KIND_LABELS = {"live": "Live practice", "file": "Video file", "mock_interview": "Mock interview"}

CSS = """
:root { --ink:#1f2a33; --muted:#66727d; --line:#e3e7ea; --bg:#f7f8f6; --card:#ffffff; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 36px 28px 48px; }
.eyebrow { color: var(--muted); font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
header h1 { font-size: 26px; font-weight: 600; margin: 0 0 4px; letter-spacing: -0.01em; }
header p { margin: 0; color: var(--muted); }
.badge { display:inline-block; padding:1px 9px; border-radius: 10px; font-size: 12px;
  background:#f3e6d6; color:#7a4a17; margin-left: 6px; vertical-align: 2px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin-top: 22px; }
h2 { font-size: 16px; font-weight: 600; margin: 0 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .v { font-size: 24px; font-weight: 600; }
.card .k { color: var(--muted); font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line);
  padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.notes h3 { font-size: 14px; margin: 12px 0 4px; color: var(--muted); font-weight: 600; }
.notes p { margin: 0; white-space: pre-wrap; }
.empty { color: var(--muted); font-style: italic; }
svg text { font: 12px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #66727d; }
svg .lane-title { fill: #1f2a33; font-weight: 600; }
footer { color: var(--muted); font-size: 12px; margin-top: 22px; }
.legend { color: var(--muted); font-size: 13px; margin-top: 6px; }
.swatch { display:inline-block; width: 12px; height: 10px; border-radius: 2px; margin: 0 4px 0 12px; }
@media print { body { background: #fff; } section { break-inside: avoid; } }
"""


def esc(value: object) -> str:
    """Escape anything shown in the report (user notes, questions, file names)."""
    return html.escape("" if value is None else str(value), quote=True)


def render_report(info: SessionInfo, frames: Sequence[FrameScores], events: Sequence[Event],
                  segments: Sequence[Segment] = ()) -> str:
    """The whole report as one HTML string."""
    duration = info.duration_s or (frames[-1].t if frames else 0.0)
    local = info.started_at.astimezone()
    title = f"{KIND_LABELS.get(info.kind, info.kind)} · {local:%A %d %B %Y, %H:%M}"
    badge = "" if info.status == "complete" else f'<span class="badge">{esc(info.status)}</span>'
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Poise session {info.id}: {esc(title)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f'<header><div class="eyebrow">Poise practice report</div><h1>Session {info.id}{badge}</h1>',
        f"<p>{esc(title)} · {_duration(duration)} · {esc(_source_name(info.source))}</p></header>",
        _summary_section(info),
        '<section><h2>Timeline</h2>',
        timeline_svg(frames, events, duration, segments),
        _legend(),
        "</section>",
        voice_section(info.summary, frames, events, segments, duration),
    ]
    if segments:
        parts.append(_segments_section(segments, frames))
    parts.append(_events_section(events))
    parts.append(_notes_section(info))
    generated = datetime.now(timezone.utc).astimezone()
    models = ", ".join(f"{esc(k)}: {esc(v)}" for k, v in sorted(info.models.items())) or "unknown"
    parts.append(f"<footer>Generated by Poise on {generated:%d %B %Y, %H:%M}. Scores are computed on "
                 f"the user's own machine from face and body landmarks; 1 = best for eye contact and "
                 f"posture, 0 = calm for fidgeting. Models: {models}.</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


# ------------------------------------------------------------------------- sections
def _summary_section(info: SessionInfo) -> str:
    s = info.summary
    if s is None:
        return '<section><h2>Summary</h2><p class="empty">No summary was saved for this session.</p></section>'
    cards = [
        (_pct(s.eye_contact_share), "of the time with eye contact"),
        (_score(s.mean_posture), "mean posture (1 = upright)"),
        (_pct(s.fidgeting_share), "of the time fidgeting"),
        (f"{s.longest_look_away_s:.1f} s", "longest look-away"),
        (_pct(s.measurable_share), "of frames measurable"),
    ]
    html_cards = "".join(f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
                         for v, k in cards)
    counts = ", ".join(f"{EVENT_LABELS.get(k, k).lower()} {n}×" for k, n in s.event_counts.items() if n) or "no events"
    note = ""
    if s.frames_analysed and s.measurable_share == 0:
        note = '<p class="empty">Nobody could be measured in this session (no face was found).</p>'
    return (f'<section><h2>Summary</h2><div class="cards">{html_cards}</div>'
            f'<p class="legend">{s.frames_analysed} frames analysed · {esc(counts)}</p>{note}</section>')


def _segments_section(segments: Sequence[Segment], frames: Sequence[FrameScores]) -> str:
    rows = []
    for seg in segments:
        inside = [f for f in frames if f.t >= seg.start_s and (seg.end_s is None or f.t < seg.end_s)]
        means = [_mean([getattr(f, attr) for f in inside]) for attr, *_ in LANES]
        notes = "".join(f"<div><b>{label}:</b> {esc(text)}</div>"
                        for label, text in (("Went well", seg.went_well), ("Do better", seg.do_better)) if text)
        rows.append(
            f"<tr><td class='num'>{seg.index + 1}</td><td>{esc(seg.question)}"
            f"<div class='legend'>{esc(seg.category)}</div>{notes}</td>"
            f"<td class='num'>{_mmss(seg.start_s)}–{_mmss(seg.end_s)}</td>"
            + "".join(f"<td class='num'>{_score(m)}</td>" for m in means) + "</tr>")
    return ("<section><h2>Questions</h2><table><tr><th class='num'>#</th><th>Question</th><th class='num'>Time</th>"
            "<th class='num'>Eye contact</th><th class='num'>Posture</th><th class='num'>Fidgeting</th></tr>"
            + "".join(rows) + "</table></section>")


def _events_section(events: Sequence[Event]) -> str:
    if not events:
        return '<section><h2>Events</h2><p class="empty">No sustained look-aways, slouching or fidgeting.</p></section>'
    rows = "".join(
        f"<tr><td>{esc(EVENT_LABELS.get(e.kind, e.kind))}</td><td class='num'>{_mmss(e.start_s)}</td>"
        f"<td class='num'>{_mmss(e.end_s)}</td>"
        f"<td class='num'>{'' if e.duration_s is None else f'{e.duration_s:.1f} s'}</td></tr>"
        for e in events)
    return ("<section><h2>Events</h2><table><tr><th>What</th><th class='num'>From</th><th class='num'>To</th>"
            f"<th class='num'>Duration</th></tr>{rows}</table></section>")


def _notes_section(info: SessionInfo) -> str:
    blocks = [("Notes", info.notes), ("What went well", info.went_well), ("What to do better", info.do_better)]
    if not any(text for _, text in blocks):
        return '<section class="notes"><h2>Notes</h2><p class="empty">No notes yet.</p></section>'
    body = "".join(f"<h3>{label}</h3><p>{esc(text)}</p>" for label, text in blocks if text)
    return f'<section class="notes"><h2>Notes</h2>{body}</section>'


def _legend() -> str:
    items = "".join(f'<span class="swatch" style="background:{colour};opacity:.25"></span>{esc(EVENT_LABELS[kind])}'
                    for _, _, _, colour, kind in LANES)
    return f'<div class="legend">Shaded: {items}. Gaps: not measurable (no face, or warming up).</div>'


# ------------------------------------------------------------------------- chart
def timeline_svg(frames: Sequence[FrameScores], events: Sequence[Event], duration: float,
                 segments: Sequence[Segment] = ()) -> str:
    """Three lanes (eye contact, posture, fidgeting) on a shared time axis; None is drawn as a gap."""
    duration = max(duration, frames[-1].t if frames else 0.0, 1e-6)
    plot_w = CHART_W - LEFT - RIGHT
    height = TOP + len(LANES) * (LANE_H + LANE_GAP) + AXIS_H
    x = lambda t: LEFT + plot_w * min(max(t / duration, 0.0), 1.0)
    out = [f'<svg viewBox="0 0 {CHART_W} {height}" width="100%" role="img" '
           f'aria-label="Timeline of eye contact, posture and fidgeting" xmlns="http://www.w3.org/2000/svg">']
    for n, (attr, title, meaning, colour, kind) in enumerate(LANES):
        top = TOP + n * (LANE_H + LANE_GAP)
        y = lambda v, top=top: top + LANE_H * (1.0 - v)
        out.append(f'<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{LANE_H}" fill="#fbfcfb" stroke="#e3e7ea"/>')
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(0.5):.1f}" y2="{y(0.5):.1f}" '
                   'stroke="#e3e7ea" stroke-dasharray="3 4"/>')
        for e in events:
            if e.kind == kind:
                x0, x1 = x(e.start_s), x(duration if e.end_s is None else e.end_s)
                out.append(f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1.5):.1f}" height="{LANE_H}" '
                           f'fill="{colour}" fill-opacity="0.16"><title>{esc(EVENT_LABELS.get(kind, kind))} '
                           f'{_mmss(e.start_s)}–{_mmss(e.end_s)}</title></rect>')
        path = _path([(f.t, getattr(f, attr)) for f in frames], x, y)
        if path:
            out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6" '
                       'stroke-linejoin="round" stroke-linecap="round"/>')
        out.append(f'<text class="lane-title" x="{LEFT - 12}" y="{top + 22}" text-anchor="end">{esc(title)}</text>')
        out.append(f'<text x="{LEFT - 12}" y="{top + 38}" text-anchor="end">{esc(meaning)}</text>')
        out.append(f'<text x="{LEFT - 4}" y="{top + 10}" text-anchor="end" font-size="10">1</text>')
        out.append(f'<text x="{LEFT - 4}" y="{top + LANE_H}" text-anchor="end" font-size="10">0</text>')
    axis_y = TOP + len(LANES) * (LANE_H + LANE_GAP) - LANE_GAP + 16
    for t in _ticks(duration):
        out.append(f'<text x="{x(t):.1f}" y="{axis_y}" text-anchor="middle">{_mmss(t)}</text>')
    lanes_bottom = TOP + len(LANES) * (LANE_H + LANE_GAP) - LANE_GAP
    for seg in segments:
        xs = x(seg.start_s)
        out.append(f'<line x1="{xs:.1f}" x2="{xs:.1f}" y1="{TOP - 6}" y2="{lanes_bottom}" stroke="#8a96a0" '
                   'stroke-width="1" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{xs + 3:.1f}" y="{TOP - 9}">Q{seg.index + 1}<title>{esc(seg.question)}</title></text>')
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


# ------------------------------------------------------------------------- formatting
def _mean(values) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.0f}%"


def _score(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "end"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}" if m < 60 else f"{m // 60}:{m % 60:02d}:{s:02d}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s:02d} s"


def _source_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source
