"""Session-level figures from per-frame scores and events."""

from __future__ import annotations

from typing import Sequence

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


def summarize(frames: Sequence[FrameScores], events: Sequence[Event], duration_s: float) -> Summary:
    eye = [f.eye_contact for f in frames if f.eye_contact is not None]
    posture = [f.posture for f in frames if f.posture is not None]
    fidget = [f.fidgeting for f in frames if f.fidgeting is not None]
    all_three = sum(1 for f in frames if None not in (f.eye_contact, f.posture, f.fidgeting))
    look_aways = [e.duration_s or 0.0 for e in events if e.kind == EventKind.LOOK_AWAY]
    return Summary(
        duration_s=float(duration_s),
        frames_analysed=len(frames),
        measurable_share=all_three / len(frames) if frames else 0.0,
        eye_contact_share=_share(eye, lambda v: v >= GOOD_EYE_CONTACT),
        mean_eye_contact=_mean(eye),
        mean_posture=_mean(posture),
        fidgeting_share=_share(fidget, lambda v: v >= FIDGETING_LINE),
        mean_fidgeting=_mean(fidget),
        longest_look_away_s=max(look_aways, default=0.0),
        event_counts={k: sum(1 for e in events if e.kind == k) for k in EventKind.ALL},
        speaking_share=_share([f.speaking for f in frames if f.speaking is not None], bool),
        longest_pause_s=longest_pause(frames),
        eye_contact_speaking_share=_share([f.eye_contact for f in frames if f.speaking is True
                                           and f.eye_contact is not None], lambda v: v >= GOOD_EYE_CONTACT),
        eye_contact_silent_share=_share([f.eye_contact for f in frames if f.speaking is False
                                         and f.eye_contact is not None], lambda v: v >= GOOD_EYE_CONTACT),
        multiple_people_share=(sum(1 for f in frames if f.eye_contact_reason == Reason.MULTIPLE_PEOPLE) / len(frames)
                               if frames else 0.0),
    )


def longest_pause(frames: Sequence[FrameScores]) -> float | None:
    """The longest silence between two speaking frames, in seconds (from the first silent
    frame to the next speaking one); 0.0 without such a pause, None without audio. Over the
    frames of one answer this is the longest silence inside that answer."""
    longest, last_speaking_t, silent_from = None, None, None
    for f in frames:
        if f.speaking is None:
            continue
        longest = longest or 0.0
        if f.speaking:
            if silent_from is not None and last_speaking_t is not None:
                longest = max(longest, f.t - silent_from)
            last_speaking_t, silent_from = f.t, None
        elif silent_from is None:
            silent_from = f.t
    return longest


def not_measured_note(summary: Summary, how_to_choose: str = CHOOSE_ON_COMMAND_LINE) -> str | None:
    """One sentence when much of a session could not be scored, saying why: two people of
    similar size with none chosen, or no face at all. None when there is nothing to say."""
    if not summary.frames_analysed:
        return None
    if summary.multiple_people_share >= PEOPLE_NOTE_SHARE:
        return (f"Two people of similar size were in view on {summary.multiple_people_share * 100:.0f}% of the frames "
                f"and none was scored there; {how_to_choose}.")
    if summary.measurable_share == 0:
        return "Nobody could be measured (no face found)."
    return None


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _share(xs: list[float], pred) -> float | None:
    return sum(1 for x in xs if pred(x)) / len(xs) if xs else None
