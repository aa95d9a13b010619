"""A row of summary cards for one session (figures come from the stored Summary, not computed here)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from poise.app.theme import SCORE_COLOURS, TEXT_MUTED
from poise.vision.reports.format import SPEAKING_COLOUR, fmt_percent, score_figures

logger = logging.getLogger(__name__)

CARD_STYLE = ("QFrame#card { background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 8px; }")


class _Card(QFrame):
    def __init__(self, caption: str, colour: str, tooltip: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        self.setToolTip(tooltip)
        self.value = QLabel("–")
        self.value.setStyleSheet(f"color: {colour}; font-size: 20pt; font-weight: 600; border: none;")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color: {TEXT_MUTED}; border: none;")
        self.caption.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(0)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)


class SummaryPanel(QWidget):
    """Eye contact share, mean posture, fidgeting share, measurable share, longest look-away, speaking."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {
            "eye_contact": _Card("with eye contact", SCORE_COLOURS["eye_contact"],
                                 "Share of the measurable time with an eye-contact score of 50% or more"),
            "posture": _Card("average posture", SCORE_COLOURS["posture"],
                             "Mean posture score over the measurable time (100% = your upright baseline)"),
            "fidgeting": _Card("fidgeting", SCORE_COLOURS["fidgeting"],
                               "Share of the measurable time with a fidgeting score of 50% or more (lower is calmer)"),
            "measurable": _Card("measurable", "#374151",
                                "Share of frames where all three scores could be measured (face and shoulders in view)"),
            "look_away": _Card("longest look-away", "#374151", "The longest stretch spent looking away"),
            "speaking": _Card("speaking", SPEAKING_COLOUR,
                              "Share of the time you were speaking (from the sound); below it, eye contact "
                              "while you spoke against while you were silent or listening"),
        }
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for card in self.cards.values():
            row.addWidget(card, 1)

    def set_summary(self, summary) -> None:
        """Show a vision.types.Summary (None: an unfinished session without one)."""
        if summary is None:
            for card in self.cards.values():
                card.value.setText("–")
            return
        for name, text in score_figures(summary).items():
            self.cards[name].value.setText(text)
        self.cards["measurable"].value.setText(fmt_percent(summary.measurable_share))
        longest = summary.longest_look_away_s or 0.0
        self.cards["look_away"].value.setText(f"{longest:.1f} s" if longest else "none")
        speaking = self.cards["speaking"]
        if summary.speaking_share is None:
            speaking.value.setText("–")
            speaking.caption.setText("speaking (no sound)")
        else:
            speaking.value.setText(fmt_percent(summary.speaking_share))
            speaking.caption.setText(f"speaking; eye contact {fmt_percent(summary.eye_contact_speaking_share)} "
                                     f"vs {fmt_percent(summary.eye_contact_silent_share)} silent")

    def value_text(self, key: str) -> str:
        return self.cards[key].value.text()
