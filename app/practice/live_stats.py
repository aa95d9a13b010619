"""Live figures for the status bar and scripts/bench_live.py: display fps, score rate, latency, drops."""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass

from poise.vision.reports.format import NOT_MEASURED, fmt_percent

logger = logging.getLogger(__name__)

# Rates and the latency median are taken over the last few seconds: long enough to be steady
# at 15-30 Hz, short enough to follow a change (a heavy page, a new source).
WINDOW_S = 3.0
# Every latency is also kept for a whole-run summary (bench_live.py); 20 min at 30 Hz.
MAX_LATENCIES = 36_000


@dataclass(frozen=True, slots=True)
class LiveFigures:
    display_fps: float | None
    inference_fps: float | None
    latency_ms: float | None        # median over the window
    dropped_share: float | None     # over the whole source so far
    dropped: int
    offered: int


class LiveStats:
    """Counts events with timestamps from the caller's clock (time.monotonic() in the app)."""

    def __init__(self) -> None:
        self._paints: deque[float] = deque()
        self._scores: deque[float] = deque()
        self._recent_latency: deque[tuple[float, float]] = deque()
        self.latencies: list[float] = []      # seconds, every score since reset()
        self.paints = 0
        self.scores = 0
        self.offered = 0
        self.dropped = 0

    def reset(self) -> None:
        self.__init__()

    def frame_painted(self, now: float) -> None:
        self.paints += 1
        self._push(self._paints, now)

    def score_arrived(self, now: float, captured_at: float | None) -> None:
        self.scores += 1
        self._push(self._scores, now)
        if captured_at is not None:
            lat = max(0.0, now - captured_at)
            self._recent_latency.append((now, lat))
            if len(self.latencies) < MAX_LATENCIES:
                self.latencies.append(lat)

    def set_drops(self, offered: int, dropped: int) -> None:
        self.offered, self.dropped = offered, dropped

    def figures(self, now: float) -> LiveFigures:
        for q in (self._paints, self._scores):
            self._trim(q, now)
        while self._recent_latency and now - self._recent_latency[0][0] > WINDOW_S:
            self._recent_latency.popleft()
        lat = sorted(v for _, v in self._recent_latency)
        return LiveFigures(
            display_fps=_rate(self._paints, now),
            inference_fps=_rate(self._scores, now),
            latency_ms=1000 * lat[len(lat) // 2] if lat else None,
            dropped_share=self.dropped / self.offered if self.offered else None,
            dropped=self.dropped,
            offered=self.offered,
        )

    def _push(self, q: deque, now: float) -> None:
        q.append(now)
        self._trim(q, now)

    @staticmethod
    def _trim(q: deque, now: float) -> None:
        while q and now - q[0] > WINDOW_S:
            q.popleft()


def _rate(q: deque, now: float) -> float | None:
    """Events per second over the window (None until there are two events)."""
    if len(q) < 2:
        return None
    span = max(q[-1] - q[0], 1e-6)
    if now - q[-1] > 1.0:   # stalled: the last events are old
        span = now - q[0]
    return (len(q) - 1) / span


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in [0, 100]); None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def format_figures(f: LiveFigures) -> str:
    """One line for the status bar; NOT_MEASURED where a figure is not known yet."""
    def num(v, fmt):
        return NOT_MEASURED if v is None else format(v, fmt)

    drops = NOT_MEASURED if f.dropped_share is None else f"{fmt_percent(f.dropped_share)} ({f.dropped}/{f.offered})"
    return (f"Display {num(f.display_fps, '.0f')} fps  ·  Scores {num(f.inference_fps, '.0f')}/s  ·  "
            f"Latency {num(f.latency_ms, '.0f')} ms  ·  Dropped {drops}")
