"""The mock-interview panel: set up, then one question at a time with thinking and answer timers."""

from __future__ import annotations

import logging
import math
import random
from typing import Callable

from PySide6.QtCore import SIGNAL, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox,
                               QStackedWidget, QVBoxLayout, QWidget)

from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_clock
from poise.vision.practice.interview import (DEFAULT_ANSWER_S, DEFAULT_THINKING_S, InterviewFlow, InterviewState, Phase,
                              SegmentSink)
from poise.vision.practice.questions import Question, all_questions, load_decks, pick_questions

logger = logging.getLogger(__name__)

# The countdown repaints 5 times a second: smooth enough for a seconds display, and the
# thinking-to-answering switch happens within 0.2 s of the deadline.
TICK_MS = 200
DEFAULT_QUESTION_COUNT = 5
# Question text size: readable from a normal seat a metre away from a laptop screen.
QUESTION_POINT_SIZE = 24
# In a short or narrow window a long question steps down towards this size until it fits its
# card (a 1024x640 window leaves ~310x75 px for it), rather than being cut off.
QUESTION_MIN_POINT_SIZE = 12
# The tip under the question steps down with it (one point per three of the question's).
TIP_POINT_SIZE = 12
TIP_MIN_POINT_SIZE = 9
# Left and right margin of each page: the column is 330-440 px wide beside the mirror.
PAGE_MARGIN = 16
ACCENT = "#2563eb"
OVERTIME = "#b45309"
SECONDARY_STYLE = ("QPushButton { background: #ffffff; color: #1f2937; border: 1px solid #d1d5db;"
                   " border-radius: 6px; padding: 8px 16px; } QPushButton:hover { background: #f3f4f6; }")
PHASE_TEXT = {
    Phase.THINKING: "Take a moment to think",
    Phase.ANSWERING: "Answer now: look at the lens",
}


class _QuestionLabel(QLabel):
    """The question: every new text is fitted to its card (InterviewPanel.fit_question)."""

    def __init__(self, panel: "InterviewPanel") -> None:
        super().__init__()
        self._panel = panel

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        super().setText(text)
        QTimer.singleShot(0, self._panel.fit_question)


class InterviewPanel(QWidget):
    """Setup page → question page → done page.

    The Start button emits ``start_requested``: whoever owns the camera session starts it and
    calls :meth:`begin` with the session clock (seconds on the frames' axis) and a segment
    sink. Without anyone connected, :meth:`begin` can be called directly (tests, demos).
    ``interview_finished(answers)`` fires when the last question is done or the user ends it.
    """

    start_requested = Signal()
    interview_finished = Signal(list)
    state_changed = Signal(object)   # InterviewState
    review_requested = Signal()

    def __init__(self, questions: list[Question] | None = None, parent: QWidget | None = None, *,
                 rng: random.Random | None = None) -> None:
        super().__init__(parent)
        self._rng = rng or random.Random()
        self._problems: list[str] = []
        if questions is None:
            decks, self._problems = load_decks()
            questions = all_questions(decks)
        self._questions = list(questions)
        self.flow: InterviewFlow | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_setup())
        self.pages.addWidget(self._build_question())
        self.pages.addWidget(self._build_done())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pages)

    # ----- pages ----------------------------------------------------------------------------------
    def _build_setup(self) -> QWidget:
        page = QWidget()
        title = QLabel("Mock interview")
        title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        intro = QLabel("Common interview questions, one at a time. Answer out loud to the camera; "
                       "each answer is scored, so you can review it question by question.")
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {TEXT_MUTED};")
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, max(1, len(self._questions)))
        self.count_spin.setValue(min(DEFAULT_QUESTION_COUNT, max(1, len(self._questions))))
        self.thinking_spin = QSpinBox()
        self.thinking_spin.setRange(0, 300)
        self.thinking_spin.setSingleStep(5)
        self.thinking_spin.setSuffix(" s")
        self.thinking_spin.setSpecialValueText("None")
        self.thinking_spin.setValue(int(DEFAULT_THINKING_S))
        self.answer_spin = QSpinBox()
        self.answer_spin.setRange(0, 15)
        self.answer_spin.setSuffix(" min")
        self.answer_spin.setSpecialValueText("No limit")
        self.answer_spin.setValue(int(DEFAULT_ANSWER_S // 60))
        form = QFormLayout()
        form.addRow("Questions", self.count_spin)
        form.addRow("Thinking time", self.thinking_spin)
        form.addRow("Answer time (a guide, not a cut-off)", self.answer_spin)
        self.start_button = QPushButton("Start interview")
        self.start_button.setDefault(True)
        self.start_button.setStyleSheet(_button_style(ACCENT))
        self.start_button.clicked.connect(self._on_start_clicked)
        self.start_button.setEnabled(bool(self._questions))
        deck_note = QLabel(self._deck_note())
        deck_note.setWordWrap(True)
        deck_note.setStyleSheet(f"color: {TEXT_MUTED}; font-size: 9pt;")
        deck_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.deck_note = deck_note
        lay = QVBoxLayout(page)
        lay.setContentsMargins(PAGE_MARGIN, 16, PAGE_MARGIN, 16)
        lay.setSpacing(10)
        lay.addWidget(title)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addStretch(1)
        lay.addWidget(deck_note)
        return page

    def _build_question(self) -> QWidget:
        page = QWidget()
        self.position_label = QLabel()
        self.position_label.setStyleSheet(f"color: {TEXT_MUTED}; font-size: 11pt;")
        self.question_label = _QuestionLabel(self)
        self.question_label.setWordWrap(True)
        self.question_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.question_label.font()
        font.setPointSize(QUESTION_POINT_SIZE)
        font.setWeight(font.Weight.DemiBold)
        self.question_label.setFont(font)
        self.question_label.setStyleSheet("color: #111827;")
        self.question_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.tip_label = QLabel()
        self.tip_label.setWordWrap(True)
        self.tip_label.setTextFormat(Qt.TextFormat.PlainText)
        self.tip_label.setStyleSheet(f"color: {TEXT_MUTED};")   # size set by fit_question
        tip_font = self.tip_label.font()
        tip_font.setPointSize(TIP_POINT_SIZE)
        self.tip_label.setFont(tip_font)
        self.phase_label = QLabel()
        self.phase_label.setWordWrap(True)   # a narrow column beside the mirror: wrap, never clip
        self.phase_label.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.clock_label = QLabel()
        self.clock_label.setStyleSheet("font-size: 30pt; font-weight: 600;")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.time_bar = QProgressBar()
        self.time_bar.setTextVisible(False)
        self.time_bar.setFixedHeight(8)
        self.time_bar.setRange(0, 1000)
        self.answer_button = QPushButton("Start answering")
        self.answer_button.setShortcut(QKeySequence("Ctrl+Space"))
        self.answer_button.setToolTip("Skip the rest of the thinking time (Ctrl+Space)")
        self.answer_button.clicked.connect(self._on_answer_clicked)
        self.next_button = QPushButton("Next question")
        self.next_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.next_button.setStyleSheet(_button_style(ACCENT))
        self.next_button.clicked.connect(self._on_next_clicked)
        self.end_button = QPushButton("End interview")
        self.end_button.setStyleSheet(SECONDARY_STYLE)
        self.answer_button.setStyleSheet(SECONDARY_STYLE)
        self.end_button.clicked.connect(self._on_end_clicked)

        timer_row = QHBoxLayout()
        timer_row.addWidget(self.phase_label, 1)
        timer_row.addWidget(self.clock_label)
        # Two rows, so the column fits beside the mirror in a 1024 px window.
        buttons = QVBoxLayout()
        forward = QHBoxLayout()
        forward.addStretch(1)
        forward.addWidget(self.answer_button)
        forward.addWidget(self.next_button)
        buttons.addLayout(forward)
        buttons.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignRight)
        card = QFrame()
        card.installEventFilter(self)   # resized: the question's font is fitted again
        self._question_card = card
        card.setObjectName("questionCard")
        card.setStyleSheet("#questionCard { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 12px; }")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(20, 18, 20, 18)
        inner.setSpacing(12)
        inner.addWidget(self.position_label)
        inner.addStretch(1)
        inner.addWidget(self.question_label)
        inner.addWidget(self.tip_label)
        inner.addStretch(2)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(PAGE_MARGIN, 16, PAGE_MARGIN, 16)
        lay.setSpacing(12)
        lay.addWidget(card, 1)
        lay.addLayout(timer_row)
        lay.addWidget(self.time_bar)
        lay.addLayout(buttons)
        return page

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if obj is getattr(self, "_question_card", None) and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self.fit_question)
        return super().eventFilter(obj, event)

    def fit_question(self) -> None:
        """The largest question font (QUESTION_POINT_SIZE down to QUESTION_MIN_POINT_SIZE), with
        the tip a little smaller (TIP_POINT_SIZE down to TIP_MIN_POINT_SIZE), at which both
        wrapped texts fit the room their card leaves them."""
        label, tip, card = self.question_label, self.tip_label, self._question_card
        width = label.width()
        if width <= 0 or not label.text():
            return
        lay = card.layout()
        m = lay.contentsMargins()
        with_tip = tip.isVisibleTo(card) and bool(tip.text())
        room = (card.height() - m.top() - m.bottom() - self.position_label.sizeHint().height()
                - lay.spacing() * (3 if with_tip else 2))
        q_font, t_font = QFont(label.font()), QFont(tip.font())
        q_probe, t_probe = QLabel(label.text()), QLabel(tip.text())   # measure as the labels lay out
        q_probe.setWordWrap(True)
        t_probe.setWordWrap(True)
        for size in range(QUESTION_POINT_SIZE, QUESTION_MIN_POINT_SIZE - 1, -1):
            q_font.setPointSize(size)
            t_font.setPointSize(max(TIP_MIN_POINT_SIZE, TIP_POINT_SIZE - (QUESTION_POINT_SIZE - size) // 3))
            q_probe.setFont(q_font)
            t_probe.setFont(t_font)
            need = q_probe.heightForWidth(width) + (t_probe.heightForWidth(width) if with_tip else 0)
            if need <= room:
                break
        if q_font.pointSize() != label.font().pointSize():
            label.setFont(q_font)
        if t_font.pointSize() != tip.font().pointSize():
            tip.setFont(t_font)

    def _build_done(self) -> QWidget:
        page = QWidget()
        self.done_title = QLabel("Interview complete")
        self.done_title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        self.done_text = QLabel()
        self.done_text.setWordWrap(True)
        self.done_text.setStyleSheet(f"color: {TEXT_MUTED}; font-size: 12pt;")
        self.review_button = QPushButton("Review answers")
        self.review_button.setStyleSheet(_button_style(ACCENT))
        self.review_button.clicked.connect(self.review_requested)
        self.again_button = QPushButton("Another interview")
        self.again_button.setStyleSheet(SECONDARY_STYLE)
        self.again_button.clicked.connect(self.reset)
        row = QHBoxLayout()
        row.addWidget(self.review_button)
        row.addWidget(self.again_button)
        row.addStretch(1)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(PAGE_MARGIN, 24, PAGE_MARGIN, 24)
        lay.setSpacing(14)
        lay.addWidget(self.done_title)
        lay.addWidget(self.done_text)
        lay.addLayout(row)
        lay.addStretch(1)
        return page

    # ----- public API -----------------------------------------------------------------------------
    def selected_questions(self) -> list[Question]:
        return pick_questions(self._questions, self.count_spin.value(), self._rng)

    def begin(self, clock: Callable[[], float], sink: SegmentSink | None = None,
              questions: list[Question] | None = None) -> InterviewState:
        """Start asking: ``clock`` returns session seconds; answers go to ``sink`` as segments."""
        self.flow = InterviewFlow(questions or self.selected_questions(), clock,
                                  thinking_s=self.thinking_spin.value(), answer_s=self.answer_spin.value() * 60,
                                  sink=sink)
        state = self.flow.start()
        self.pages.setCurrentIndex(1)
        self._timer.start()
        self._show(state)
        return state

    def is_running(self) -> bool:
        return self.flow is not None and self.flow.phase not in (Phase.READY, Phase.FINISHED)

    def finish(self) -> None:
        """End the interview now (e.g. the camera session stopped)."""
        if self.flow is not None and self.is_running():
            self._show(self.flow.finish())

    def reset(self) -> None:
        self._timer.stop()
        self.flow = None
        self.pages.setCurrentIndex(0)

    # ----- handlers -------------------------------------------------------------------------------
    def _on_start_clicked(self) -> None:
        if self.receivers(SIGNAL("start_requested()")) > 0:
            self.start_requested.emit()
        else:
            # Nobody runs a camera session for us: time the interview on its own clock.
            import time

            t0 = time.monotonic()
            self.begin(lambda: time.monotonic() - t0)

    def _on_answer_clicked(self) -> None:
        if self.flow is not None:
            self._show(self.flow.start_answer())

    def _on_next_clicked(self) -> None:
        if self.flow is not None:
            self._show(self.flow.next())

    def _on_end_clicked(self) -> None:
        self.finish()

    def _on_tick(self) -> None:
        if self.flow is not None:
            self._show(self.flow.tick())

    # ----- view -----------------------------------------------------------------------------------
    def _show(self, s: InterviewState) -> None:
        self.state_changed.emit(s)
        if s.phase == Phase.FINISHED:
            self._timer.stop()
            answers = list(self.flow.answers) if self.flow else []
            n = len(answers)
            self.done_text.setText(
                f"You answered {n} question{'s' if n != 1 else ''}. "
                + ("Review each answer's eye contact, posture and fidgeting, and note what went well "
                   "and what to do better while it is fresh." if n else "No answer was recorded."))
            self.review_button.setEnabled(bool(n))
            self.pages.setCurrentIndex(2)
            self.interview_finished.emit(answers)
            return
        q = s.question
        self.position_label.setText(f"Question {s.index + 1} of {s.total}  ·  {q.category}")
        self.tip_label.setText(q.tip)
        self.tip_label.setVisible(bool(q.tip))
        self.question_label.setText(q.text)   # fits its font to the card
        thinking = s.phase == Phase.THINKING
        self.answer_button.setVisible(thinking)
        self.next_button.setText("Finish" if s.is_last else ("Skip question" if thinking else "Next question"))
        if s.overtime:
            self.phase_label.setText("Time to wrap up your answer")
            colour = OVERTIME
        else:
            self.phase_label.setText(PHASE_TEXT.get(s.phase, ""))
            colour = ACCENT if not thinking else TEXT_MUTED
        self.phase_label.setStyleSheet(f"font-size: 13pt; font-weight: 600; color: {colour};")
        if s.phase_limit_s:
            remaining = s.remaining_s
            # Count down in whole seconds that have not yet fully passed (like a kitchen timer).
            shown = fmt_clock(math.ceil(remaining) if remaining > 0 else math.floor(-remaining))
            self.clock_label.setText(("+" if remaining < 0 else "") + shown)
            self.time_bar.setValue(int(1000 * min(1.0, s.phase_elapsed_s / s.phase_limit_s)))
        else:
            self.clock_label.setText(fmt_clock(s.phase_elapsed_s))
            self.time_bar.setValue(0)
        self.clock_label.setStyleSheet(f"font-size: 30pt; font-weight: 600; color: {colour};")
        self.time_bar.setStyleSheet(f"QProgressBar {{ background: #e5e7eb; border: none; border-radius: 4px; }}"
                                    f"QProgressBar::chunk {{ background: {colour}; border-radius: 4px; }}")

    def _deck_note(self) -> str:
        from poise.vision.practice.questions import user_deck_dir

        text = (f"{len(self._questions)} questions available. Add your own: put a Markdown file "
                f"(# Category, then '- question' lines) in {user_deck_dir()}.")
        if self._problems:
            text += "\nSkipped: " + " ".join(self._problems)
        return text

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()
        super().closeEvent(event)


def _button_style(colour: str) -> str:
    return (f"QPushButton {{ background: {colour}; color: white; border: none; border-radius: 6px;"
            " padding: 8px 18px; font-weight: 600; }"
            " QPushButton:disabled { background: #9ca3af; }")
