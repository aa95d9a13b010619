"""Mock-interview flow with an injected clock: segments get the right session times; per-question scores."""

from __future__ import annotations

import pytest

from poise.vision.practice.interview import InterviewFlow, Phase, StoreSegments, clip_events, per_segment_summary
from poise.vision.practice.questions import Question
from poise.vision.sessions.store import SessionStore
from poise.vision.types import Event, FrameScores

QUESTIONS = [Question("Tell me about yourself.", "About you"), Question("Why us?", "About you"),
             Question("Any questions for us?", "Closing")]


class Clock:
    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_thinking_runs_out_into_answering_and_next_closes_the_segment():
    clock = Clock(5.0)  # the session started 5 s before the interview
    flow = InterviewFlow(QUESTIONS, clock, thinking_s=10, answer_s=60)
    assert flow.start().phase == Phase.THINKING
    clock.t = 9.0
    s = flow.tick()
    assert s.phase == Phase.THINKING and s.remaining_s == pytest.approx(6.0)
    clock.t = 15.7  # the timer fires late: answering still starts when thinking time ran out
    s = flow.tick()
    assert s.phase == Phase.ANSWERING and s.phase_elapsed_s == pytest.approx(0.7)
    clock.t = 80.0
    assert flow.tick().overtime
    clock.t = 90.0
    s = flow.next()
    assert s.phase == Phase.THINKING and s.index == 1 and s.question.text == "Why us?"
    clock.t = 93.0
    flow.start_answer()  # the user is ready early
    clock.t = 120.0
    flow.next()
    clock.t = 121.0
    flow.next()  # skipped while thinking: no segment
    assert flow.state().phase == Phase.FINISHED
    assert [(a.index, a.start_s, a.end_s) for a in flow.answers] == [(0, 15.0, 90.0), (1, 93.0, 120.0)]


def test_without_thinking_time_answering_starts_at_once_and_finish_closes_it():
    clock = Clock(0.0)
    flow = InterviewFlow(QUESTIONS, clock, thinking_s=0, answer_s=None)
    s = flow.start()
    assert s.phase == Phase.ANSWERING and s.phase_limit_s is None and not s.overtime
    clock.t = 30.0
    flow.next()
    clock.t = 42.5
    assert flow.finish().phase == Phase.FINISHED
    assert [(a.start_s, a.end_s) for a in flow.answers] == [(0.0, 30.0), (30.0, 42.5)]
    # After the end nothing changes.
    clock.t = 99.0
    flow.next()
    flow.finish()
    assert len(flow.answers) == 2


def test_segments_are_recorded_in_the_store(poise_home):
    clock = Clock(2.0)
    with SessionStore() as store:
        sid = store.create_session("mock_interview", "camera:0", settings={}, models={})
        flow = InterviewFlow(QUESTIONS, clock, thinking_s=3, sink=StoreSegments(store, sid))
        flow.start()
        clock.t = 6.0
        flow.tick()
        # While answering, the segment is stored open (a crash keeps the question).
        open_seg = store.list_segments(sid)
        assert [(s.index, s.question, s.start_s, s.end_s) for s in open_seg] == [(0, QUESTIONS[0].text, 5.0, None)]
        clock.t = 20.0
        flow.next()
        clock.t = 21.0
        flow.start_answer()
        clock.t = 33.25
        flow.finish()
        segs = store.list_segments(sid)
    assert [(s.index, s.category, s.start_s, s.end_s) for s in segs] == [
        (0, "About you", 5.0, 20.0), (1, "About you", 21.0, 33.25)]


def _frames(n: int, fps: float, eye) -> list[FrameScores]:
    return [FrameScores(i, i / fps, eye(i / fps), 0.8, 0.1) for i in range(n)]


def test_per_segment_summary_slices_frames_and_clips_events():
    frames = _frames(300, 10.0, lambda t: 1.0 if t < 10 else 0.0)  # 30 s; eye contact only first 10 s
    events = [Event("look_away", 10.0, 30.0), Event("fidgeting", 2.0, 3.0)]
    segs = [type("S", (), {"start_s": 0.0, "end_s": 10.0})(), type("S", (), {"start_s": 15.0, "end_s": None})()]
    out = per_segment_summary(frames, events, segs)
    first, second = out[0].summary, out[1].summary
    assert first.frames_analysed == 100 and first.eye_contact_share == 1.0 and first.duration_s == 10.0
    assert first.event_counts == {"look_away": 0, "slouch": 0, "fidgeting": 1}
    assert second.frames_analysed == 150 and second.eye_contact_share == 0.0
    assert second.duration_s == pytest.approx(15.0)
    assert second.longest_look_away_s == pytest.approx(15.0)  # clipped to the answer
    assert clip_events([Event("slouch", 5.0, None)], 0.0, 8.0) == [Event("slouch", 5.0, 8.0)]
