"""Reflection notes (per session and per question) survive the store, a reopen and every export."""

from __future__ import annotations

import csv
import io
import json

from poise.vision.reports.export import render
from poise.vision.sessions.store import SessionStore
from poise.vision.types import FrameScores, Summary

NASTY = 'Line one\nLine "two" — <b>bold?</b> & émoji 🙂\n\ttabbed'


def _session(store) -> tuple[int, list[int]]:
    sid = store.create_session("mock_interview", "camera:0", settings={}, models={})
    store.append_frames(sid, [FrameScores(i, i / 10, 0.9, 0.8, 0.1) for i in range(100)])
    segs = [store.add_segment(sid, 0, "Tell me about yourself.", "About you", 0.0, 4.0),
            store.add_segment(sid, 1, "Why us?", "About you", 5.0, 9.5)]
    summary = Summary(10.0, 100, 1.0, 1.0, 0.9, 0.8, 0.0, 0.1, 0.0, {})
    store.finish_session(sid, summary=summary, events=[], duration_s=10.0)
    return sid, segs


def test_notes_round_trip_through_store_reopen_and_exports(poise_home):
    with SessionStore() as store:
        sid, (s0, s1) = _session(store)
        store.set_notes(sid, notes=NASTY, went_well="calm start", do_better="")
        store.set_notes(sid, do_better="slow down")  # None leaves the other fields alone
        store.set_segment_notes(s0, went_well=NASTY)
        store.set_segment_notes(s1, do_better="look at the lens")
        store.set_segment_notes(s1, went_well="short and clear")

    with SessionStore() as store:  # a fresh connection: it is on disk
        info = store.get_session(sid)
        assert (info.notes, info.went_well, info.do_better) == (NASTY, "calm start", "slow down")
        segs = store.list_segments(sid)
        assert [(s.went_well, s.do_better) for s in segs] == [(NASTY, ""), ("short and clear", "look at the lens")]

        data = json.loads(render(store, sid, "json"))
        assert data["session"]["notes"] == NASTY
        assert data["segments"][0]["went_well"] == NASTY
        assert data["segments"][1]["do_better"] == "look at the lens"

        report = render(store, sid, "html")
        assert "slow down" in report and "look at the lens" in report and "short and clear" in report
        assert "&lt;b&gt;bold?&lt;/b&gt; &amp; émoji 🙂" in report
        assert "<b>bold?</b>" not in report

        rows = list(csv.reader(io.StringIO(render(store, sid, "csv"))))
        assert len(rows) == 101  # the CSV is per-frame scores; notes live in JSON and HTML
