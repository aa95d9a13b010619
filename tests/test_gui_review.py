"""Review GUI on real analyses in a real store: sessions list, timeline gaps and spans, jumps,
recording playback, notes. Offscreen Qt via pytest-qt."""

from __future__ import annotations

import math
import shutil

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from conftest import clip

pytestmark = pytest.mark.gui

NOFACE = "pyfeat__face_noface.mov"        # the man, then a cut to a film with no person
LOOK_AWAY = "proctoringai__center_left_center.mp4"  # eyes away ~6-11 s: one look-away event


@pytest.fixture
def noface_session(store, analysed_clip):
    from poise.vision.sessions.ingest import save_result

    return save_result(store, analysed_clip(NOFACE), kind="file")


def _view(qtbot, store, session_id):
    from poise.app.review import SessionView

    view = SessionView(store)
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    assert view.show_session(session_id)
    return view


def _image_array(qimage) -> np.ndarray:
    from PySide6.QtGui import QImage

    img = qimage.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)[:, : 3 * w].reshape(h, w, 3).copy()


def test_sessions_list_shows_stored_sessions_and_emits_selection(qtbot, store, analysed_clip, noface_session):
    from poise.app.review import SessionsList
    from poise.app.review.sessions_list import COL_EYE, COL_FIDGET, COL_POSTURE
    from poise.vision.reports.format import fmt_duration, fmt_percent

    lst = SessionsList(store)
    qtbot.addWidget(lst)
    assert lst.session_count() == 1
    info = store.get_session(noface_session)
    row = [lst.table.model().index(0, c).data() for c in range(8)]
    assert row[1] == "Video file"
    assert row[2] == fmt_duration(info.duration_s)
    assert row[COL_EYE] == fmt_percent(info.summary.eye_contact_share)
    assert row[COL_POSTURE] == fmt_percent(info.summary.mean_posture)
    assert row[COL_FIDGET] == fmt_percent(info.summary.fidgeting_share)
    assert row[6] == "Complete" and row[7] == NOFACE

    from poise.vision.sessions.ingest import save_result

    second = save_result(store, analysed_clip(NOFACE), kind="file")
    lst.refresh()
    assert lst.session_count() == 2
    with qtbot.waitSignal(lst.session_selected, timeout=1000) as sig:
        assert lst.select_session(noface_session)
    assert sig.args == [noface_session]
    lst.refresh()  # a refresh keeps the selection
    assert lst.selected_session_id() == noface_session
    assert second != noface_session


def test_sessions_list_empty_state(qtbot, store):
    from poise.app.review import SessionsList

    lst = SessionsList(store)
    qtbot.addWidget(lst)
    lst.show()
    assert lst.session_count() == 0
    assert lst._empty.isVisible() and not lst.table.isVisible()


def test_not_measurable_stretches_are_gaps_not_zeros(qtbot, store, noface_session):
    view = _view(qtbot, store, noface_session)
    frames = store.load_frames(noface_session)
    none_eye = [f.eye_contact is None for f in frames]
    assert sum(none_eye) > 10, "the clip's no-face stretch should leave eye contact unmeasurable"
    for name in ("eye_contact", "posture", "fidgeting"):
        curve = view.timeline.curve(name)
        x, y = curve.xData, curve.yData
        assert len(x) == len(frames)
        np.testing.assert_allclose(x, [f.t for f in frames])
        expected_nan = np.array([getattr(f, name) is None for f in frames])
        assert np.array_equal(np.isnan(y), expected_nan), name
        assert not np.any(y[expected_nan] == 0)
        measured = ~expected_nan
        np.testing.assert_allclose(y[measured], [getattr(f, name) for f, m in zip(frames, measured) if m])
        assert curve.opts["connect"] == "finite"
    # The face-free stretch at the end is also shaded as not measurable.
    first_gap = next(f.t for f in frames if f.eye_contact is None and f.posture is None and f.fidgeting is None)
    spans = [s for s in view.timeline.spans() if s.kind == "not_measurable"]
    assert any(math.isclose(s.start_s, first_gap) and s.end_s >= frames[-1].t for s in spans)
    assert view.summary.value_text("measurable") == f"{round(100 * store.get_session(noface_session).summary.measurable_share)}%"


def test_event_spans_are_shaded_and_an_event_click_jumps_there(qtbot, store, analysed_clip):
    import pyqtgraph as pg

    from poise.vision.sessions.ingest import save_result

    sid = save_result(store, analysed_clip(LOOK_AWAY), kind="file")
    events = store.load_events(sid)
    look_aways = [e for e in events if e.kind == "look_away"]
    assert look_aways, "the clip looks away for ~5 s: expected a look-away event"
    view = _view(qtbot, store, sid)
    shaded = [(s.kind, s.start_s, s.end_s) for s in view.timeline.spans()]
    for e in events:
        assert (e.kind, e.start_s, e.end_s) in shaded
    regions = [i for i in view.timeline.plot_item("eye_contact").items if isinstance(i, pg.LinearRegionItem)]
    assert any(np.allclose(r.getRegion(), (e.start_s, e.end_s)) for r in regions for e in look_aways)

    ev = look_aways[0]
    rows = [view.events.item(i) for i in range(view.events.count())]
    row = next(r for r in rows if r.text().endswith(f"{ev.end_s - ev.start_s:.1f} s") and "Looked away" in r.text())
    with qtbot.waitSignal(view.position_changed, timeout=2000) as sig:
        rect = view.events.visualItemRect(row)
        QTest.mouseClick(view.events.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args[0] == pytest.approx(ev.start_s, abs=0.05)
    assert view.timeline.cursor_position() == pytest.approx(ev.start_s, abs=0.05)


def test_clicking_the_timeline_requests_that_time(qtbot, store, noface_session):
    view = _view(qtbot, store, noface_session)
    tl = view.timeline
    gv = tl.graphics_view()
    qtbot.waitExposed(view)
    vb = tl.plot_item("posture").getViewBox()
    target = 2.0
    pos = gv.mapFromScene(vb.mapViewToScene(QPointF(target, 0.5)))
    seconds_per_px = tl.duration() / vb.width()
    with qtbot.waitSignal(tl.position_requested, timeout=2000) as sig:
        QTest.mouseClick(gv.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args[0] == pytest.approx(target, abs=2 * seconds_per_px)
    assert tl.cursor_position() == pytest.approx(target, abs=2 * seconds_per_px)


def _write_recording(store, session_id, src_name: str):
    """Copy the clip's frames with cv2.VideoWriter into the recordings dir, as a live session would."""
    cap = cv2.VideoCapture(str(clip(src_name)))
    fps = cap.get(cv2.CAP_PROP_FPS)
    store.recordings_dir.mkdir(parents=True, exist_ok=True)
    path = store.recordings_dir / f"session-{session_id}.mp4"
    writer = None
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        img = cv2.resize(img, (480, 270))
        if writer is None:
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (480, 270))
            assert writer.isOpened()
        writer.write(img)
        frames.append(img)
    writer.release()
    cap.release()
    store.set_recording_path(session_id, path)
    return path, fps, frames


def test_recording_shows_the_frame_at_a_jump_and_play_moves_the_cursor(qtbot, store, noface_session):
    path, fps, frames = _write_recording(store, noface_session, NOFACE)
    view = _view(qtbot, store, noface_session)
    player = view.player
    assert player.has_recording()
    qtbot.waitUntil(lambda: player.frame_view().image() is not None, timeout=5000)

    # Jump into the no-face stretch: the shown frame is the recording's frame at that time.
    target = 4.0
    with qtbot.waitSignal(player.position_changed, timeout=5000,
                          check_params_cb=lambda t: abs(t - target) < 1.5 / fps):
        view.timeline.position_requested.emit(target)
    shown = _image_array(player.frame_view().image())
    # Read back what the writer stored (lossy codec), at the same index the player seeks to.
    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_POS_FRAMES, round(target * fps))
    ok, expected = cap.read()
    cap.release()
    assert ok
    expected_rgb = cv2.cvtColor(expected, cv2.COLOR_BGR2RGB)
    first_rgb = cv2.cvtColor(frames[0], cv2.COLOR_BGR2RGB)
    err_target = np.abs(shown.astype(int) - expected_rgb.astype(int)).mean()
    err_first = np.abs(shown.astype(int) - first_rgb.astype(int)).mean()
    assert err_target < 3.0 and err_first > 5 * err_target, (err_target, err_first)
    assert view.timeline.cursor_position() == pytest.approx(target, abs=1.5 / fps)

    # Play from there: the timeline cursor moves forward with the recording.
    with qtbot.waitSignal(player.playing_changed, timeout=2000):
        view.player._play_button.click()
    qtbot.waitUntil(lambda: view.timeline.cursor_position() > target + 0.5, timeout=5000)
    with qtbot.waitSignal(player.playing_changed, timeout=2000) as sig:
        player.pause()
    assert sig.args == [False]
    # cv2.VideoWriter records no sound, and the player says so where playback happens.
    from poise.app.review.player import NO_SOUND_NOTE

    assert not player.has_sound() and player.note() == NO_SOUND_NOTE

    view.close()   # lets go of the file
    assert not player.has_recording() and player._media.source().isEmpty()


def test_file_session_without_recording_plays_the_analysed_file(qtbot, store, noface_session):
    view = _view(qtbot, store, noface_session)
    assert view.player.has_recording()
    qtbot.waitUntil(lambda: view.player.frame_view().image() is not None, timeout=5000)
    view.close()


def test_missing_recording_is_a_message_not_a_crash(qtbot, store, noface_session, tmp_path):
    copy = tmp_path / "gone.mov"
    shutil.copy(clip(NOFACE), copy)
    store.set_recording_path(noface_session, copy)
    copy.unlink()
    view = _view(qtbot, store, noface_session)
    assert not view.player.has_recording()
    assert not view.player._play_button.isEnabled()
    assert view.player.audio_output() is None, "QtMultimedia starts with the first recording, not before"
    view.seek(2.0)  # still moves the cursor
    assert view.timeline.cursor_position() == pytest.approx(2.0)


def test_notes_are_saved_to_the_store_after_typing(qtbot, store, noface_session):
    view = _view(qtbot, store, noface_session)
    view.tabs.setCurrentWidget(view.notes)
    edit = view.notes.edits["went_well"]
    edit.setFocus()
    with qtbot.waitSignal(view.notes.notes_saved, timeout=3000) as sig:
        qtbot.keyClicks(edit, "Steady <b>eye contact</b>")
    assert sig.args == [noface_session]
    assert store.get_session(noface_session).went_well == "Steady <b>eye contact</b>"
    # Pending edits are flushed when the view closes (no waiting for the debounce).
    qtbot.keyClicks(view.notes.edits["do_better"], "Slow down")
    assert view.notes.has_pending()
    view.close()
    info = store.get_session(noface_session)
    assert info.do_better == "Slow down" and info.went_well == "Steady <b>eye contact</b>"


def test_qt_binding_keeps_the_reference_count_of_none(qtbot):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call; playback
    (a dozen such calls per frame) then aborts the process within seconds. pyproject pins <6.12."""
    import sys

    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    before = sys.getrefcount(None)
    for _ in range(1000):
        w.update()
    lost = before - sys.getrefcount(None)
    import PySide6

    assert lost < 100, (f"PySide6 {PySide6.__version__} loses a reference to None per call ({lost} in 1000): "
                        "the GUI would crash; install the version pyproject.toml pins (scripts/setup.sh)")


def test_review_page_shows_the_session_selected_in_the_list(qtbot, store, analysed_clip, noface_session):
    from poise.app.review import ReviewPage
    from poise.vision.sessions.ingest import save_result

    other = save_result(store, analysed_clip(LOOK_AWAY), kind="file")
    page = ReviewPage(store)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    assert page.view.current_session_id() is None
    with qtbot.waitSignal(page.session_selected, timeout=2000):
        page.sessions.select_session(noface_session)
    assert page.view.current_session_id() == noface_session
    assert page.show_session(other)
    assert page.sessions.selected_session_id() == other and page.view.current_session_id() == other
    assert page.sessions.model.rowCount() == 2
    page.close()
    assert not page.view.player.has_recording()


def test_mock_interview_answers_are_listed_with_their_scores_and_notes(qtbot, store, analysed_clip):
    from poise.vision.practice.interview import per_segment_summary
    from poise.vision.sessions.ingest import save_result

    sid = save_result(store, analysed_clip(NOFACE), kind="mock_interview")
    store.add_segment(sid, 0, "Tell me about yourself.", "about you", 0.0, 2.5)
    store.add_segment(sid, 1, "Why <this> role?", "about you", 2.5, None)
    view = _view(qtbot, store, sid)
    panel = view.questions
    assert view.tabs.currentWidget() is panel and panel.segment_count() == 2
    assert view.timeline.segment_starts() == [0.0, 2.5]
    expected = per_segment_summary(store.load_frames(sid), store.load_events(sid), store.list_segments(sid))
    from poise.vision.reports.format import fmt_percent

    assert panel.table.item(0, 2).text() == fmt_percent(expected[0].summary.eye_contact_share)
    assert panel.table.item(1, 1).text() == "Why <this> role?"
    assert panel.table.item(1, 2).text() == fmt_percent(expected[1].summary.eye_contact_share)  # no face: "–"

    with qtbot.waitSignal(view.position_changed, timeout=2000) as sig:
        rect = panel.table.visualItemRect(panel.table.item(1, 1))
        QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args[0] == pytest.approx(2.5)
    with qtbot.waitSignal(panel.notes.notes_saved, timeout=3000):
        qtbot.keyClicks(panel.notes.edits["do_better"], "Answer in two sentences")
    assert [s.do_better for s in store.list_segments(sid)] == ["", "Answer in two sentences"]


def test_a_session_without_questions_hides_the_questions_tab(qtbot, store, noface_session):
    view = _view(qtbot, store, noface_session)
    assert not view.tabs.isTabVisible(view.tabs.indexOf(view.questions))
    assert view.tabs.currentWidget() is view.events


def _arrow_rows(header, section: int) -> list[int]:
    """Widths (dark pixels per row, top to bottom) of the sort arrow drawn in a header section."""
    image = header.grab().toImage()
    right = header.sectionViewportPosition(section) + header.sectionSize(section)
    left = right - 24   # the arrow sits at the section's right end, after the text
    rows = []
    for y in range(image.height()):
        n = sum(1 for x in range(max(0, left), right) if image.pixelColor(x, y).lightness() < 160)
        if n:
            rows.append(n)
    return rows


def test_the_date_column_points_down_while_newest_is_first(qtbot, store, noface_session):
    from PySide6.QtCore import Qt

    from poise.app.review import SessionsList

    lst = SessionsList(store)
    qtbot.addWidget(lst)
    lst.resize(700, 300)
    lst.show()
    qtbot.waitExposed(lst)
    header = lst.table.horizontalHeader()
    assert header.sortIndicatorSection() == 0 and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    rows = _arrow_rows(header, 0)
    assert len(rows) >= 2, "a sort arrow is drawn"
    assert rows[0] > rows[-1], f"newest first shows ▼ (wide top), rows {rows}"
    lst.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    qtbot.wait(50)
    rows = _arrow_rows(header, 0)
    assert rows[0] < rows[-1], f"oldest first shows ▲, rows {rows}"


def _html_table(section: str) -> list[dict[str, str]]:
    """The first table of an HTML report section as one dict (header -> text) per row."""
    import html as html_lib
    import re

    section = section[:section.index("</table>")]
    rows = [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", section, re.S)]
    header, *body = rows
    return [dict(zip(header, row)) for row in body]


def test_the_report_and_the_review_show_the_same_per_question_figures(qtbot, store, analysed_clip, transcribed_clip):
    """One function per figure fills both: format.question_rows the scores of the HTML report's
    Questions table and the review's; the voice report's rows (pause) and
    transcript_report.answer_speech_cells (words per minute, fillers, from the real transcript)
    the report's Speaking table and the review's pace columns; figures_line each answer's line
    over its words in the report's Transcript and the review's. A real clip with speech split
    into three answers."""
    import html as html_lib
    import re

    from poise.vision.reports.export import render
    from poise.vision.reports.format import SCORE_LABELS, SCORE_NAMES, SCORE_SHORT_LABELS
    from poise.vision.reports.transcript_report import SPEECH_COLUMNS, SPEECH_COLUMNS_SHORT
    from poise.vision.sessions.ingest import save_result

    clip_name = "voice__center_left_center.mp4"   # proctoringai's picture (a look-away) with speech
    result = analysed_clip(clip_name)
    sid = save_result(store, result, kind="mock_interview")
    third = result.summary.duration_s / 3
    for i in range(3):
        store.add_segment(sid, i, f"Question {i + 1}?", "about you", i * third, None if i == 2 else (i + 1) * third)
    store.save_transcript(sid, transcribed_clip(clip_name))
    view = _view(qtbot, store, sid)
    panel = view.questions
    review_header = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    review = [{review_header[c]: panel.table.item(r, c).text() for c in range(panel.table.columnCount())}
              for r in range(panel.table.rowCount())]
    assert not any(panel.table.isColumnHidden(review_header.index(h)) for h in SPEECH_COLUMNS_SHORT)

    page = render(store, sid, "html")
    report = _html_table(page[page.index("<h2>Questions</h2>"):])
    speaking = _html_table(page[page.index("<h2>Speaking</h2>"):])

    assert len(review) == len(report) == len(speaking) == 3
    # The review's narrow panel says "Eye" where the report says "Eye contact": the same figure.
    in_review_cols = [SCORE_SHORT_LABELS[n] for n in SCORE_NAMES] + ["Pause", *SPEECH_COLUMNS_SHORT]
    in_report_cols = [SCORE_LABELS[n] for n in SCORE_NAMES]
    in_speaking_cols = ["Longest pause", *SPEECH_COLUMNS]
    assert set(in_review_cols) <= set(review_header) and set(in_report_cols) <= set(report[0])
    assert set(in_speaking_cols) <= set(speaking[0])
    for in_review, in_report, in_speaking in zip(review, report, speaking):
        assert [in_review[h] for h in in_review_cols] == ([in_report[h] for h in in_report_cols]
                                                          + [in_speaking[h] for h in in_speaking_cols])
        assert in_review["#"] == in_report["#"] == in_speaking["#"]
        assert in_report["Question"].startswith(in_review["Question"]) and in_speaking["Question"] == in_review["Question"]
    assert len({tuple(r[h] for h in in_review_cols) for r in review}) > 1, "the answers differ (look-aways in one)"
    assert any(r["WPM"].isdigit() for r in review), "at least one answer has enough words for a pace"

    # Each answer's figures line over its words: the same text in the review's Transcript tab.
    transcript = page[page.index("<h2>Transcript</h2>"):]
    report_lines = [html_lib.unescape(t) for t in re.findall(r'<h3>[^<]*</h3><p class="legend">([^<]*)</p>', transcript)]
    shown = view.transcript.text.toPlainText().splitlines()   # heading, figures, words: one block each
    review_lines = [shown[shown.index(f"{n}. Question {n}?") + 1] for n in (1, 2, 3)]
    assert len(report_lines) == 3 and report_lines == review_lines


def test_a_long_session_is_loaded_thinned_for_the_timeline(qtbot, store, analysed_clip):
    """An hour at 15 Hz (a real clip's frames repeated) reaches the timeline as at most
    TIMELINE_MAX_FRAMES points, evenly spread over the whole session, first and last kept."""
    import dataclasses

    from poise.app.review.session_view import TIMELINE_MAX_FRAMES
    from poise.vision.summary import summarize

    base = analysed_clip(LOOK_AWAY).frames
    step = 1 / 15
    frames = [dataclasses.replace(base[i % len(base)], index=i, t=round(i * step, 3)) for i in range(15 * 3600)]
    sid = store.create_session("file", "hour.mp4", settings={}, models={})
    for start in range(0, len(frames), 5000):
        store.append_frames(sid, frames[start:start + 5000])
    duration = frames[-1].t + step
    store.finish_session(sid, summary=summarize(frames, [], duration), events=[], duration_s=duration)
    view = _view(qtbot, store, sid)
    t = view.timeline.curve("eye_contact").xData   # what was handed to the curve (it draws fewer)
    assert TIMELINE_MAX_FRAMES // 2 <= len(t) <= TIMELINE_MAX_FRAMES + 1
    assert t[0] == 0.0 and t[-1] == frames[-1].t
    gaps = np.diff(t)[:-1]
    assert gaps.max() - gaps.min() <= 0.0015, "evenly spaced (times are stored to the millisecond)"
