"""Hysteresis of sustained events, on synthetic score sequences (unit isolation)."""

from poise.vision.events import EventTracker
from poise.vision.types import EventKind, FrameScores


def run(values, fps=10.0, field="eye_contact"):
    tr = EventTracker()
    changes = []
    for i, v in enumerate(values):
        kw = {"eye_contact": 1.0, "posture": 1.0, "fidgeting": 0.0}
        kw[field] = v
        changes += tr.update(FrameScores(i, i / fps, **kw))
    closing = tr.finish(len(values) / fps)
    return tr.events, changes, closing


def test_short_glance_is_not_an_event():
    events, _, _ = run([1.0] * 20 + [0.1] * 20 + [1.0] * 20)  # 2 s away < 3 s
    assert events == []


def test_look_away_has_start_and_end_times():
    events, changes, _ = run([1.0] * 20 + [0.1] * 50 + [1.0] * 30)
    assert [e.kind for e in events] == [EventKind.LOOK_AWAY]
    assert abs(events[0].start_s - 2.0) < 0.15 and abs(events[0].end_s - 7.0) < 0.15
    assert changes[0].end_s is None and changes[1].end_s is not None  # started, then ended


def test_flicker_around_threshold_does_not_split_an_event():
    wobble = [0.1, 0.5] * 40  # 0.5 is between exit (0.6) and enter (0.4): stays away
    events, _, _ = run([1.0] * 10 + [0.1] * 40 + wobble + [1.0] * 30)
    assert len(events) == 1


def test_event_running_at_the_end_is_closed():
    events, _, closing = run([0.0] * 80, field="fidgeting")
    assert events == [] or all(e.kind != EventKind.FIDGETING for e in events[:-1])
    events, _, closing = run([0.9] * 80, field="fidgeting")
    assert len(closing) == 1 and closing[0].kind == EventKind.FIDGETING and closing[0].end_s is not None


def test_not_measurable_gap_ends_an_event():
    events, _, _ = run([0.1] * 50 + [None] * 40 + [0.1] * 5)
    assert len(events) >= 1 and events[0].end_s <= 5.0
