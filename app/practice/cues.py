"""Kind, sparse cues from the core's sustained events: one at a time, never flickering, mutable.

What counts as an event (and when it starts and ends) is the core's decision (vision.events,
with hysteresis). This module only chooses the wording and the timing of what is shown.
Qt-free so the timing rules are tested without a window; time is injected.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from poise.vision.types import Event, EventKind

logger = logging.getLogger(__name__)

# A cue stays up at least this long, even if its event ends sooner: text that blinks away
# before it can be read is worse than none (reading a short sentence takes ~1.5-2 s).
MIN_SHOW_S = 3.0
# After a cue goes, nothing new appears for this long, so cues never chain into a stream.
GAP_S = 2.0
# The same cue is not repeated within this time of its last showing: a reminder every few
# seconds would nag; once per half minute is a nudge.
REPEAT_AFTER_S = 30.0

# Wording: short, positive, what to do (not what went wrong).
CUE_TEXT = {
    EventKind.LOOK_AWAY: "Look at the camera lens",
    EventKind.SLOUCH: "Sit tall: shoulders back and relaxed",
    EventKind.FIDGETING: "Let your hands rest for a moment",
}
# When several events run at once, the one that matters most for an interviewer first.
PRIORITY = (EventKind.LOOK_AWAY, EventKind.SLOUCH, EventKind.FIDGETING)


@dataclass(frozen=True, slots=True)
class Cue:
    kind: str
    text: str
    since: float   # the caller's clock


class CueEngine:
    """Feed it the events of every FrameUpdate and tick it; ``current`` is the cue to show."""

    def __init__(self, *, muted: bool = False) -> None:
        self.muted = muted
        self._active: dict[str, float] = {}      # running event kind -> when we heard it started
        self._last_shown: dict[str, float] = {}  # kind -> when its cue was last taken down
        self._current: Cue | None = None
        self._hidden_at: float | None = None

    @property
    def current(self) -> Cue | None:
        return None if self.muted else self._current

    def set_muted(self, muted: bool, now: float) -> None:
        self.muted = muted
        if muted and self._current is not None:
            self._take_down(now)

    def reset(self) -> None:
        """Forget running events (the source changed or stopped)."""
        self._active.clear()
        self._current = None

    def on_events(self, events: tuple[Event, ...] | list[Event], now: float) -> None:
        for ev in events:
            if ev.kind not in CUE_TEXT:
                continue
            if ev.end_s is None:
                self._active.setdefault(ev.kind, now)
            else:
                self._active.pop(ev.kind, None)
        self.tick(now)

    def tick(self, now: float) -> Cue | None:
        """Advance the timing; returns the cue to show now (None: show nothing)."""
        cur = self._current
        if cur is not None and cur.kind not in self._active and now - cur.since >= MIN_SHOW_S:
            self._take_down(now)
        if self._current is None and not self.muted:
            self._maybe_show(now)
        return self.current

    def _maybe_show(self, now: float) -> None:
        if self._hidden_at is not None and now - self._hidden_at < GAP_S:
            return
        for kind in PRIORITY:
            if kind not in self._active:
                continue
            last = self._last_shown.get(kind)
            if last is not None and now - last < REPEAT_AFTER_S:
                continue
            self._current = Cue(kind, CUE_TEXT[kind], now)
            logger.debug("cue shown: %s", kind)
            return

    def _take_down(self, now: float) -> None:
        if self._current is not None:
            self._last_shown[self._current.kind] = now
        self._current = None
        self._hidden_at = now
