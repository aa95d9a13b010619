"""Speaking in review and the report: the timeline's fourth lane, the summary card, pauses per answer."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.gui

VOICE_CLIP = "voice__center_left_center.mp4"    # three utterances: 0.8-4.5, 6.2-10.4, 11.0-13.4 s


def _view(qtbot, store, sid):
    from poise.app.review import SessionView

    view = SessionView(store)
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    assert view.show_session(sid)
    return view


def test_review_shows_when_the_user_spoke(qtbot, store, analysed_clip):
    from poise.vision.reports.format import fmt_percent
    from poise.app.review.timeline import SPEAKING
    from poise.vision.sessions.ingest import save_result

    result = analysed_clip(VOICE_CLIP)
    sid = save_result(store, result, kind="file")
    # Two answers of a mock interview over the stored frames: the first holds one utterance,
    # the second two, with the 0.6 s silence between them inside it.
    store.add_segment(sid, 0, "Tell me about yourself.", "intro", 0.0, 5.5)
    store.add_segment(sid, 1, "Why this job?", "motivation", 5.5, 15.0)
    view = _view(qtbot, store, sid)
    t, y = view.timeline.curve(SPEAKING).getData()
    assert len(t) == len(result.frames) and set(np.unique(y)) == {0.0, 1.0}
    spoken = {round(float(x), 1) for x, v in zip(t, y) if v == 1.0}
    assert 2.0 in spoken and 8.0 in spoken and 5.3 not in spoken
    assert not view.timeline._no_audio.isVisible()
    assert view.summary.value_text("speaking") == fmt_percent(result.summary.speaking_share)
    assert "vs" in view.summary.cards["speaking"].caption.text()
    # Per answer: the second answer's longest pause is the gap between its two utterances.
    pauses = [view.questions.table.item(r, 5).text() for r in range(view.questions.table.rowCount())]
    # (the first holds only the short breaks between words of one utterance)
    assert len(pauses) == 2 and float(pauses[0].split()[0]) < 0.4
    assert float(pauses[1].split()[0]) == pytest.approx(11.0 - 10.43, abs=0.3)


def test_a_session_without_sound_says_so(qtbot, store, analysed_clip):
    from poise.app.review.timeline import SPEAKING
    from poise.vision.types import FrameScores

    frames = [FrameScores(i, i / 15, 0.9, 0.9, 0.1) for i in range(30)]
    sid = store.create_session("live", "camera:0", settings={}, models={})
    store.append_frames(sid, frames)
    from poise.vision.summary import summarize

    store.finish_session(sid, summary=summarize(frames, [], 2.0), events=[], duration_s=2.0)
    view = _view(qtbot, store, sid)
    _, y = view.timeline.curve(SPEAKING).getData()
    assert np.isnan(y).all()
    assert view.timeline._no_audio.isVisible()
    assert view.summary.value_text("speaking") == "–"
    assert "no sound" in view.summary.cards["speaking"].caption.text()


def test_report_has_a_speaking_section(store, analysed_clip):
    from poise.vision.reports.export import render
    from poise.vision.sessions.ingest import save_result

    sid = save_result(store, analysed_clip(VOICE_CLIP), kind="file")
    store.add_segment(sid, 0, "Tell me about yourself.", "intro", 0.0, 5.5)
    info = store.get_session(sid)
    page = render(store, sid, "html")
    section = page[page.index("<h2>Speaking</h2>"):]
    section = section[:section.index("</section>")]
    assert f"{info.summary.speaking_share * 100:.0f}%" in section
    assert f"{info.summary.eye_contact_speaking_share * 100:.0f}%" in section
    assert section.count("<rect") >= 4     # the band and three utterances
    assert "Tell me about yourself." in section

    assert "has no sound" not in page


def test_report_of_a_session_without_sound_says_so(store):
    from poise.vision.reports.export import render
    from poise.vision.summary import summarize
    from poise.vision.types import FrameScores

    frames = [FrameScores(i, i / 15, 0.9, 0.9, 0.1) for i in range(30)]
    sid = store.create_session("live", "camera:0", settings={}, models={})
    store.append_frames(sid, frames)
    store.finish_session(sid, summary=summarize(frames, [], 2.0), events=[], duration_s=2.0)
    page = render(store, sid, "html")
    assert "This session has no sound" in page
