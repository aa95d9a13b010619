"""PDF of a session's HTML report through Qt (QTextDocument + QPdfWriter; no WebEngine needed).

QTextDocument renders a subset of HTML and no inline SVG, so before layout each ``<svg>``
chart of the report is drawn by QSvgRenderer into a high-resolution image that the document
shows in its place, and the page's CSS grid/flex cards are given a print stylesheet that
QTextDocument understands. The PDF is written to a temp file and renamed (atomic).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

logger = logging.getLogger(__name__)

# Print resolution of the PDF and of the rasterised charts: 300 dpi is print quality; the
# charts are drawn at 2x their layout width so lines stay crisp when zoomed in a viewer.
PDF_DPI = 300
CHART_SCALE = 2.0
# A4 with 15 mm margins: the report is read by mentors, often printed, mostly in Europe.
MARGIN_MM = 15
# Body text in points for the printed page (the HTML's 15 px is ~11 pt on screen).
BASE_POINT_SIZE = 9.5
# SVG text inherits the page CSS in a browser; standalone QtSvg needs it inline.
SVG_TEXT_STYLE = ("<style>text { font-family: sans-serif; font-size: 12px; fill: #66727d; }"
                  " .lane-title { fill: #1f2a33; font-weight: bold; }</style>")
PRINT_CSS = """
body { color: #1f2a33; }
h1 { font-size: 16pt; font-weight: 600; margin: 0; }
h2 { font-size: 11pt; font-weight: 600; margin-top: 16px; margin-bottom: 6px; }
h3 { font-size: 9.5pt; color: #66727d; margin-top: 8px; margin-bottom: 2px; }
table { border-collapse: collapse; }
th { color: #66727d; text-align: left; border-bottom: 1px solid #e3e7ea; padding: 3px 6px; }
td { border-bottom: 1px solid #e3e7ea; padding: 3px 6px; }
td.num, th.num { text-align: right; }
.legend, .empty, footer, header p { color: #66727d; }
.k { color: #66727d; }
.v { font-size: 14pt; font-weight: 600; }
"""

_SVG = re.compile(r"<svg\b.*?</svg>", re.S | re.I)
_SWATCH = re.compile(r'<span class="swatch" style="background:\s*(#[0-9a-fA-F]{3,8})[^"]*"></span>')
_STYLE = re.compile(r"<style>.*?</style>", re.S | re.I)
_CARDS = re.compile(r'<div class="cards">((?:<div class="card">.*?</div></div>)*)</div>', re.S)
_CARD = re.compile(r'<div class="card"><div class="v">(.*?)</div><div class="k">(.*?)</div></div>', re.S)


class PdfExportError(RuntimeError):
    """The PDF could not be written; the message is one sentence for the user."""


def printable_document(report_html: str, width_pt: float) -> QTextDocument:
    """A QTextDocument of the report, charts as images, laid out for a page ``width_pt`` wide."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    font = doc.defaultFont()
    font.setPointSizeF(BASE_POINT_SIZE)
    doc.setDefaultFont(font)
    body = _STYLE.sub("", report_html)
    body = _CARDS.sub(_cards_table, body)
    body = _SWATCH.sub(lambda m: f'<span style="color:{m.group(1)}">&#9632;</span>&nbsp;', body)
    body = re.sub(r"<table>", '<table width="100%" cellspacing="0">', body)
    body = body.replace("<th>Question</th>", '<th width="55%">Question</th>')  # room for the questions
    charts = []

    def to_image(match: re.Match) -> str:
        svg = match.group(0)
        name = f"poise-chart-{len(charts)}.png"
        image = _render_svg(svg, width_pt * CHART_SCALE)
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        charts.append(name)
        return f'<p><img src="{name}" width="{int(width_pt)}"></p>'

    body = _SVG.sub(to_image, body)
    doc.setDefaultStyleSheet(PRINT_CSS)
    doc.setHtml(body)
    doc.setPageSize(QSizeF(width_pt, 1e9))
    return doc


def export_pdf(report_html: str, path: str | os.PathLike) -> Path:
    """Write the report as an A4 PDF at ``path`` (atomically) and return the path."""
    target = Path(path)
    if target.is_dir():
        raise PdfExportError(f"{target} is a folder; give a file name for the PDF.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise PdfExportError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    try:
        _chmod_like_new_file(tmp)
        writer = QPdfWriter(tmp)
        writer.setResolution(PDF_DPI)
        writer.setTitle(_title(report_html))
        writer.setCreator("Poise")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                         QPageLayout.Unit.Millimeter))
        page = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
        doc = printable_document(report_html, page.width())
        doc.setPageSize(QSizeF(page.width(), page.height()))
        painter = QPainter()
        if not painter.begin(writer):
            raise PdfExportError(f"Cannot write the PDF {target}.")
        try:
            scale = PDF_DPI / 72.0  # document units are points; the writer paints in device pixels
            painter.scale(scale, scale)
            pages = doc.pageCount()
            for n in range(pages):
                if n:
                    writer.newPage()
                painter.save()
                painter.translate(0, -n * page.height())
                doc.drawContents(painter, QRectF(0, n * page.height(), page.width(), page.height()))
                painter.restore()
        finally:
            painter.end()
        os.replace(tmp, target)
    except PdfExportError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PdfExportError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    logger.info("PDF report written to %s (%d pages)", target, pages)
    return target


def _chmod_like_new_file(path: str) -> None:
    """mkstemp creates 0600; give the PDF the permissions a normally created file would get."""
    if os.name == "nt":
        return
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _render_svg(svg: str, width_px: float) -> QImage:
    svg = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + SVG_TEXT_STYLE, svg, count=1)
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


def _cards_table(match: re.Match) -> str:
    """The summary cards (a CSS grid) as a one-row table QTextDocument can lay out."""
    cells = "".join(f'<td width="20%" style="border: none; padding: 4px 10px 4px 0;"><span class="v">{v}</span>'
                    f'<br><span class="k">{k}</span></td>' for v, k in _CARD.findall(match.group(1)))
    return f'<table width="100%"><tr>{cells}</tr></table>'


def _title(report_html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", report_html, re.S)
    return m.group(1) if m else "Poise session report"
