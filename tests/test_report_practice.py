"""The shareable HTML report of a mock interview: renders, has the notes (escaped) and a per-question breakdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from poise.vision.reports.export import export_session
from poise.vision.practice.interview import per_segment_summary
from poise.vision.reports.format import question_rows
from poise.vision.sessions.store import SessionStore
from poise.vision.summary import summarize
from poise.vision.types import Event, FrameScores

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _mock_interview(store) -> int:
    # 30 s at 10 Hz: eye contact good for the first answer, poor for the second.
    frames = [FrameScores(i, i / 10, 0.9 if i < 150 else 0.2, 0.8, 0.1 if i < 150 else 0.6) for i in range(300)]
    events = [Event("look_away", 16.0, 24.0), Event("fidgeting", 17.0, 20.0)]
    sid = store.create_session("mock_interview", "camera:0", settings={}, models={"face": "face_landmarker.task"})
    store.append_frames(sid, frames)
    a = store.add_segment(sid, 0, "Tell me about yourself.", "About you", 1.0, 14.0)
    b = store.add_segment(sid, 1, f"Why us? {EVIL}", "Closing", 15.0, 29.0)
    store.set_segment_notes(a, went_well="Clear structure", do_better="Smile at the start")
    store.set_segment_notes(b, do_better=f"Hands still {EVIL}")
    store.set_notes(sid, notes=f"Session note {EVIL}", went_well="Kept going", do_better="Look at the lens")
    store.finish_session(sid, summary=summarize(frames, events, 30.0), events=events, duration_s=30.0)
    return sid


def test_report_renders_with_notes_escaped_and_a_per_question_breakdown(poise_home):
    with SessionStore() as store:
        sid = _mock_interview(store)
        path = export_session(store, sid, "html")
        frames, events, segs = store.load_frames(sid), store.load_events(sid), store.list_segments(sid)
    html = path.read_text(encoding="utf-8")

    parser = _Collector()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags  # user text never becomes markup
    assert "svg" in parser.tags and "path" in parser.tags            # the timeline chart
    text = " ".join(parser.text)
    for note in ("Clear structure", "Smile at the start", "Kept going", "Look at the lens"):
        assert note in text
    assert EVIL in text  # shown literally, as typed
    assert "&lt;script&gt;" in html

    # Per-question breakdown: both questions with their own figures, and markers on the chart.
    assert re.search(r"<h2>Questions</h2>", html)
    assert "Tell me about yourself." in text and "Why us?" in text
    first, second = (s.summary for s in per_segment_summary(frames, events, segs))
    first_row, second_row = question_rows(frames, events, segs)
    section = html[html.index("<h2>Questions</h2>"):]
    section = section[:section.index("</section>")]
    cells = re.findall(r"<td class='num'>([^<]*)</td>", section)
    assert cells == ["1", first_row.span, *first_row.figures.values(), "2", second_row.span, *second_row.figures.values()]
    assert first.eye_contact_share > 0.8 > 0.3 > second.eye_contact_share
    assert ">Q1<" in html and ">Q2<" in html
    assert "mock interview" in html.lower()
