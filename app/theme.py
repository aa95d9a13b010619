"""The one palette and theme of the window: Fusion style, Qt palette, chart colours (score colours from vision.reports.format)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from poise.vision.reports.format import EVENT_SCORE, FILLER_COLOUR, SCORE_COLOURS, SCORE_LABELS, SCORE_NAMES

logger = logging.getLogger(__name__)

# Tailwind "gray"/"blue" shades, the family of the score colours in vision/reports/format.py.
WINDOW = "#f3f4f6"
BASE = "#ffffff"
TEXT = "#111827"
MUTED = "#6b7280"
ACCENT = "#2563eb"
BORDER = "#e5e7eb"
TEXT_MUTED = MUTED

# Alpha (0-255) of a shaded event span: light enough that the curves stay on top visually.
EVENT_SPAN_ALPHA = 45
# Stretches where nothing was measurable (no face, ...) are shaded neutral grey.
NOT_MEASURABLE_COLOUR = "#9ca3af"
NOT_MEASURABLE_ALPHA = 40
# Start of a mock-interview answer on the timeline: neutral, so it does not read as a score.
SEGMENT_COLOUR = "#4b5563"
AXIS_PEN = "#9ca3af"
CURSOR_COLOUR = TEXT
# The word being played in the transcript: the light accent of a selected row (blue-100).
CURRENT_WORD_BACKGROUND = "#dbeafe"

__all__ = ["ACCENT", "AXIS_PEN", "BASE", "BORDER", "CURRENT_WORD_BACKGROUND", "CURSOR_COLOUR", "EVENT_SCORE",
           "EVENT_SPAN_ALPHA", "FILLER_COLOUR", "MUTED", "NOT_MEASURABLE_ALPHA", "NOT_MEASURABLE_COLOUR", "SCORE_COLOURS", "SCORE_LABELS", "SCORE_NAMES",
           "SEGMENT_COLOUR", "TEXT", "TEXT_MUTED", "WINDOW", "apply_theme"]

STYLE = f"""
QMainWindow, QTabWidget > QWidget {{ background: {WINDOW}; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ padding: 8px 18px; margin: 6px 2px 0 2px; color: {MUTED}; background: transparent;
               border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:hover {{ color: {TEXT}; }}
QStatusBar {{ background: {BASE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 8px; }}
QMenuBar {{ background: {BASE}; border-bottom: 1px solid {BORDER}; }}
QToolTip {{ background: {TEXT}; color: white; border: none; padding: 4px 8px; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(WINDOW))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Base, QColor(BASE))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f9fafb"))
    pal.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Button, QColor(BASE))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor(MUTED))
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.ToolTipText, QColor("white"))
    app.setPalette(pal)
    app.setStyleSheet(STYLE)
