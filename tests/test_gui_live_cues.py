"""Cue timing: one kind cue at a time, only for the core's sustained events, no flicker, mutable."""

from __future__ import annotations

from poise.app.practice.cues import CUE_TEXT, GAP_S, MIN_SHOW_S, REPEAT_AFTER_S, CueEngine
from poise.vision.types import Event, EventKind

LOOK, SLOUCH, FIDGET = EventKind.LOOK_AWAY, EventKind.SLOUCH, EventKind.FIDGETING


def started(kind, t=0.0):
    return (Event(kind, t),)


def ended(kind, t0=0.0, t1=1.0):
    return (Event(kind, t0, t1),)


def test_a_cue_shows_when_an_event_starts_and_goes_when_it_ends():
    e = CueEngine()
    assert e.tick(0.0) is None
    e.on_events(started(LOOK), 10.0)
    cue = e.current
    assert cue is not None and cue.kind == LOOK and cue.text == CUE_TEXT[LOOK]
    e.on_events(ended(LOOK), 20.0)
    assert e.tick(20.0) is None


def test_a_short_event_keeps_its_cue_up_long_enough_to_read():
    e = CueEngine()
    e.on_events(started(LOOK), 10.0)
    e.on_events(ended(LOOK), 10.5)
    assert e.tick(10.5) is not None
    assert e.tick(10.0 + MIN_SHOW_S - 0.1) is not None
    assert e.tick(10.0 + MIN_SHOW_S) is None


def test_one_cue_at_a_time_with_a_gap_and_priority():
    e = CueEngine()
    e.on_events(started(FIDGET) + started(LOOK), 0.0)
    assert e.current.kind == LOOK, "eye contact first"
    e.on_events(ended(LOOK), 5.0)
    assert e.tick(5.0) is None
    assert e.tick(5.0 + GAP_S - 0.1) is None, "a pause between cues"
    assert e.tick(5.0 + GAP_S).kind == FIDGET


def test_the_same_cue_is_not_repeated_soon():
    e = CueEngine()
    e.on_events(started(SLOUCH), 0.0)
    e.on_events(ended(SLOUCH), 4.0)
    assert e.tick(4.0) is None
    e.on_events(started(SLOUCH), 10.0)
    assert e.tick(10.0) is None
    assert e.tick(4.0 + REPEAT_AFTER_S).kind == SLOUCH, "still slouching half a minute later: one reminder"


def test_muting_hides_the_cue_and_shows_none():
    e = CueEngine()
    e.on_events(started(LOOK), 0.0)
    e.set_muted(True, 1.0)
    assert e.current is None and e.tick(2.0) is None
    e.on_events(started(FIDGET), 3.0)
    assert e.tick(40.0) is None
    e.set_muted(False, 41.0)
    assert e.tick(41.0) is not None


def test_does_not_flicker_on_a_stream_of_frames():
    """Feeding every frame (most with no events) never toggles a cue faster than MIN_SHOW_S."""
    e = CueEngine()
    shown = []
    t = 0.0
    for i in range(600):   # 20 s at 30 Hz, events toggling every 0.5 s
        events = ()
        if i % 15 == 0:
            events = started(LOOK, t) if (i // 15) % 2 == 0 else ended(LOOK, t - 0.5, t)
        e.on_events(events, t)
        shown.append(e.current is not None)
        t += 1 / 30
    changes = [i for i in range(1, len(shown)) if shown[i] != shown[i - 1]]
    gaps = [b - a for a, b in zip(changes, changes[1:])]
    assert all(g / 30 >= min(MIN_SHOW_S, GAP_S) - 1e-6 for g in gaps), gaps
