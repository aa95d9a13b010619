"""Checks over a whole window: labels drawn shorter than their text, widgets below their minimum
size, outside their parent (cut off) or overlapping a sibling. Each returns readable problems.

Used by the autouse `labels_fit` fixture in conftest.py (every GUI test) and by
tests/test_window_fit.py (the real window at 1024x640, 1366x768 and 1920x1080).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractScrollArea, QLabel, QScrollArea, QSizePolicy, QSplitter, QStackedWidget,
                               QWidget)

# Sub-pixel rounding between a layout's and a label's own arithmetic.
TOLERANCE_PX = 1


def _name(w: QWidget) -> str:
    text = w.text() if isinstance(w, QLabel) else (w.text() if hasattr(w, "text") and callable(w.text) else "")
    text = (text or "").replace("\n", " ")
    label = f" {text[:40]!r}" if text else ""
    obj = f"#{w.objectName()}" if w.objectName() else ""
    parents = []
    p = w.parentWidget()
    while p is not None and len(parents) < 3:
        parents.append(type(p).__name__)
        p = p.parentWidget()
    return f"{type(w).__name__}{obj}{label} (in {' < '.join(parents)})"


def shown_widgets(root: QWidget) -> list[QWidget]:
    """``root`` and its descendants that are on screen (shown, with every ancestor shown)."""
    return [w for w in [root, *root.findChildren(QWidget)] if w.isVisible() and not w.isWindow() or w is root]


def clipped_labels(root: QWidget) -> list[str]:
    """Labels drawn narrower or shorter than their text needs (word-wrapped: heightForWidth)."""
    problems = []
    for w in shown_widgets(root):
        if not isinstance(w, QLabel) or w.pixmap() is not None and not w.pixmap().isNull() or not w.text():
            continue
        if w.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored:
            continue   # an eliding label (ElidedLabel) shortens its text on purpose, with a tooltip
        hint = w.sizeHint()
        if w.wordWrap():
            need_h = w.heightForWidth(w.width())
            if need_h > w.height() + TOLERANCE_PX:
                problems.append(f"{_name(w)}: {w.width()}x{w.height()} px, its text needs {need_h} px of height")
        elif hint.width() > w.width() + TOLERANCE_PX or hint.height() > w.height() + TOLERANCE_PX:
            problems.append(f"{_name(w)}: {w.width()}x{w.height()} px, its text needs "
                            f"{hint.width()}x{hint.height()} px")
    return problems


def _layout_holds(lay, w: QWidget) -> bool:
    if lay.indexOf(w) >= 0:
        return True
    for i in range(lay.count()):
        child = lay.itemAt(i).layout()
        if child is not None and _layout_holds(child, w):
            return True
    return False


def _laid_out(w: QWidget) -> bool:
    """True when ``w`` is placed by its parent's layout (not floating, not inside a splitter/stack)."""
    p = w.parentWidget()
    return p is not None and p.layout() is not None and _layout_holds(p.layout(), w)


def _smart_minimum(w: QWidget) -> tuple[int, int]:
    """The minimum a layout honours (Qt's qSmartMinSize): an explicit minimum, else the
    minimum size hint, unless the size policy ignores hints."""
    hint, policy = w.minimumSizeHint(), w.sizePolicy()
    ignored = QSizePolicy.Policy.Ignored
    min_w = w.minimumWidth() or (0 if policy.horizontalPolicy() == ignored else hint.width())
    min_h = w.minimumHeight() or (0 if policy.verticalPolicy() == ignored else hint.height())
    return max(0, min_w), max(0, min_h)


def _scrolled_content(w: QWidget) -> bool:
    """The content of a scroll area may be larger than its viewport: that is what scrolls."""
    p = w.parentWidget()
    return p is not None and isinstance(p.parentWidget(), QAbstractScrollArea) and p is p.parentWidget().viewport()


def layout_problems(root: QWidget, *, may_scroll: tuple[QScrollArea, ...] = ()) -> list[str]:
    """Widgets below their minimum size, reaching outside their parent, or overlapping a sibling.

    A scroll area's content may extend past its viewport only for scroll areas in ``may_scroll``;
    elsewhere anything scrolled out of view is reported as cut off."""
    problems = []
    shown = shown_widgets(root)
    for w in shown:
        if w is root:
            continue
        p = w.parentWidget()
        if _laid_out(w):
            min_w, min_h = _smart_minimum(w)
            if w.width() + TOLERANCE_PX < min_w or w.height() + TOLERANCE_PX < min_h:
                problems.append(f"{_name(w)}: {w.width()}x{w.height()} px, below its minimum {min_w}x{min_h}")
        if _scrolled_content(w):
            area = p.parentWidget()
            if area not in may_scroll and (w.height() > p.height() + TOLERANCE_PX or w.width() > p.width() + TOLERANCE_PX):
                problems.append(f"{_name(w)}: {w.width()}x{w.height()} px of content in a "
                                f"{p.width()}x{p.height()} px scroll area: part of it is hidden")
            continue
        if isinstance(p, (QSplitter, QStackedWidget)) or not _laid_out(w):
            if not p.rect().adjusted(-TOLERANCE_PX, -TOLERANCE_PX, TOLERANCE_PX, TOLERANCE_PX).contains(w.geometry()):
                problems.append(f"{_name(w)} at {w.geometry().getRect()} reaches outside its parent "
                                f"({p.width()}x{p.height()})")
            continue
        if not p.rect().adjusted(-TOLERANCE_PX, -TOLERANCE_PX, TOLERANCE_PX, TOLERANCE_PX).contains(w.geometry()):
            problems.append(f"{_name(w)} at {w.geometry().getRect()} reaches outside its parent "
                            f"({p.width()}x{p.height()})")
    # Overlap: siblings placed by the same layout.
    for p in shown:
        lay = p.layout()
        if lay is None:
            continue
        kids = [c for c in p.findChildren(QWidget, options=_direct()) if c.isVisible() and _layout_holds(lay, c)]
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                inter = a.geometry().intersected(b.geometry())
                if inter.width() > TOLERANCE_PX and inter.height() > TOLERANCE_PX:
                    problems.append(f"{_name(a)} and {_name(b)} overlap ({inter.width()}x{inter.height()} px)")
    return problems


def _direct():
    from PySide6.QtCore import Qt

    return Qt.FindChildOption.FindDirectChildrenOnly
