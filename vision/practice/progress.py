"""Progress across sessions: the three scores per session over time, ISO-week aggregates, the best session.

The three scores are the ones the sessions list shows: eye contact = share of the measurable
time with eye contact, posture = mean posture score, fidgeting = share of the measurable time
spent fidgeting (lower is better).

"Best session": the qualifying session with the highest overall score, where
overall = mean(eye contact, posture, 1 - fidgeting) — each of the three counts equally and
"up is good" for all of them. A session qualifies when it is long enough to mean something
(MIN_BEST_DURATION_S) and the user was measurable for most of it (MIN_BEST_MEASURABLE); on a
tie the more recent session wins (the user reached that level most recently).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

logger = logging.getLogger(__name__)

# A 20-second clip scoring 100% says little about interview habits; one short mock-interview
# answer is about a minute, so a session must last that long to be the "best".
MIN_BEST_DURATION_S = 60.0
# Most of the session must be measurable (face and shoulders in view), else a session where
# the user was out of frame could win on a handful of frames.
MIN_BEST_MEASURABLE = 0.5
# Interrupted sessions count (their frames are real); sessions still recording do not.
COUNTED_STATUSES = ("complete", "interrupted")


@dataclass(frozen=True, slots=True)
class SessionPoint:
    """One session on the progress chart."""

    session_id: int
    started_at: datetime   # tz-aware
    kind: str
    duration_s: float
    measurable_share: float
    eye_contact: float | None
    posture: float | None
    fidgeting: float | None

    @property
    def overall(self) -> float | None:
        """mean(eye contact, posture, 1 - fidgeting) over the measurable ones."""
        parts = [v for v in (self.eye_contact, self.posture,
                             None if self.fidgeting is None else 1.0 - self.fidgeting) if v is not None]
        return sum(parts) / len(parts) if parts else None

    @property
    def qualifies_for_best(self) -> bool:
        return (self.duration_s >= MIN_BEST_DURATION_S and self.measurable_share >= MIN_BEST_MEASURABLE
                and self.overall is not None)


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """An ISO week: duration-weighted means of the three scores and how much was practised."""

    year: int
    week: int
    monday: date
    sessions: int
    practice_s: float
    eye_contact: float | None
    posture: float | None
    fidgeting: float | None

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True, slots=True)
class ProgressReport:
    sessions: tuple[SessionPoint, ...]   # oldest first
    weeks: tuple[WeekPoint, ...]         # oldest first
    best: SessionPoint | None

    @property
    def first_and_last_week_change(self) -> dict[str, float] | None:
        """Change of each score from the first to the latest week (None with fewer than two weeks)."""
        if len(self.weeks) < 2:
            return None
        a, b = self.weeks[0], self.weeks[-1]
        out = {}
        for name in ("eye_contact", "posture", "fidgeting"):
            x, y = getattr(a, name), getattr(b, name)
            if x is not None and y is not None:
                out[name] = y - x
        return out


def session_points(sessions: Iterable) -> list[SessionPoint]:
    """SessionInfo rows (any order) -> chart points, oldest first; sessions without a summary are left out."""
    points = []
    for s in sessions:
        summ = s.summary
        if summ is None or s.status not in COUNTED_STATUSES or summ.frames_analysed == 0:
            continue
        points.append(SessionPoint(
            session_id=s.id, started_at=s.started_at, kind=s.kind,
            duration_s=float(s.duration_s if s.duration_s is not None else summ.duration_s),
            measurable_share=float(summ.measurable_share),
            eye_contact=summ.eye_contact_share, posture=summ.mean_posture, fidgeting=summ.fidgeting_share,
        ))
    points.sort(key=lambda p: (p.started_at, p.session_id))
    return points


def best_session(points: Sequence[SessionPoint]) -> SessionPoint | None:
    """The qualifying session with the highest overall score; ties go to the most recent."""
    best = None
    for p in points:  # oldest first, so ">=" lets a later tie win
        if p.qualifies_for_best and (best is None or p.overall >= best.overall):
            best = p
    return best


def weekly(points: Sequence[SessionPoint]) -> list[WeekPoint]:
    """ISO-week groups (local time of the user), each score weighted by session duration."""
    groups: dict[tuple[int, int], list[SessionPoint]] = {}
    for p in points:
        local = p.started_at.astimezone()
        iso = local.isocalendar()
        groups.setdefault((iso.year, iso.week), []).append(p)
    out = []
    for (year, week), ps in sorted(groups.items()):
        out.append(WeekPoint(
            year=year, week=week, monday=date.fromisocalendar(year, week, 1), sessions=len(ps),
            practice_s=sum(p.duration_s for p in ps),
            eye_contact=_weighted(ps, "eye_contact"), posture=_weighted(ps, "posture"),
            fidgeting=_weighted(ps, "fidgeting"),
        ))
    return out


def progress(sessions: Iterable, kinds: Iterable[str] | None = None) -> ProgressReport:
    """Everything the progress view shows, from the store's ``list_sessions()``."""
    wanted = None if kinds is None else set(kinds)
    points = [p for p in session_points(sessions) if wanted is None or p.kind in wanted]
    return ProgressReport(tuple(points), tuple(weekly(points)), best_session(points))


def _weighted(ps: Sequence[SessionPoint], name: str) -> float | None:
    # Weight by measurable time: a long session says more than a short one, and time out of
    # frame says nothing about the scores.
    pairs = [(getattr(p, name), max(p.duration_s * p.measurable_share, 1e-9)) for p in ps
             if getattr(p, name) is not None]
    if not pairs:
        return None
    return sum(v * w for v, w in pairs) / sum(w for _, w in pairs)
