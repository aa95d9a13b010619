"""The PDF of a session's report: the report document (vision.reports.report) laid out by Qt on A4.

Qt's rich text (QTextDocument) draws the same Report the HTML page shows, from its own small
HTML of that document; QSvgRenderer draws the report's chart; QPdfWriter writes the pages. No
web engine is needed. Headings are kept with what follows them, table headers never wrap.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextBlockFormat, QTextCursor,
                           QTextDocument, QTextFormat, QTextOption)
from PySide6.QtSvg import QSvgRenderer

from poise.vision.atomic import WriteError, atomic_path
from poise.vision.reports.format import FILLER_COLOUR
from poise.vision.reports.report import Report

logger = logging.getLogger(__name__)

# Print resolution of the PDF and of the rasterised chart: 300 dpi is print quality; the chart
# is drawn at 2x its layout width so lines stay crisp when zoomed in a viewer.
PDF_DPI = 300
CHART_SCALE = 2.0
# A4 with 15 mm margins: the report is read by mentors, often printed, mostly in Europe.
MARGIN_MM = 15
# Body text in points for the printed page (the HTML's 15 px is ~11 pt on screen).
BASE_POINT_SIZE = 9.5
# A heading starts a new page unless this much of what follows it fits below it (points):
# about three lines of body text, i.e. a table header and its first row.
KEEP_WITH_NEXT_PT = 60.0
CHART_RESOURCE = "poise-chart.png"
SPEAKING_RESOURCE = "poise-speaking.png"
PRINT_CSS = """
body { color: #1f2a33; }
h1 { font-size: 16pt; font-weight: 600; margin: 0; }
h2 { font-size: 11pt; font-weight: 600; margin-top: 16px; margin-bottom: 6px; }
h3 { font-size: 9.5pt; color: #66727d; margin-top: 8px; margin-bottom: 2px; }
table { border-collapse: collapse; }
th { color: #66727d; text-align: left; border-bottom: 1px solid #e3e7ea; padding: 3px 6px; white-space: nowrap;
  font-size: 8.5pt; }
td { border-bottom: 1px solid #e3e7ea; padding: 3px 6px; }
td.num, th.num { text-align: right; white-space: nowrap; }
.muted { color: #66727d; }
.v { font-size: 14pt; font-weight: 600; }
"""


class PdfExportError(WriteError):
    """The PDF could not be written; the message is one sentence for the user."""


def printable_document(report: Report, width_pt: float, page_height_pt: float | None = None) -> QTextDocument:
    """A QTextDocument of the report for a page ``width_pt`` wide; with a page height it is
    paginated, each heading kept on the page of what follows it."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    font = doc.defaultFont()
    font.setPointSizeF(BASE_POINT_SIZE)
    doc.setDefaultFont(font)
    option = doc.defaultTextOption()  # wrap at word boundaries only: never "Eye cont act"
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_RESOURCE),
                    render_svg(report.chart_svg, width_pt * CHART_SCALE))
    if report.speaking.band_svg:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(SPEAKING_RESOURCE),
                        render_svg(report.speaking.band_svg, width_pt * CHART_SCALE))
    doc.setDefaultStyleSheet(PRINT_CSS)
    doc.setHtml(document_html(report, width_pt))
    doc.setPageSize(QSizeF(width_pt, page_height_pt or 1e9))
    if page_height_pt:
        keep_headings_with_next(doc, page_height_pt)
    return doc


def document_html(r: Report, width_pt: float) -> str:
    """The Report in the HTML subset QTextDocument lays out (tables, no CSS grid, no SVG)."""
    e = lambda v: html.escape("" if v is None else str(v), quote=True)
    badge = "" if r.badge is None else f' <span class="muted">({e(r.badge)})</span>'
    out = [f'<p class="muted">POISE PRACTICE REPORT</p><h1>{e(r.heading)}{badge}</h1>',
           f'<p class="muted">{e(r.subtitle)}</p>', "<h2>Summary</h2>"]
    if r.cards:
        width = 100 // len(r.cards)
        colour = lambda c: "" if c.colour is None else f' style="color:{c.colour}"'
        cells = "".join(f'<td width="{width}%" style="border: none; padding: 4px 10px 4px 0;">'
                        f'<span class="v"{colour(c)}>{e(c.value)}</span>'
                        f'<br><span class="muted">{e(c.caption)}</span></td>' for c in r.cards)
        out.append(f'<table width="100%"><tr>{cells}</tr></table><p class="muted">{e(r.counts_line)}</p><p>{e(r.setup_line)}</p>')
        if r.not_measured_note:
            out.append(f'<p class="muted"><i>{e(r.not_measured_note)}</i></p>')
    else:
        out.append('<p class="muted"><i>No summary was saved for this session.</i></p>')
    legend = " ".join(f'<span style="color:{c}">&#9632;</span>&nbsp;{e(label)}' for c, label in r.legend)
    out += ["<h2>Timeline</h2>", f'<p><img src="{CHART_RESOURCE}" width="{int(width_pt)}"></p>',
            f'<p class="muted">Shaded: {legend}. Gaps: not measurable (no face, or warming up).</p>']
    out.append(_speaking_html(r, width_pt))
    if r.questions:
        head = "<tr>" + "".join(f'<th{"" if n == 1 else " class=num"}>{e(h)}</th>'
                                for n, h in enumerate(r.question_columns)) + "</tr>"
        rows = []
        for q in r.questions:
            notes = "".join(f"<br><b>{label}:</b> {e(text)}" for label, text in
                            (("Went well", q.segment.went_well), ("Do better", q.segment.do_better)) if text)
            category = f'<br><span class="muted">{e(q.category)}</span>' if q.category else ""
            cells = [str(q.number), f"{e(q.question)}{category}{notes}", e(q.span), *map(e, q.figures.values())]
            rows.append("<tr>" + "".join(f'<td{"" if n == 1 else " class=num"}>{c}</td>'
                                         for n, c in enumerate(cells)) + "</tr>")
        out.append(f'<h2>Questions</h2><table width="100%" cellspacing="0"><thead>{head}</thead>{"".join(rows)}</table>')
    if r.transcript is not None:
        out.append(_transcript_html(r))
    out.append("<h2>Events</h2>")
    if r.events:
        head = "<tr>" + "".join(f'<th{"" if n == 0 else " class=num"}>{e(h)}</th>'
                                for n, h in enumerate(r.event_columns)) + "</tr>"
        rows = "".join(f"<tr><td>{e(label)}</td>" + "".join(f'<td class="num">{e(v)}</td>' for v in values) + "</tr>"
                       for label, *values in r.events)
        out.append(f'<table width="100%" cellspacing="0"><thead>{head}</thead>{rows}</table>')
    else:
        out.append('<p class="muted"><i>No sustained look-aways, slouching or fidgeting.</i></p>')
    out.append("<h2>Notes</h2>")
    if r.notes:
        out.append(f'<p style="white-space: pre-wrap;">{e(r.notes)}</p>')
    for label, text in (("What went well", r.went_well), ("What to do better", r.do_better)):
        if text:
            out.append(f'<h3>{label}</h3><p style="white-space: pre-wrap;">{e(text)}</p>')
    if not (r.notes or r.went_well or r.do_better):
        out.append('<p class="muted"><i>No notes yet.</i></p>')
    out.append(f'<p class="muted" style="font-size: 8pt;">{e(r.footer)}</p>')
    return "\n".join(out)


def _speaking_html(r: Report, width_pt: float) -> str:
    e = lambda v: html.escape("" if v is None else str(v), quote=True)
    v = r.speaking
    if v.note:
        return f'<h2>Speaking</h2><p class="muted"><i>{e(v.note)}</i></p>'
    width = 100 // max(1, len(v.cards))
    cells = "".join(f'<td width="{width}%" style="border: none; padding: 4px 10px 4px 0;"><span class="v">{e(value)}</span>'
                    f'<br><span class="muted">{e(caption)}</span></td>' for value, caption in v.cards)
    out = [f'<h2>Speaking</h2><table width="100%"><tr>{cells}</tr></table>',
           f'<p><img src="{SPEAKING_RESOURCE}" width="{int(width_pt)}"></p>']
    if v.rows:
        head = "<tr>" + "".join(f'<th{"" if n == 1 else " class=num"}>{e(h)}</th>' for n, h in enumerate(v.columns)) + "</tr>"
        rows = "".join("<tr>" + "".join(f'<td{"" if n == 1 else " class=num"}>{e(c)}</td>' for n, c in enumerate(row))
                       + "</tr>" for row in v.rows)
        out.append(f'<table width="100%" cellspacing="0"><thead>{head}</thead>{rows}</table>')
    out.append(f'<p class="muted">{e(v.legend)}</p>')
    return "\n".join(out)


def _transcript_html(r: Report) -> str:
    """The Transcript part: the pace figures, the words per answer, fillers in colour and underlined."""
    e = lambda v: html.escape("" if v is None else str(v), quote=True)
    filler = f'style="color:{FILLER_COLOUR}; text-decoration: underline;"'
    t = r.transcript
    out = ["<h2>Transcript</h2>"]
    if t.note:
        out.append(f'<p class="muted"><i>{e(t.note)}</i></p>')
    if t.figures:
        out.append(f'<p class="muted"><b>Whole session:</b> {e(t.figures)}</p>')
    for sec in t.sections:
        if sec.heading:
            out.append(f"<h3>{e(sec.heading)}</h3>")
        if sec.figures:
            out.append(f'<p class="muted">{e(sec.figures)}</p>')
        words = " ".join(f"<span {filler}>{e(w.text)}</span>" if w.filler else e(w.text) for w in sec.words)
        out.append(f"<p>{words or '<i>(nothing said)</i>'}</p>")
    if t.legend:
        out.append(f'<p class="muted"><span {filler}>um</span> {e(t.legend)}</p>')
    return "\n".join(out)


def keep_headings_with_next(doc: QTextDocument, page_height: float) -> None:
    """Move each heading that would end a page to the next one: a heading needs room below it
    for what follows (up to KEEP_WITH_NEXT_PT, less when the next heading comes sooner). Qt's
    rich text has no `break-after: avoid`; this is its equivalent."""
    layout = doc.documentLayout()
    for _ in range(100):  # each pass moves one heading; the layout below it changes
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0 and _strands(layout, block, page_height):
                fmt = QTextBlockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).mergeBlockFormat(fmt)
                break
            block = block.next()
        else:
            return


def _strands(layout, heading, page_height: float) -> bool:
    """True when ``heading`` would end a page: what follows it starts on a later page, or less
    than KEEP_WITH_NEXT_PT of it (or all of it, when it is shorter) fits below the heading."""
    top, end = line_extent(layout, heading)
    offset = top % page_height
    if offset < 1.0:  # already at the top of a page
        return False
    page = top // page_height
    following = heading.next()
    bottom = end
    while following.isValid() and following.blockFormat().headingLevel() == 0 and bottom - end < KEEP_WITH_NEXT_PT:
        f_top, f_bottom = line_extent(layout, following)
        if f_top // page_height != page:
            return True
        bottom = max(bottom, f_bottom)
        following = following.next()
    return offset + (end - top) + min(KEEP_WITH_NEXT_PT, bottom - end) > page_height


def line_extent(layout, block) -> tuple[float, float]:
    """Top of the first line and bottom of the last line of a laid-out block (points). A line
    pushed to the next page moves inside its block, so the block's rectangle alone can mislead."""
    rect = layout.blockBoundingRect(block)
    lines = block.layout()
    if lines is None or lines.lineCount() == 0:
        return rect.top(), rect.bottom()
    first, last = lines.lineAt(0), lines.lineAt(lines.lineCount() - 1)
    return rect.top() + first.y(), rect.top() + last.y() + last.height()


def export_pdf(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as an A4 PDF at ``path`` (atomically) and return the path."""
    target = Path(path)
    try:
        with atomic_path(target) as tmp:
            writer = QPdfWriter(str(tmp))
            writer.setResolution(PDF_DPI)
            writer.setTitle(report.page_title)
            writer.setCreator("Poise")
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                             QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                             QPageLayout.Unit.Millimeter))
            page = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
            doc = printable_document(report, page.width(), page.height())
            pages = doc.pageCount()
            painter = QPainter()
            if not painter.begin(writer):
                raise PdfExportError(f"Cannot write the PDF {target}.")
            try:
                scale = PDF_DPI / 72.0  # document units are points; the writer paints in device pixels
                painter.scale(scale, scale)
                for n in range(pages):
                    if n:
                        writer.newPage()
                    painter.save()
                    painter.translate(0, -n * page.height())
                    doc.drawContents(painter, QRectF(0, n * page.height(), page.width(), page.height()))
                    painter.restore()
            finally:
                painter.end()
            del writer  # closes the file before it is renamed
    except PdfExportError:
        raise
    except WriteError as exc:
        raise PdfExportError(str(exc)) from None
    logger.info("PDF report written to %s (%d pages)", target, pages)
    return target


def render_svg(svg: str, width_px: float) -> QImage:
    """The report's SVG chart as an image ``width_px`` wide, on white."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        logger.warning("a report chart could not be rendered for the PDF")
    box = renderer.viewBoxF()
    aspect = box.height() / box.width() if box.width() else 0.4
    image = QImage(int(width_px), max(1, int(width_px * aspect)), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(p)
    p.end()
    return image
