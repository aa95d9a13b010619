"""Mock-interview flow (thinking time, answer timer, one segment per answer) and per-question scores.

Qt-free: the GUI calls :meth:`InterviewFlow.tick` from a timer and the buttons call
:meth:`start_answer`, :meth:`next` and :meth:`finish`. Time comes from an injected clock that
returns *session* seconds (the same axis as the frames' ``t``), so segments line up with the
scores and tests can drive the flow without waiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from poise.vision.practice.questions import Question
from poise.vision.speech.pace import SpeechFigures, speech_figures
from poise.vision.speech.transcript import Word
from poise.vision.summary import summarize
from poise.vision.types import Event, FrameScores, Summary

logger = logging.getLogger(__name__)

# Common advice for interview practice: up to ~30 s to collect your thoughts, and answers of
# about two minutes (long enough for a STAR story, short enough to hold attention).
DEFAULT_THINKING_S = 30.0
DEFAULT_ANSWER_S = 120.0


class Phase:
    READY = "ready"          # not started
    THINKING = "thinking"    # question shown, not answering yet (no segment)
    ANSWERING = "answering"  # a segment is open
    FINISHED = "finished"


class SegmentSink(Protocol):
    """Where answer segments go (the store, or a list in tests)."""

    def begin(self, index: int, question: Question, start_s: float) -> Any: ...

    def end(self, handle: Any, end_s: float) -> None: ...


class StoreSegments:
    """A SegmentSink writing to ``SessionStore`` segments of one session."""

    def __init__(self, store, session_id: int) -> None:
        self.store = store
        self.session_id = session_id

    def begin(self, index: int, question: Question, start_s: float) -> int:
        return self.store.add_segment(self.session_id, index, question.text, question.category, start_s)

    def end(self, handle: int, end_s: float) -> None:
        self.store.end_segment(handle, end_s)


@dataclass(frozen=True, slots=True)
class Answer:
    """One answered question, in session seconds."""

    index: int
    question: Question
    start_s: float
    end_s: float | None


@dataclass(frozen=True, slots=True)
class InterviewState:
    """What the interview screen shows right now."""

    phase: str
    index: int                   # 0-based position of the current question
    total: int
    question: Question | None
    phase_elapsed_s: float       # time in the current phase
    phase_limit_s: float | None  # thinking time or the answer's soft limit (None: no limit)
    answered: int                # answers recorded so far (including the open one)

    @property
    def remaining_s(self) -> float | None:
        return None if self.phase_limit_s is None else self.phase_limit_s - self.phase_elapsed_s

    @property
    def overtime(self) -> bool:
        """Answering past the soft limit (the screen says so; nothing is cut off)."""
        return self.phase == Phase.ANSWERING and self.remaining_s is not None and self.remaining_s < 0

    @property
    def is_last(self) -> bool:
        return self.index >= self.total - 1


class InterviewFlow:
    """The state machine: ready → (thinking →) answering → next question … → finished.

    Thinking time is optional (0 disables it); when it runs out, answering starts by itself.
    The answer limit is soft: the user moves on when ready. "Next" while thinking skips the
    question without recording a segment.
    """

    def __init__(self, questions: Sequence[Question], clock: Callable[[], float], *,
                 thinking_s: float = DEFAULT_THINKING_S, answer_s: float | None = DEFAULT_ANSWER_S,
                 sink: SegmentSink | None = None) -> None:
        if not questions:
            raise ValueError("a mock interview needs at least one question")
        self.questions = tuple(questions)
        self.clock = clock
        self.thinking_s = max(0.0, float(thinking_s))
        self.answer_s = None if not answer_s else float(answer_s)
        self.sink = sink
        self.phase = Phase.READY
        self.index = 0
        self.answers: list[Answer] = []
        self._phase_start = 0.0
        self._handle: Any = None

    # ----- transitions ------------------------------------------------------------------------
    def start(self) -> InterviewState:
        if self.phase != Phase.READY:
            return self.state()
        self._show(0)
        return self.state()

    def start_answer(self) -> InterviewState:
        """Stop thinking and start answering now."""
        if self.phase == Phase.THINKING:
            self._begin_answer(self.clock())
        return self.state()

    def tick(self) -> InterviewState:
        """Advance on time (thinking time over → answering); call it from a timer."""
        if self.phase == Phase.THINKING:
            now = self.clock()
            if now - self._phase_start >= self.thinking_s:
                self._begin_answer(self._phase_start + self.thinking_s)
        return self.state()

    def next(self) -> InterviewState:
        """Close the current answer and show the next question (or finish after the last)."""
        if self.phase not in (Phase.THINKING, Phase.ANSWERING):
            return self.state()
        self.tick()
        self._close_answer(self.clock())
        if self.index + 1 < len(self.questions):
            self._show(self.index + 1)
        else:
            self.phase = Phase.FINISHED
        return self.state()

    def finish(self) -> InterviewState:
        """End the interview now (the open answer, if any, ends here)."""
        if self.phase in (Phase.THINKING, Phase.ANSWERING):
            self.tick()
            self._close_answer(self.clock())
        self.phase = Phase.FINISHED
        return self.state()

    # ----- state --------------------------------------------------------------------------------
    def state(self) -> InterviewState:
        q = self.questions[self.index] if self.phase in (Phase.THINKING, Phase.ANSWERING) else None
        elapsed = self.clock() - self._phase_start if q is not None else 0.0
        limit = self.thinking_s if self.phase == Phase.THINKING else self.answer_s if self.phase == Phase.ANSWERING else None
        return InterviewState(self.phase, self.index, len(self.questions), q, max(0.0, elapsed), limit,
                              len(self.answers))

    # ----- internals ----------------------------------------------------------------------------
    def _show(self, index: int) -> None:
        self.index = index
        now = self.clock()
        if self.thinking_s > 0:
            self.phase = Phase.THINKING
            self._phase_start = now
        else:
            self._begin_answer(now)

    def _begin_answer(self, at: float) -> None:
        self.phase = Phase.ANSWERING
        self._phase_start = at
        q = self.questions[self.index]
        self.answers.append(Answer(self.index, q, at, None))
        if self.sink is not None:
            self._handle = self.sink.begin(self.index, q, at)

    def _close_answer(self, at: float) -> None:
        if self.phase != Phase.ANSWERING or not self.answers or self.answers[-1].end_s is not None:
            return
        last = self.answers[-1]
        end = max(at, last.start_s)
        self.answers[-1] = Answer(last.index, last.question, last.start_s, end)
        if self.sink is not None and self._handle is not None:
            self.sink.end(self._handle, end)
        self._handle = None


# ----- per-question scores --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SegmentSummary:
    """The summary of the frames inside one answer (``segment`` is the store's Segment or an Answer)."""

    segment: Any
    summary: Summary


def segment_bounds(segment: Any, frames: Sequence[FrameScores]) -> tuple[float, float]:
    """(start, end) seconds of a segment; an open segment ends after the last frame."""
    start = float(segment.start_s)
    end = segment.end_s
    if end is None:
        end = frames[-1].t if frames else start
        step = (frames[-1].t - frames[0].t) / (len(frames) - 1) if len(frames) > 1 else 0.0
        end += step
    return start, max(start, float(end))


def slice_frames(frames: Sequence[FrameScores], start: float, end: float) -> list[FrameScores]:
    """Frames with start <= t < end (frames are in time order)."""
    return [f for f in frames if start <= f.t < end]


def clip_events(events: Sequence[Event], start: float, end: float) -> list[Event]:
    """Events overlapping [start, end), cut to it (an open event runs to the end)."""
    out = []
    for e in events:
        e_end = end if e.end_s is None else e.end_s
        if e.start_s < end and e_end > start:
            out.append(Event(e.kind, max(e.start_s, start), min(e_end, end)))
    return out


def per_segment_summary(frames: Sequence[FrameScores], events: Sequence[Event],
                        segments: Sequence[Any]) -> list[SegmentSummary]:
    """One Summary per answer, from the frames and events inside it (scoring is the core's)."""
    out = []
    for seg in segments:
        start, end = segment_bounds(seg, frames)
        inside = slice_frames(frames, start, end)
        out.append(SegmentSummary(seg, summarize(inside, clip_events(events, start, end), end - start)))
    return out


@dataclass(frozen=True, slots=True)
class SegmentSpeech:
    """What was said in one answer: its pace, fillers and longest pause (``segment`` as above)."""

    segment: Any
    figures: SpeechFigures


def per_segment_speech(words: Sequence[Word], segments: Sequence[Any],
                       frames: Sequence[FrameScores] = ()) -> list[SegmentSpeech]:
    """One SpeechFigures per answer, from the words that start inside it (the same bounds as the
    per-question scores: segment_bounds; ``frames`` end an answer left open)."""
    return [SegmentSpeech(seg, speech_figures(words, *speech_bounds(seg, frames))) for seg in segments]


def speech_bounds(segment: Any, frames: Sequence[FrameScores] = ()) -> tuple[float, float | None]:
    """(start, end) of an answer's words: segment_bounds, and an open answer of a session without
    frames runs to the end (None); per_segment_speech and the transcript per answer use it."""
    start, end = segment_bounds(segment, frames)
    return start, (None if segment.end_s is None and not frames else end)
