"""The HTML report of one session: the report document (vision.reports.report) as one self-contained page."""

from __future__ import annotations

import html
import logging

from poise.vision.reports.format import FILLER_COLOUR
from poise.vision.reports.report import Report

logger = logging.getLogger(__name__)

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
.transcript h3 { font-size: 14px; font-weight: 600; margin: 16px 0 2px; }
.transcript .legend { margin: 0 0 6px; }
.words { margin: 0; line-height: 1.7; }
.filler { color: FILLER; text-decoration: underline dashed FILLER; text-underline-offset: 3px; }
svg text { font: 12px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #66727d; }
svg .lane-title { fill: #1f2a33; font-weight: 600; }
footer { color: var(--muted); font-size: 12px; margin-top: 22px; }
.legend { color: var(--muted); font-size: 13px; margin-top: 6px; }
.swatch { display:inline-block; width: 12px; height: 10px; border-radius: 2px; margin: 0 4px 0 12px; }
th, td.num { white-space: nowrap; }
h2 { break-after: avoid; page-break-after: avoid; }
tr { break-inside: avoid; }
@media print { body { background: #fff; } section { break-inside: avoid; } }
"""


def esc(value: object) -> str:
    """Escape anything shown in the report (user notes, questions, file names)."""
    return html.escape("" if value is None else str(value), quote=True)


def render_html(report: Report) -> str:
    """The whole report as one HTML string (inline CSS and SVG, no scripts, no network)."""
    badge = "" if report.badge is None else f'<span class="badge">{esc(report.badge)}</span>'
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.page_title)}</title>",
        f"<style>{CSS.replace('FILLER', FILLER_COLOUR)}</style></head><body><main>",
        f'<header><div class="eyebrow">Poise practice report</div><h1>{esc(report.heading)}{badge}</h1>',
        f"<p>{esc(report.subtitle)}</p></header>",
        _summary_section(report),
        '<section><h2>Timeline</h2>',
        report.chart_svg,
        _legend(report),
        "</section>",
        _speaking_section(report),
    ]
    if report.questions:
        parts.append(_questions_section(report))
    if report.transcript is not None:
        parts.append(_transcript_section(report))
    parts.append(_events_section(report))
    parts.append(_notes_section(report))
    parts.append(f"<footer>{esc(report.footer)}</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _summary_section(r: Report) -> str:
    if not r.cards:
        return '<section><h2>Summary</h2><p class="empty">No summary was saved for this session.</p></section>'
    cards = "".join(f'<div class="card"><div class="v"{_colour(c.colour)}>{esc(c.value)}</div>'
                    f'<div class="k">{esc(c.caption)}</div></div>' for c in r.cards)
    note = f'<p class="empty">{esc(r.not_measured_note)}</p>' if r.not_measured_note else ""
    return (f'<section><h2>Summary</h2><div class="cards">{cards}</div>'
            f'<p class="legend">{esc(r.counts_line)}</p>{note}<p class="setup">{esc(r.setup_line)}</p></section>')


def _speaking_section(r: Report) -> str:
    v = r.speaking
    if v.note:
        return f'<section><h2>Speaking</h2><p class="empty">{esc(v.note)}</p></section>'
    cards = "".join(f'<div class="card"><div class="v">{esc(value)}</div><div class="k">{esc(caption)}</div></div>'
                    for value, caption in v.cards)
    table = ""
    if v.rows:
        number, question, *rest = v.columns
        head = (f"<tr><th class='num'>{esc(number)}</th><th>{esc(question)}</th>"
                + "".join(f"<th class='num'>{esc(h)}</th>" for h in rest) + "</tr>")
        rows = "".join(f"<tr><td class='num'>{esc(n)}</td><td>{esc(q)}</td>"
                       + "".join(f"<td class='num'>{esc(c)}</td>" for c in cells) + "</tr>" for n, q, *cells in v.rows)
        table = f"<table>{head}{rows}</table>"
    return (f'<section><h2>Speaking</h2><div class="cards">{cards}</div>{v.band_svg}{table}'
            f'<p class="legend">{esc(v.legend)}</p></section>')


def _questions_section(r: Report) -> str:
    number, question, time, *scores = r.question_columns
    rows = []
    for q in r.questions:
        notes = "".join(f"<div><b>{label}:</b> {esc(text)}</div>"
                        for label, text in (("Went well", q.segment.went_well), ("Do better", q.segment.do_better))
                        if text)
        rows.append(f"<tr><td class='num'>{q.number}</td><td>{esc(q.question)}"
                    f"<div class='legend'>{esc(q.category)}</div>{notes}</td>"
                    f"<td class='num'>{esc(q.span)}</td>"
                    + "".join(f"<td class='num'>{esc(v)}</td>" for v in q.figures.values()) + "</tr>")
    head = (f"<tr><th class='num'>{esc(number)}</th><th>{esc(question)}</th><th class='num'>{esc(time)}</th>"
            + "".join(f"<th class='num'>{esc(h)}</th>" for h in scores) + "</tr>")
    return f"<section><h2>Questions</h2><table>{head}{''.join(rows)}</table></section>"


def _transcript_section(r: Report) -> str:
    """What was said: the session's pace figures, then the words (per answer), fillers marked."""
    t = r.transcript
    out = ['<section class="transcript"><h2>Transcript</h2>']
    if t.note:
        out.append(f'<p class="empty">{esc(t.note)}</p>')
    if t.figures:
        out.append(f'<p class="legend"><b>Whole session:</b> {esc(t.figures)}</p>')
    for sec in t.sections:
        if sec.heading:
            out.append(f"<h3>{esc(sec.heading)}</h3>")
        if sec.figures:
            out.append(f'<p class="legend">{esc(sec.figures)}</p>')
        out.append(f'<p class="words">{words_html(sec.words) or "<i>(nothing said)</i>"}</p>')
    if t.legend:
        out.append(f'<p class="legend"><span class="filler">um</span> {esc(t.legend)}</p>')
    out.append("</section>")
    return "".join(out)


def words_html(words) -> str:
    """The words joined by spaces, each filler in a <span class="filler"> (colour and underline)."""
    return " ".join(f'<span class="filler" title="filler word">{esc(w.text)}</span>' if w.filler else esc(w.text)
                    for w in words)


def _events_section(r: Report) -> str:
    if not r.events:
        return '<section><h2>Events</h2><p class="empty">No sustained look-aways, slouching or fidgeting.</p></section>'
    what, *times = r.event_columns
    head = f"<tr><th>{esc(what)}</th>" + "".join(f"<th class='num'>{esc(h)}</th>" for h in times) + "</tr>"
    rows = "".join(f"<tr><td>{esc(label)}</td>" + "".join(f"<td class='num'>{esc(v)}</td>" for v in values) + "</tr>"
                   for label, *values in r.events)
    return f"<section><h2>Events</h2><table>{head}{rows}</table></section>"


def _notes_section(r: Report) -> str:
    """The session notes under one "Notes" heading; went well / do better as sub-headings."""
    if not (r.notes or r.went_well or r.do_better):
        return '<section class="notes"><h2>Notes</h2><p class="empty">No notes yet.</p></section>'
    body = f"<p>{esc(r.notes)}</p>" if r.notes else ""
    body += "".join(f"<h3>{label}</h3><p>{esc(text)}</p>"
                    for label, text in (("What went well", r.went_well), ("What to do better", r.do_better)) if text)
    return f'<section class="notes"><h2>Notes</h2>{body}</section>'


def _legend(r: Report) -> str:
    items = "".join(f'<span class="swatch" style="background:{colour};opacity:.25"></span>{esc(label)}'
                    for colour, label in r.legend)
    return f'<div class="legend">Shaded: {items}. Gaps: not measurable (no face, or warming up).</div>'


def _colour(colour: str | None) -> str:
    return "" if colour is None else f' style="color:{colour}"'
