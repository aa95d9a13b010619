""""Check Poise on me": a 30-second guided check, after calibration, of whether Poise sees the
user's behaviour on this camera, light and seat.

Poise asks for one thing at a time (look into the lens, look at notes below the screen, look to
the side, touch your face, slouch then sit up) and judges each step from the same per-frame
scores the sessions use. The result is kept with the calibration and shown in session reports
("checked on this setup: 5 of 5"). Qt-free: the window only shows it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from poise.vision.types import FrameScores

SELF_CHECK_VERSION = 1
#: Key of the result inside a stored calibration dict (Calibration.from_dict ignores it).
SELF_CHECK_KEY = "self_check"
# The first seconds of each step are not judged: people need ~1 s to read the instruction and
# ~0.5 s to move (simple reaction times are 0.2-0.5 s; reading a short line ~1 s).
SETTLE_S = 1.5
# A step needs this many measurable frames after settling to be judged: about 0.5 s at 15 Hz,
# or 2 s of a loaded machine's live mirror (4-5 scores/s measured under Xvfb with tests running).
MIN_FRAMES = 8
# Eye contact, posture and fidgeting lines: the same 0.5 lines the summary and events use.
LINE = 0.5
# A step is "seen" when its behaviour shows in this share of the judged frames: a look held
# for the step shows in most frames, a touch or a slouch in part of it (hands and backs move
# in and out).
LOOK_SHARE = 0.6
TOUCH_SHARE = 0.2
SLOUCH_SHARE = 0.15
# "Sit up again": the last second of the slouch step must be upright again.
SIT_UP_S = 1.0
SIT_UP_POSTURE = 0.7


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    instruction: str
    seconds: float
    seen_text: str


STEPS: tuple[Step, ...] = (
    Step("lens", "Look straight into the camera lens.", 5.0, "looking into the lens"),
    Step("notes", "Look down at notes below the screen.", 5.0, "looking down at notes"),
    Step("side", "Look to the side, away from the screen.", 5.0, "looking to the side"),
    Step("touch", "Touch your face or hair with one hand.", 6.0, "touching your face"),
    Step("slouch", "Slouch down, then sit up again.", 9.0, "slouching and sitting up"),
)
TOTAL_S = sum(s.seconds for s in STEPS)   # 30 s


def judge(key: str, frames: Sequence[FrameScores]) -> bool | None:
    """Whether the behaviour of step ``key`` showed in its (already settled) frames; None when
    too few frames were measurable to say."""
    share = lambda values, test: sum(1 for v in values if test(v)) / len(values)
    if key in ("lens", "notes", "side"):
        eye = [f for f in frames if f.eye_contact is not None]
        if len(eye) < MIN_FRAMES:
            return None
        if key == "lens":
            return share(eye, lambda f: f.eye_contact >= LINE) >= LOOK_SHARE
        away = [f for f in eye if f.eye_contact < LINE and f.components.gaze_yaw is not None]
        if len(away) < LOOK_SHARE * len(eye):
            return False
        down = sum(1 for f in away if -f.components.gaze_pitch > abs(f.components.gaze_yaw))
        return (down if key == "notes" else len(away) - down) >= LOOK_SHARE * len(eye)
    if key == "touch":
        seen = [f for f in frames if f.fidgeting is not None or f.components.face_touch is not None]
        if len(seen) < MIN_FRAMES:
            return None
        return share(seen, lambda f: bool(f.components.face_touch) or (f.fidgeting or 0.0) >= LINE) >= TOUCH_SHARE
    if key == "slouch":
        pos = [f for f in frames if f.posture is not None]
        if len(pos) < MIN_FRAMES:
            return None
        end = pos[-1].t
        last = [f.posture for f in pos if f.t >= end - SIT_UP_S]
        slouched = share(pos, lambda f: f.posture < LINE) >= SLOUCH_SHARE
        return slouched and sum(last) / len(last) >= SIT_UP_POSTURE
    raise ValueError(f"unknown self-check step {key!r}")


class SelfCheck:
    """Feed it the live scores; it moves through STEPS by the scores' own clock."""

    def __init__(self, steps: Sequence[Step] = STEPS) -> None:
        self.steps = tuple(steps)
        self.results: dict[str, bool | None] = {}
        self._start: float | None = None
        self._frames: list[FrameScores] = []
        self._index = 0

    @property
    def done(self) -> bool:
        return self._index >= len(self.steps)

    @property
    def step(self) -> Step | None:
        return None if self.done else self.steps[self._index]

    def remaining_s(self, t: float) -> float:
        """Seconds left in the current step at source time ``t``."""
        if self.done or self._start is None:
            return 0.0 if self.done else self.steps[0].seconds
        return max(0.0, self._step_end() - t)

    def feed(self, scores: FrameScores) -> Step | None:
        """Add one frame's scores; returns the step that was just judged, if one ended."""
        if self.done:
            return None
        if self._start is None:
            self._start = scores.t
        if scores.t >= self._step_end():
            step = self.steps[self._index]
            begin = self._step_end() - step.seconds + SETTLE_S
            self.results[step.key] = judge(step.key, [f for f in self._frames if f.t >= begin])
            self._frames = []
            self._index += 1
            if not self.done:
                self._frames.append(scores)
            return step
        self._frames.append(scores)
        return None

    def _step_end(self) -> float:
        return self._start + sum(s.seconds for s in self.steps[: self._index + 1])

    def to_dict(self) -> dict:
        """The stored form, kept with the calibration under SELF_CHECK_KEY."""
        return {
            "version": SELF_CHECK_VERSION,
            "checked_at": time.time(),
            "steps": {s.key: self.results.get(s.key) for s in self.steps},
            "seen": sum(1 for v in self.results.values() if v),
            "total": len(self.steps),
        }


def summary_line(result: dict | None) -> str | None:
    """"checked on this setup: 4 of 5 (not seen: touching your face)", or None without a check."""
    if not isinstance(result, dict) or "steps" not in result:
        return None
    texts = {s.key: s.seen_text for s in STEPS}
    missed = [texts.get(k, k) for k, v in result["steps"].items() if not v]
    line = f"checked on this setup: {result.get('seen', 0)} of {result.get('total', len(result['steps']))}"
    return line + (f" (not seen: {', '.join(missed)})" if missed else "")
