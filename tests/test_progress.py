"""Progress figures on several sessions stored in a real SQLite store: per session, ISO weeks, best session."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from poise.vision.practice.progress import MIN_BEST_DURATION_S, best_session, progress
from poise.vision.sessions.store import SessionStore
from poise.vision.types import FrameScores, Summary


def _summary(duration, eye, posture, fidget, measurable=1.0) -> Summary:
    return Summary(duration_s=duration, frames_analysed=int(duration * 15), measurable_share=measurable,
                   eye_contact_share=eye, mean_eye_contact=eye, mean_posture=posture, fidgeting_share=fidget,
                   mean_fidgeting=fidget, longest_look_away_s=0.0, event_counts={})


def _store_session(store, when, duration, eye, posture, fidget, measurable=1.0, kind="mock_interview",
                   status="complete") -> int:
    sid = store.create_session(kind, "camera:0", settings={}, models={}, started_at=when)
    store.append_frames(sid, [FrameScores(0, 0.0, eye, posture, fidget)])
    if status != "recording":
        store.finish_session(sid, summary=_summary(duration, eye, posture, fidget, measurable), events=[],
                             duration_s=duration, status=status)
    return sid


def _utc(*args) -> datetime:
    # Noon UTC stays on the same calendar day in every time zone the tests run in (UTC-11..UTC+11).
    return datetime(*args, 12, 0, tzinfo=timezone.utc)


def test_progress_over_sessions_and_weeks(poise_home):
    with SessionStore() as store:
        # ISO week 2024-W10 is 4-10 March 2024; W11 is 11-17 March.
        a = _store_session(store, _utc(2024, 3, 4), 120, 0.40, 0.70, 0.30)
        b = _store_session(store, _utc(2024, 3, 6), 360, 0.60, 0.80, 0.10)
        c = _store_session(store, _utc(2024, 3, 12), 300, 0.80, 0.90, 0.05)
        short = _store_session(store, _utc(2024, 3, 13), 20, 1.0, 1.0, 0.0)         # too short to be best
        absent = _store_session(store, _utc(2024, 3, 14), 600, 0.99, 0.99, 0.0, 0.2)  # mostly out of frame
        _store_session(store, _utc(2024, 3, 15), 100, 0.1, 0.1, 0.9, status="recording")  # still going: left out
        live = _store_session(store, _utc(2024, 3, 16), 200, 0.5, 0.5, 0.5, kind="live")
        report = progress(store.list_sessions())
        only_mock = progress(store.list_sessions(), kinds=["mock_interview"])

    assert [p.session_id for p in report.sessions] == [a, b, c, short, absent, live]  # oldest first
    assert report.best.session_id == c
    assert report.best.overall == pytest.approx((0.80 + 0.90 + 0.95) / 3)
    assert [w.label for w in report.weeks] == ["2024-W10", "2024-W11"]
    w10, w11 = report.weeks
    assert w10.sessions == 2 and w10.practice_s == 480
    assert w10.monday.isoformat() == "2024-03-04"
    # Duration-weighted (measurable time): (0.40*120 + 0.60*360) / 480.
    assert w10.eye_contact == pytest.approx((0.40 * 120 + 0.60 * 360) / 480)
    assert w10.fidgeting == pytest.approx((0.30 * 120 + 0.10 * 360) / 480)
    assert w11.sessions == 4
    assert report.first_and_last_week_change["posture"] == pytest.approx(w11.posture - w10.posture)
    assert [p.kind for p in only_mock.sessions].count("live") == 0


def test_best_session_tie_goes_to_the_latest_and_none_without_a_qualifier(poise_home):
    with SessionStore() as store:
        _store_session(store, _utc(2024, 5, 1), 90, 0.7, 0.7, 0.3)
        later = _store_session(store, _utc(2024, 5, 2), 90, 0.7, 0.7, 0.3)
        report = progress(store.list_sessions())
        assert report.best.session_id == later
        assert report.first_and_last_week_change is None  # one week only
    assert best_session([p for p in report.sessions if p.duration_s < MIN_BEST_DURATION_S]) is None
    assert progress([]).best is None and progress([]).weeks == ()
