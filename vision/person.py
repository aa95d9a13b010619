"""Whose face to score when a picture holds several people: the --person choice and the rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A second face this much smaller (area ratio) than the largest is a bystander, not ambiguity
# (someone walking past behind the user; tests/test_ground_truth_by_construction.py).
BYSTANDER_AREA_RATIO = 0.5
# With a chosen person, a face found again after the user's face was lost must lie within this
# distance (fraction of the image's long side) of where the user was last seen: in a gallery
# view the other tile's face is half a picture away, and a user who stepped out and came back
# to the same seat lands well within it.
REACQUIRE_MAX = 0.25

# The whole frame shows the chosen person (so Poise need not look closer, vision.crops) when their face is in the outer third of the frame
# on the chosen side: in a speaker view the large face sits near the middle (a 1920x1080 view
# with a quarter-height self-view on the right: with half the frame counted, "right" took the
# large face, just right of the middle, for the user); a gallery's two tiles have their faces
# at about 0.25 and 0.75.
SIDE_SHARE = 1 / 3
# ... or, for a point, when the point is on the face's box widened by this share of its size
# each way (a click on the face or just beside it). A click further off is on someone the
# whole frame does not show (a small self-view next to the large face).
POINT_MARGIN = 0.5

SIDES = ("left", "right", "top", "bottom")
POSITIONS_HELP = "left, right, top, bottom, largest or X,Y (fractions of the frame, e.g. 0.75,0.5)"


@dataclass(frozen=True, slots=True)
class PersonChoice:
    """``kind`` is "largest", a side ("left", "right", "top", "bottom") or "point" (x, y in 0-1
    of the unmirrored frame). It only picks the face on the first frames; continuity follows."""

    kind: str = "largest"
    x: float | None = None
    y: float | None = None

    def __str__(self) -> str:
        return f"{self.x:.3g},{self.y:.3g}" if self.kind == "point" else self.kind

    def to_dict(self) -> dict:
        return {"person": str(self)}


LARGEST = PersonChoice()


def parse_person(text: str) -> PersonChoice:
    """``--person`` text to a PersonChoice; ValueError with one sentence when it is not one."""
    t = (text or "").strip().lower()
    if t in ("", "largest"):
        return LARGEST
    if t in SIDES:
        return PersonChoice(t)
    parts = t.split(",")
    if len(parts) == 2:
        try:
            x, y = float(parts[0]), float(parts[1])
        except ValueError:
            x = y = -1.0
        if 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0:
            return PersonChoice("point", x, y)
    raise ValueError(f"--person must be one of {POSITIONS_HELP}; got {text!r}.")


def pick_face(choice: PersonChoice, centres: list[np.ndarray], areas: list[float],
              last_centre: np.ndarray | None, aspect: np.ndarray) -> tuple[int | None, bool]:
    """(index of the user's face or None, ambiguous) when continuity did not decide.

    ``centres`` are normalised (x, y); ``aspect`` scales them to fractions of the long side.
    Largest: the largest face unless a second one is nearly as large (then ambiguous: the
    summary asks for --person). A side: the face furthest that way; a point: the face nearest
    it (within REACQUIRE_MAX); never ambiguous. Once the user has been seen, only a face near
    their last place (REACQUIRE_MAX) is taken back.
    """
    if choice.kind == "largest":
        order = np.argsort(areas)[::-1]
        if len(areas) == 1 or areas[order[1]] < BYSTANDER_AREA_RATIO * areas[order[0]]:
            return int(order[0]), False
        return None, True
    if last_centre is not None:
        dists = [float(np.linalg.norm((c - last_centre) * aspect)) for c in centres]
        best = int(np.argmin(dists))
        return (best, False) if dists[best] <= REACQUIRE_MAX else (None, False)
    xs = [float(c[0]) for c in centres]
    ys = [float(c[1]) for c in centres]
    if choice.kind == "left":
        return int(np.argmin(xs)), False
    if choice.kind == "right":
        return int(np.argmax(xs)), False
    if choice.kind == "top":
        return int(np.argmin(ys)), False
    if choice.kind == "bottom":
        return int(np.argmax(ys)), False
    # A point must be on (or near) a face: with only the other person in view, nobody is scored.
    target = np.array([choice.x, choice.y])
    dists = [float(np.linalg.norm((c - target) * aspect)) for c in centres]
    best = int(np.argmin(dists))
    return (best, False) if dists[best] <= REACQUIRE_MAX else (None, False)


def is_there(choice: PersonChoice, face: np.ndarray) -> bool:
    """Whether ``face`` (landmarks, normalised x, y) is where ``choice`` points: its centre in
    the outer SIDE_SHARE of the frame for a side; for a point, the point on the face's box
    widened by half its size each way (POINT_MARGIN); any face for largest."""
    lo, hi = face[:, :2].min(axis=0), face[:, :2].max(axis=0)
    x, y = (lo + hi) / 2
    if choice.kind == "left":
        return x < SIDE_SHARE
    if choice.kind == "right":
        return x > 1 - SIDE_SHARE
    if choice.kind == "top":
        return y < SIDE_SHARE
    if choice.kind == "bottom":
        return y > 1 - SIDE_SHARE
    if choice.kind == "point":
        margin = (hi - lo) * POINT_MARGIN
        return bool(lo[0] - margin[0] <= choice.x <= hi[0] + margin[0] and lo[1] - margin[1] <= choice.y <= hi[1] + margin[1])
    return True


def pose_belongs_to_face(pose: np.ndarray, face: np.ndarray) -> bool:
    """Whether a pose is the chosen face's person: its nose (landmark 0) lies inside the face's
    box grown by half its size (the pose model may have latched on to someone else)."""
    lo, hi = face[:, :2].min(axis=0), face[:, :2].max(axis=0)
    margin = (hi - lo) * 0.5
    nose = pose[0, :2]
    return bool(np.all(nose >= lo - margin) and np.all(nose <= hi + margin))
