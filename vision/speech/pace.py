"""Pace and filler words from a transcript's words: one function for every surface.

The longest pause is not a figure of the words: it is the voice-activity one
(Summary.longest_pause_s, per answer over the answer's frames), so every surface shows one pause
and a session without a transcript has it too; Whisper's word ends also run into the silence
after a word (median start error 0.11 s, ends worse: README "Transcripts")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from poise.vision.speech.transcript import Word

# Speaking time is the time from the first word's start to the last word's end, less every gap
# between two words longer than this: a silence that long is thinking or listening (a question
# being asked), not slow speech. Campione & Véronis (2002, "A large-scale multilingual study of
# silent pause duration", Speech Prosody) find silent pauses in three groups, brief (< 0.2 s),
# medium (0.2-1 s) and long (> 1 s); twice the start of "long" keeps a hesitating speaker's
# long pauses in the pace.
MAX_SPEAKING_GAP_S = 2.0
# Fewer words than this say too little about a pace (one word more or less moves 10 words by
# 10 %): words_per_minute and fillers_per_minute are None below it.
MIN_WORDS_FOR_RATE = 10

# The kind cue range for pace. Most Americans speak 120-150 words a minute in conversation
# (National Center for Voice and Speech, as quoted by public-speaking guides); those guides put a
# comfortable speaking pace at about 120-160 wpm (140-170 for conversational delivery), call
# under ~110 slow and over ~160-170 fast. Poise's range is the union, 110-170: only a pace well
# outside what listeners are used to gets a word, and the word is mild.
PACE_SLOW_BELOW_WPM = 110.0
PACE_FAST_ABOVE_WPM = 170.0
PACE_CUE_RANGE = (PACE_SLOW_BELOW_WPM, PACE_FAST_ABOVE_WPM)


@dataclass(frozen=True, slots=True)
class SpeechFigures:
    """What the words of a session or one answer say about how it was said."""

    words: int
    words_per_minute: float | None   # None when fewer than MIN_WORDS_FOR_RATE words
    fillers: int
    fillers_per_minute: float | None
    speaking_s: float = 0.0          # the speaking time the rates are over (MAX_SPEAKING_GAP_S)

    def to_dict(self) -> dict:
        r = lambda v, n: None if v is None else round(v, n)
        return {"words": self.words, "words_per_minute": r(self.words_per_minute, 1), "fillers": self.fillers,
                "fillers_per_minute": r(self.fillers_per_minute, 2),
                "speaking_s": round(self.speaking_s, 3)}


def words_in(words: Sequence[Word], start_s: float | None, end_s: float | None) -> list[Word]:
    """The words that start in [start_s, end_s) (None: open on that side), in time order: one
    answer's words, with the same rule as the frames of an answer (practice.interview.slice_frames)."""
    lo = float("-inf") if start_s is None else start_s
    hi = float("inf") if end_s is None else end_s
    return sorted((w for w in words if lo <= w.start_s < hi), key=lambda w: (w.start_s, w.end_s))


def speech_figures(words: Sequence[Word], start_s: float | None = None,
                   end_s: float | None = None) -> SpeechFigures:
    """Word count, pace and fillers of the words in [start_s, end_s).

    Every word counts toward the pace, fillers included (each takes speaking time); rates are per
    minute of speaking time (see MAX_SPEAKING_GAP_S)."""
    inside = words_in(words, start_s, end_s)
    fillers = sum(w.filler for w in inside)
    if not inside:
        return SpeechFigures(0, None, 0, None)
    gaps = [max(0.0, b.start_s - a.end_s) for a, b in zip(inside, inside[1:])]
    span = max(w.end_s for w in inside) - inside[0].start_s
    speaking = max(0.0, span - sum(g for g in gaps if g > MAX_SPEAKING_GAP_S))
    rated = len(inside) >= MIN_WORDS_FOR_RATE and speaking > 0
    return SpeechFigures(
        words=len(inside),
        words_per_minute=60.0 * len(inside) / speaking if rated else None,
        fillers=fillers,
        fillers_per_minute=60.0 * fillers / speaking if rated else None,
        speaking_s=speaking,
    )


def pace_cue(figures: SpeechFigures) -> str | None:
    """A short, kind word on the pace ("an unhurried pace", "a comfortable pace", "a little fast"); None when the
    pace is not known. The range is PACE_CUE_RANGE (where its numbers come from: above)."""
    wpm = figures.words_per_minute
    if wpm is None:
        return None
    if wpm < PACE_SLOW_BELOW_WPM:
        return "an unhurried pace"
    if wpm <= PACE_FAST_ABOVE_WPM:
        return "a comfortable pace"
    return "a little fast"
