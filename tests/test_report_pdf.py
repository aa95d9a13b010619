"""The PDF of the report through Qt (QTextDocument + QPdfWriter): charts rasterised, notes included, atomic write."""

from __future__ import annotations

import pytest

from poise.vision.reports.export import render
from poise.vision.sessions.store import SessionStore
from poise.vision.summary import summarize
from poise.vision.types import Event, FrameScores

pytestmark = pytest.mark.gui


def test_pdf_export_of_a_mock_interview_report(qtbot, poise_home, tmp_path):
    from PySide6.QtGui import QTextDocument
    from PySide6.QtCore import QUrl

    from poise.app.review.pdf_export import PdfExportError, export_pdf, printable_document

    frames = [FrameScores(i, i / 10, 0.9 if i < 100 else 0.3, 0.8, 0.1) for i in range(200)]
    events = [Event("look_away", 11.0, 16.0)]
    with SessionStore() as store:
        sid = store.create_session("mock_interview", "camera:0", settings={}, models={})
        store.append_frames(sid, frames)
        seg = store.add_segment(sid, 0, "Why this role?", "About you", 0.0, 19.0)
        store.set_segment_notes(seg, do_better="Slow down <please>")
        store.set_notes(sid, went_well="Good energy & focus")
        store.finish_session(sid, summary=summarize(frames, events, 20.0), events=events, duration_s=20.0)
        html = render(store, sid, "html")

    doc = printable_document(html, 500.0)
    text = doc.toPlainText()
    assert "Why this role?" in text and "Slow down <please>" in text and "Good energy & focus" in text
    chart = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("poise-chart-0.png"))
    assert chart is not None and not chart.isNull() and chart.width() >= 900

    out = export_pdf(html, tmp_path / "reports" / "session.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(PdfExportError, match="is a folder"):
        export_pdf(html, tmp_path)
