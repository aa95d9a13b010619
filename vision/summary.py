"""Session-level figures from per-frame scores and events, computed as the frames arrive."""

from __future__ import annotations

import math
import sys
from typing import Iterable, Sequence

from poise.vision.types import Event, EventKind, FrameScores, Reason, Summary

# The line between "yes" and "no" for share-of-time figures: the midpoint of the score range.
GOOD_EYE_CONTACT = 0.5
FIDGETING_LINE = 0.5
# A session where at least this share of frames had two people and no choice gets a note
# that says so (a gallery-view call recording), instead of only a low measurable share.
PEOPLE_NOTE_SHARE = 0.2
# How to choose the person, where the note is shown.
CHOOSE_ON_COMMAND_LINE = "choose one with --person (left, right, top, bottom or X,Y)"
CHOOSE_IN_WINDOW = "choose one by clicking their face in File › Analyse video"
# The running means add up scores exactly as the built-in sum() over a list of them would,
# so a streamed summary equals the batch one to the last bit: Python 3.12 made sum() of
# floats compensated (Neumaier's algorithm, CPython bltinmodule.c); 3.11 adds left to right.
_SUM_IS_COMPENSATED = sys.version_info >= (3, 12)


class _RunningSum:
    """sum() of the values added so far, computed one value at a time (see above)."""

    __slots__ = ("count", "hits", "_total", "_compensation")

    def __init__(self) -> None:
        self.count = 0
        self.hits = 0          # values on the "yes" side of a share's line
        self._total = 0.0
        self._compensation = 0.0

    def add(self, value: float, hit: bool) -> None:
        self.count += 1
        self.hits += hit
        if not _SUM_IS_COMPENSATED:
            self._total += value
            return
        total = self._total + value
        if abs(self._total) >= abs(value):
            self._compensation += (self._total - total) + value
        else:
            self._compensation += (value - total) + self._total
        self._total = total

    def mean(self) -> float | None:
        if not self.count:
            return None
        total = self._total
        if self._compensation and math.isfinite(self._compensation):
            total += self._compensation
        return total / self.count

    def share(self) -> float | None:
        return self.hits / self.count if self.count else None


class _Count:
    """A share computed as frames arrive: hits over the frames counted."""

    __slots__ = ("count", "hits")

    def __init__(self) -> None:
        self.count = 0
        self.hits = 0

    def add(self, hit: bool) -> None:
        self.count += 1
        self.hits += hit

    def share(self) -> float | None:
        return self.hits / self.count if self.count else None


class _LongestPause:
    """The longest silence between two speaking frames (see :func:`longest_pause`)."""

    __slots__ = ("longest", "last_speaking_t", "silent_from")

    def __init__(self) -> None:
        self.longest: float | None = None
        self.last_speaking_t: float | None = None
        self.silent_from: float | None = None

    def add(self, t: float, speaking: bool | None) -> None:
        if speaking is None:
            return
        self.longest = self.longest or 0.0
        if speaking:
            if self.silent_from is not None and self.last_speaking_t is not None:
                self.longest = max(self.longest, t - self.silent_from)
            self.last_speaking_t, self.silent_from = t, None
        elif self.silent_from is None:
            self.silent_from = t


class SummaryAccumulator:
    """Feed it every analysed frame's scores (``add``); ``summary(events, duration)`` gives
    the session's Summary at any moment. Memory stays constant however long the session."""

    __slots__ = ("frames", "all_three", "multiple_people", "_eye", "_posture", "_fidget", "_speaking", "_pause",
                 "_eye_speaking", "_eye_silent")

    def __init__(self) -> None:
        self.frames = 0
        self.all_three = 0
        self.multiple_people = 0        # frames with two people in view and none chosen
        self._eye = _RunningSum()
        self._posture = _RunningSum()
        self._fidget = _RunningSum()
        self._speaking = _Count()
        self._pause = _LongestPause()
        self._eye_speaking = _Count()   # frames with measurable eye contact while speaking
        self._eye_silent = _Count()     # ... and while silent

    def add(self, f: FrameScores) -> None:
        self.frames += 1
        eye, posture, fidget, speaking = f.eye_contact, f.posture, f.fidgeting, f.speaking
        if eye is not None:
            self._eye.add(eye, eye >= GOOD_EYE_CONTACT)
        if posture is not None:
            self._posture.add(posture, False)
        if fidget is not None:
            self._fidget.add(fidget, fidget >= FIDGETING_LINE)
        if eye is not None and posture is not None and fidget is not None:
            self.all_three += 1
        if f.eye_contact_reason == Reason.MULTIPLE_PEOPLE:
            self.multiple_people += 1
        if speaking is not None:
            self._speaking.add(bool(speaking))
            self._pause.add(f.t, speaking)
            if eye is not None and speaking is True:
                self._eye_speaking.add(eye >= GOOD_EYE_CONTACT)
            elif eye is not None and speaking is False:
                self._eye_silent.add(eye >= GOOD_EYE_CONTACT)

    def summary(self, events: Sequence[Event], duration_s: float) -> Summary:
        look_aways = [e.duration_s or 0.0 for e in events if e.kind == EventKind.LOOK_AWAY]
        return Summary(
            duration_s=float(duration_s),
            frames_analysed=self.frames,
            measurable_share=self.all_three / self.frames if self.frames else 0.0,
            eye_contact_share=self._eye.share(),
            mean_eye_contact=self._eye.mean(),
            mean_posture=self._posture.mean(),
            fidgeting_share=self._fidget.share(),
            mean_fidgeting=self._fidget.mean(),
            longest_look_away_s=max(look_aways, default=0.0),
            event_counts={k: sum(1 for e in events if e.kind == k) for k in EventKind.ALL},
            speaking_share=self._speaking.share(),
            longest_pause_s=self._pause.longest,
            eye_contact_speaking_share=self._eye_speaking.share(),
            eye_contact_silent_share=self._eye_silent.share(),
            multiple_people_share=self.multiple_people / self.frames if self.frames else 0.0,
        )


def summarize(frames: Iterable[FrameScores], events: Sequence[Event], duration_s: float) -> Summary:
    """The Summary of a whole list (or stream) of frames: :class:`SummaryAccumulator` over them."""
    acc = SummaryAccumulator()
    for f in frames:
        acc.add(f)
    return acc.summary(events, duration_s)


def longest_pause(frames: Iterable[FrameScores]) -> float | None:
    """The longest silence between two speaking frames, in seconds (from the first silent
    frame to the next speaking one); 0.0 without such a pause, None without audio. Over the
    frames of one answer this is the longest silence inside that answer."""
    pause = _LongestPause()
    for f in frames:
        pause.add(f.t, f.speaking)
    return pause.longest


def not_measured_note(summary: Summary, how_to_choose: str = CHOOSE_ON_COMMAND_LINE) -> str | None:
    """One sentence when much of a session could not be scored, saying why: two people of
    similar size with none chosen, or no face at all. None when there is nothing to say."""
    if not summary.frames_analysed:
        return None
    if summary.multiple_people_share >= PEOPLE_NOTE_SHARE:
        return (f"Two people of similar size were in view on {summary.multiple_people_share * 100:.0f}% of the frames "
                f"and none was scored there; {how_to_choose}.")
    if summary.measurable_share == 0 and summary.mean_eye_contact is None:  # eye contact needs only a face
        return "Nobody could be measured (no face found)."
    return None
