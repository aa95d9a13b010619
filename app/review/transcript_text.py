"""The words of a transcript as text: click a word to jump there; the word being played is highlighted."""

from __future__ import annotations

import bisect
import logging
from typing import Sequence

from PySide6.QtCore import QEvent, QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from poise.app.theme import CURRENT_WORD_BACKGROUND, FILLER_COLOUR, MUTED, TEXT
from poise.vision.reports.format import fmt_clock
from poise.vision.reports.transcript_report import TranscriptSection

logger = logging.getLogger(__name__)

# A word jumped to or played is scrolled to this share of the view's height from the top, so
# the words after it (what is about to be said) are in view too.
SCROLL_TO_SHARE = 0.3
WORD_HREF = "word:"


class _Filler:
    """A stand-in filler word, for the legend's sample mark."""

    filler = True


def current_word(starts: Sequence[float], t: float) -> int | None:
    """Index of the word being said at ``t``: the last word that started at or before it
    (in a pause, the word just said stays current); None before the first word."""
    i = bisect.bisect_right(starts, t + 1e-6) - 1
    return i if i >= 0 else None


class TranscriptText(QTextBrowser):
    """Read-only flowing text of the words. ``word_activated(start_s)`` on a click;
    :meth:`set_position` highlights the word at that moment and scrolls it into view."""

    word_activated = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self._words: list = []
        self._starts: list[float] = []
        self._spans: list[tuple[int, int]] = []        # document position and length of each word
        self._formats: list[QTextCharFormat] = []      # each word's own look, restored after highlighting
        self._current: int | None = None

    # ----- content ----------------------------------------------------------------------------
    def set_sections(self, sections: Sequence[TranscriptSection], *, header: str = "", footer: str = "") -> None:
        """Lay out the words, section by section (answers in time order), with a ``header`` line
        (the session's figures) above and a ``footer`` (the legend of the filler marks) below, so
        all of it scrolls together in a short window."""
        self._words, self._starts, self._spans, self._formats = [], [], [], []
        self._current = None
        doc = self.document()
        doc.clear()
        cursor = QTextCursor(doc)
        plain = QTextCharFormat()
        plain.setForeground(QColor(TEXT))
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.DemiBold)
        heading.setForeground(QColor(TEXT))
        figures = QTextCharFormat()
        figures.setForeground(QColor(MUTED))
        first_block = True
        if header and sections:
            cursor.insertText(header, figures)
            first_block = False
        for section in sections:
            for text, fmt in ((section.heading, heading), (section.figures, figures)):
                if text:
                    if not first_block:
                        cursor.insertBlock()
                    cursor.insertText(text, fmt)
                    first_block = False
            if not first_block:
                cursor.insertBlock()
            first_block = False
            for n, word in enumerate(section.words):
                if n:
                    cursor.insertText(" ", plain)
                fmt = self._word_format(len(self._words), word)
                self._spans.append((cursor.position(), len(word.text)))
                cursor.insertText(word.text, fmt)
                self._formats.append(fmt)
                self._words.append(word)
                self._starts.append(word.start_s)
        if footer and sections:
            cursor.insertBlock()
            sample = self._word_format(-1, _Filler)
            sample.setAnchor(False)
            cursor.insertText("um", sample)
            cursor.insertText(f"  {footer}", figures)
        self.verticalScrollBar().setValue(0)

    @staticmethod
    def _word_format(index: int, word) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(f"{WORD_HREF}{index}")
        fmt.setForeground(QColor(FILLER_COLOUR if word.filler else TEXT))
        if word.filler:   # never colour alone: fillers are also underlined (legend below the text)
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(QColor(FILLER_COLOUR))
        return fmt

    def word_count(self) -> int:
        return len(self._words)

    def word(self, index: int):
        return self._words[index]

    def current_index(self) -> int | None:
        """The highlighted word, or None."""
        return self._current

    def word_rect(self, index: int) -> QRect:
        """Where word ``index`` is drawn, in viewport coordinates (tests click it)."""
        start, length = self._spans[index]
        a, b = QTextCursor(self.document()), QTextCursor(self.document())
        a.setPosition(start)
        b.setPosition(start + length)
        first, last = self.cursorRect(a), self.cursorRect(b)
        if first.top() != last.top():   # wrapped inside the word (cannot happen: words do not break)
            last = first.adjusted(0, 0, 8, 0)
        return QRect(first.left(), first.top(), max(1, last.left() - first.left()), first.height())

    # ----- following playback -----------------------------------------------------------------
    def set_position(self, t: float, *, scroll: bool = True) -> None:
        """Highlight the word being said at ``t`` seconds and (``scroll``) bring it into view."""
        index = current_word(self._starts, t)
        if index == self._current:
            return
        self._paint(self._current, highlighted=False)
        self._current = index
        self._paint(index, highlighted=True)
        if scroll and index is not None:
            self._scroll_to(index)

    def _paint(self, index: int | None, *, highlighted: bool) -> None:
        if index is None:
            return
        start, length = self._spans[index]
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat(self._formats[index])
        if highlighted:
            fmt.setBackground(QColor(CURRENT_WORD_BACKGROUND))
            fmt.setFontWeight(QFont.Weight.DemiBold)   # seen without colour too
        cursor.setCharFormat(fmt)

    def _scroll_to(self, index: int) -> None:
        rect = self.word_rect(index)
        view = self.viewport().rect()
        if view.top() <= rect.top() and rect.bottom() <= view.bottom():
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - int(SCROLL_TO_SHARE * view.height()))

    # ----- input ------------------------------------------------------------------------------
    def _on_anchor_clicked(self, url: QUrl) -> None:
        index = self._index_of(url.toString())
        if index is not None:
            self.word_activated.emit(float(self._words[index].start_s))

    def _index_of(self, href: str) -> int | None:
        if not href.startswith(WORD_HREF):
            return None
        try:
            index = int(href[len(WORD_HREF):])
        except ValueError:
            return None
        return index if 0 <= index < len(self._words) else None

    def viewportEvent(self, e) -> bool:  # noqa: N802 (Qt API): a word's time and kind as its tooltip
        if e.type() == QEvent.Type.ToolTip:
            index = self._index_of(self.anchorAt(e.pos()))
            if index is None:
                QToolTip.hideText()
                e.ignore()
            else:
                QToolTip.showText(e.globalPos(), self.word_tooltip(index), self.viewport())
            return True
        return super().viewportEvent(e)

    def word_tooltip(self, index: int) -> str:
        w = self._words[index]
        kind = "filler word · " if w.filler else ""
        return f"{fmt_clock(w.start_s, tenths=True)} · {kind}click to play from here"

    def keyPressEvent(self, e) -> None:  # noqa: N802 (Qt API): Space plays or pauses, as elsewhere in review
        if e.key() == Qt.Key.Key_Space:
            e.ignore()
            return
        super().keyPressEvent(e)
