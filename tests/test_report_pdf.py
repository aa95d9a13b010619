"""The PDF of the report (the same Report document as the HTML), checked page by page on a long
mock interview made from real clip analyses: header words whole, headings kept with what follows,
"Notes" once, atomic write."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import pytest

from poise.vision.reports.export import render, session_report
from poise.vision.sessions.store import SessionStore
from poise.vision.summary import summarize
from poise.vision.types import Event, FrameScores

pytestmark = pytest.mark.gui

# Clips analysed back to back to make one long mock interview (real scores, real events).
LONG_CLIPS = ("proctoringai__center_left_center.mp4", "pyfeat__face_noface.mov", "proctoringai__center_focus.mp4",
              "voice__center_left_center.mp4")
QUESTIONS = 10
HEADINGS = ("Summary", "Timeline", "Speaking", "Questions", "Events", "Notes", "What went well", "What to do better")


def long_mock_interview(store: SessionStore, analysed_clip, repeats: int = 8) -> int:
    """A stored mock interview: the clips' analyses one after another (``repeats`` times), split
    into QUESTIONS answers, each with notes, plus long session notes."""
    frames: list[FrameScores] = []
    events: list[Event] = []
    offset, index = 0.0, 0
    for _ in range(repeats):
        for name in LONG_CLIPS:
            result = analysed_clip(name)
            for f in result.frames:
                frames.append(dataclasses.replace(f, index=index, t=f.t + offset))
                index += 1
            events += [Event(e.kind, e.start_s + offset, None if e.end_s is None else e.end_s + offset)
                       for e in result.events]
            offset += result.summary.duration_s
    sid = store.create_session("mock_interview", "camera:0", settings={}, models={"face": "face_landmarker"})
    store.append_frames(sid, frames)
    step = offset / QUESTIONS
    for q in range(QUESTIONS):
        seg = store.add_segment(sid, q, f"Question {q + 1}: tell me about a time you had to explain a hard idea "
                                        f"to someone outside your field?", "Behavioural", q * step, (q + 1) * step)
        store.set_segment_notes(seg, went_well=f"Clear structure in answer {q + 1}.",
                                do_better="Look at the lens <not the screen> & slow down.")
    store.set_notes(sid, notes="Practised for the Acme interview.\n" * 8, went_well="Good energy & focus",
                    do_better="Shorter answers; pause before answering.")
    store.finish_session(sid, summary=summarize(frames, events, offset), events=events, duration_s=offset)
    return sid


def pdf_pages(path) -> list[str]:
    """pdftotext of each page (poppler-utils), in reading order."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: install poppler-utils (scripts/setup.sh does)", pytrace=False)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_pdf_of_a_long_mock_interview(qtbot, poise_home, tmp_path, analysed_clip):
    from poise.app.review.pdf_export import PdfExportError, export_pdf

    with SessionStore() as store:
        sid = long_mock_interview(store, analysed_clip)
        report = session_report(store, sid)
        html = render(store, sid, "html")
    assert len(report.events) >= 12 and len(report.questions) == QUESTIONS

    out = export_pdf(report, tmp_path / "reports" / "session.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    pages = pdf_pages(out)
    assert len(pages) >= 3, "a long mock interview spans several pages"
    text = "\n".join(pages)

    # Column headers are whole words (they were broken as "Eye cont act", "Fidg etin g").
    header = next(line for line in text.splitlines() if re.search(r"#\s+Question\s+Time", line))
    assert re.search(r"#\s+Question\s+Time\s+Eye contact\s+Posture\s+Fidgeting\s*$", header), header
    assert re.search(r"What\s+From\s+To\s+Duration", text)
    assert re.search(r"#\s+Question\s+Speaking\s+Longest pause", text)
    # No heading is the last line of a page (it belongs with what follows it).
    for n, page in enumerate(pages[:-1]):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert lines and lines[-1] not in HEADINGS, f"page {n + 1} ends with the heading {lines[-1]!r}"
    # "Notes" is one heading, not a heading and a sub-heading.
    assert sum(1 for ln in text.splitlines() if ln.strip() == "Notes") == 1
    # The same figures as the HTML page: every question row's cells are in both.
    for q in report.questions:
        assert all(v in html for v in q.figures.values())
        assert re.search(rf"\b{q.number}\s+Question {q.number}:", text)
    words = " ".join(text.split())
    assert "Look at the lens <not the screen> & slow down." in words and "Good energy & focus" in words

    with pytest.raises(PdfExportError, match="is a folder"):
        export_pdf(report, tmp_path)


def test_headings_are_kept_with_what_follows(qtbot, poise_home, analysed_clip):
    """In the laid-out document, each heading starts on the page of the block after it, at any
    page height (the keep-with-next rule, checked where the PDF's pages come from)."""
    from poise.app.review.pdf_export import line_extent, printable_document

    with SessionStore() as store:
        sid = long_mock_interview(store, analysed_clip, repeats=1)
        report = session_report(store, sid)
    for page_h in (300.0, 420.0, 555.0, 760.0):
        doc = printable_document(report, 500.0, page_h)
        layout = doc.documentLayout()
        block = doc.begin()
        while block.isValid():
            nxt = block.next()
            if block.blockFormat().headingLevel() and nxt.isValid():
                top = line_extent(layout, block)[0]
                after_top, after_bottom = line_extent(layout, nxt)
                assert int(top // page_h) == int(after_top // page_h), (
                    f"heading {block.text()!r} at {top:.0f} pt is apart from what follows (page {page_h} pt)")
            block = nxt
