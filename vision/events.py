"""Sustained events (look-away, slouch, fidgeting bout) from per-frame scores, with hysteresis."""

from __future__ import annotations

from dataclasses import dataclass

from poise.vision.types import Event, EventKind, FrameScores


@dataclass(frozen=True, slots=True)
class EventRule:
    """An event starts after ``enter_s`` of scores on the bad side of ``enter``; it ends
    after ``exit_s`` on the good side of ``exit``. The gap between the two thresholds and
    the two durations is what keeps events (and the cues built on them) from flickering."""

    kind: str
    enter: float
    exit: float
    enter_s: float
    exit_s: float
    low_is_bad: bool


# Durations: "a few seconds" away before a look-away counts (a glance to think is normal in
# an interview); slouching must last longer than shifting in the chair; a fidgeting bout
# must outlast a single gesture (~1 s).
RULES = (
    EventRule(EventKind.LOOK_AWAY, enter=0.4, exit=0.6, enter_s=3.0, exit_s=1.0, low_is_bad=True),
    EventRule(EventKind.SLOUCH, enter=0.5, exit=0.65, enter_s=5.0, exit_s=2.0, low_is_bad=True),
    EventRule(EventKind.FIDGETING, enter=0.5, exit=0.3, enter_s=2.0, exit_s=1.5, low_is_bad=False),
)
# A not-measurable stretch longer than this ends a running event (at its start).
MAX_GAP_S = 2.0


class _RuleState:
    __slots__ = ("rule", "active_since", "bad_since", "good_since", "last_seen")

    def __init__(self, rule: EventRule) -> None:
        self.rule = rule
        self.active_since: float | None = None
        self.bad_since: float | None = None
        self.good_since: float | None = None
        self.last_seen: float | None = None


class EventTracker:
    """Feed it FrameScores in time order; it reports events as they start and end."""

    def __init__(self, rules: tuple[EventRule, ...] = RULES) -> None:
        self._states = [_RuleState(r) for r in rules]
        self.events: list[Event] = []  # finished events, in order of start

    def update(self, scores: FrameScores) -> tuple[Event, ...]:
        changes: list[Event] = []
        t = scores.t
        for st in self._states:
            value = getattr(scores, _field(st.rule.kind))
            if value is None:
                if st.active_since is not None and st.last_seen is not None and t - st.last_seen > MAX_GAP_S:
                    changes.append(self._end(st, st.last_seen))
                if st.last_seen is not None and t - st.last_seen > MAX_GAP_S:
                    st.bad_since = st.good_since = None
                continue
            st.last_seen = t
            r = st.rule
            bad = value < r.enter if r.low_is_bad else value > r.enter
            good = value > r.exit if r.low_is_bad else value < r.exit
            st.bad_since = (st.bad_since if st.bad_since is not None else t) if bad else None
            st.good_since = (st.good_since if st.good_since is not None else t) if good else None
            if st.active_since is None:
                if st.bad_since is not None and t - st.bad_since >= r.enter_s:
                    st.active_since = st.bad_since
                    changes.append(Event(r.kind, st.bad_since))
            elif st.good_since is not None and t - st.good_since >= r.exit_s:
                changes.append(self._end(st, st.good_since))
        return tuple(changes)

    def finish(self, t_end: float) -> list[Event]:
        """Close events still running at the end of the source."""
        return [self._end(st, st.last_seen if st.last_seen is not None else t_end)
                for st in self._states if st.active_since is not None]

    @property
    def active(self) -> list[Event]:
        return [Event(st.rule.kind, st.active_since) for st in self._states if st.active_since is not None]

    def _end(self, st: _RuleState, end: float) -> Event:
        ev = Event(st.rule.kind, st.active_since, max(end, st.active_since))
        st.active_since = None
        st.bad_since = st.good_since = None
        self.events.append(ev)
        self.events.sort(key=lambda e: e.start_s)
        return ev


def _field(kind: str) -> str:
    return {EventKind.LOOK_AWAY: "eye_contact", EventKind.SLOUCH: "posture", EventKind.FIDGETING: "fidgeting"}[kind]
