"""Colours, labels and number formats shared by the review widgets (display only, no scoring)."""

from __future__ import annotations

import math

# One hue per score, reused for that score's event spans so the eye links them. Tailwind-ish
# 600 shades: they stay readable on white and are distinguishable with common colour blindness
# (blue / green / amber differ in lightness as well as hue).
SCORE_COLOURS = {
    "eye_contact": "#2563eb",
    "posture": "#059669",
    "fidgeting": "#d97706",
}
SCORE_LABELS = {
    "eye_contact": "Eye contact",
    "posture": "Posture",
    "fidgeting": "Fidgeting",
}
SCORE_NAMES = tuple(SCORE_COLOURS)

# Event kinds (vision.types.EventKind values) -> the score they come from.
EVENT_SCORE = {"look_away": "eye_contact", "slouch": "posture", "fidgeting": "fidgeting"}
EVENT_LABELS = {"look_away": "Looked away", "slouch": "Slouched", "fidgeting": "Fidgeted"}
# Alpha (0-255) of a shaded event span: light enough that the curves stay on top visually.
EVENT_SPAN_ALPHA = 45
# Stretches where nothing was measurable (no face, ...) are shaded neutral grey.
NOT_MEASURABLE_COLOUR = "#9ca3af"
NOT_MEASURABLE_ALPHA = 40

# Start of a mock-interview answer on the timeline: neutral, so it does not read as a score.
SEGMENT_COLOUR = "#4b5563"
TEXT_MUTED = "#6b7280"
GRID_PEN = "#e5e7eb"
AXIS_PEN = "#9ca3af"
CURSOR_COLOUR = "#111827"


def fmt_clock(seconds: float | None, *, tenths: bool = False) -> str:
    """m:ss (or h:mm:ss) for a time in seconds; tenths adds one decimal for precise jumps."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0.0, seconds)
    if tenths:
        whole = int(seconds)
        frac = int(round((seconds - whole) * 10))
        if frac == 10:
            whole, frac = whole + 1, 0
    else:
        whole, frac = int(round(seconds)), None
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    out = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    return f"{out}.{frac}" if frac is not None else out


def fmt_share(value: float | None) -> str:
    """A share or score in [0, 1] as a whole percentage; an en dash when not measurable."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{round(100 * value):d}%"


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind.replace("_", " ").capitalize())
