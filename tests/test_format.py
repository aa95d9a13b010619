"""The one table of labels and number formats (vision/reports/format.py) that every surface uses."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from poise.vision.reports.format import (EVENT_LABELS, NOT_MEASURED, SCORE_COLOURS, fmt_clock, fmt_duration,
                                         fmt_percent, fmt_seconds, fmt_span, kind_label)
from poise.vision.types import EventKind

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (6.4, "0:06"), (59.6, "1:00"), (605, "10:05"),
                                           (3725, "1:02:05"), (None, NOT_MEASURED), (math.nan, NOT_MEASURED)])
def test_clock_is_m_ss(seconds, text):
    assert fmt_clock(seconds) == text


def test_tenths_spans_durations_and_percentages():
    assert fmt_clock(12.96, tenths=True) == "0:13.0" and fmt_clock(12.34, tenths=True) == "0:12.3"
    assert fmt_span(6.0, 12.2) == "0:06–0:12" and fmt_span(6.0, None) == "0:06–end"
    assert fmt_duration(12.34) == "12.3 s" and fmt_duration(185) == "3:05"
    assert fmt_percent(0.425) == "42%" and fmt_percent(1.0) == "100%" and fmt_percent(None) == NOT_MEASURED
    assert fmt_seconds(4.66) == "4.7 s" and fmt_seconds(None) == NOT_MEASURED
    assert kind_label("mock_interview") == "Mock interview" and kind_label("mock_interview", short=True) == "Mock"


def test_every_event_kind_has_a_label_and_every_score_a_colour():
    assert set(EVENT_LABELS) == set(EventKind.ALL)
    assert set(SCORE_COLOURS) == {"eye_contact", "posture", "fidgeting"}


def test_no_other_module_defines_its_own_labels_or_palette():
    """One table: no second event-label table, session-kind table or score palette in the code."""
    offenders = []
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "vision").rglob("*.py")]:
        if path.name == "format.py":
            continue
        text = path.read_text(encoding="utf-8")
        for table in (r'"look_away":\s*"[A-Z]', r'"mock_interview":\s*"', r'"eye_contact":\s*"#', r'"complete":\s*"'):
            if re.search(table, text):
                offenders.append(f"{path.relative_to(ROOT)}: {table}")
    assert not offenders, offenders


def test_voice_lines_say_no_speech_instead_of_a_zero_pause():
    from poise.vision.reports.format import voice_lines
    from poise.vision.types import Summary

    def summary(share, pause):
        return Summary(10.0, 120, 1.0, 0.7, 0.7, 0.9, 0.0, 0.0, 0.0, {}, speaking_share=share,
                       longest_pause_s=pause, eye_contact_speaking_share=None, eye_contact_silent_share=0.7)

    silent = voice_lines(summary(0.0, 0.0))[0]
    assert "no speech heard" in silent and "pause" not in silent
    assert "longest pause 1.4 s" in voice_lines(summary(0.4, 1.4))[0]
    assert voice_lines(summary(None, None)) == ["  speaking         no audio"]


def test_the_report_and_the_cli_give_the_longest_pause_from_one_function():
    from poise.vision.reports.format import fmt_longest_pause
    from poise.vision.reports.voice_report import speaking_part
    from poise.vision.types import Summary

    silent = Summary(10.0, 120, 1.0, 0.7, 0.7, 0.9, 0.0, 0.0, 0.0, {}, speaking_share=0.0, longest_pause_s=0.0)
    assert fmt_longest_pause(silent) == "no speech heard"
    assert (fmt_longest_pause(silent), "longest pause between speech") in speaking_part(silent, [], []).cards
