"""A frame of the video to click on: whose face File › Analyse video scores (vision.person)."""

from __future__ import annotations

import logging
import os

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from poise.app.theme import TEXT_MUTED
from poise.vision.person import LARGEST, PersonChoice
from poise.vision.sources import SourceError, VideoFileSource

logger = logging.getLogger(__name__)

# The preview frame is taken this far into the video: the first frame is often a fade-in or a
# call app's "connecting" screen.
PREVIEW_AT_S = 1.0
MARKER = QColor("#f59e0b")


def preview_frame(path: str | os.PathLike) -> np.ndarray | None:
    """A BGR frame about PREVIEW_AT_S into the video (the last one for shorter videos)."""
    try:
        with VideoFileSource(path) as src:
            wanted = int(PREVIEW_AT_S * src.fps)
            image = None
            for frame in src:
                image = frame.image
                if frame.index >= wanted:
                    break
            return image
    except SourceError:
        return None


class _Picture(QWidget):
    clicked = Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.image: QImage | None = None
        self._array: np.ndarray | None = None
        self.point: tuple[float, float] | None = None

    def set_image(self, bgr: np.ndarray | None) -> None:
        if bgr is None:
            self.image = self._array = None
        else:
            self._array = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            h, w = self._array.shape[:2]
            self.image = QImage(self._array.data, w, h, self._array.strides[0], QImage.Format.Format_RGB888)
        self.update()

    def image_rect(self) -> QRectF | None:
        if self.image is None:
            return None
        w, h = self.image.width(), self.image.height()
        scale = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(480, 220)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        rect = self.image_rect()
        pos = event.position()
        if rect is not None and rect.contains(pos) and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit((pos.x() - rect.left()) / rect.width(), (pos.y() - rect.top()) / rect.height())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#0f172a"))
        rect = self.image_rect()
        if rect is not None:
            p.drawImage(rect, self.image)
            if self.point is not None:
                p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                p.setPen(QPen(MARKER, 3))
                r = max(10.0, rect.height() * 0.06)
                p.drawEllipse(QPointF(rect.left() + self.point[0] * rect.width(),
                                      rect.top() + self.point[1] * rect.height()), r, r)
        p.end()


class PersonPicker(QWidget):
    """Shows a frame of the video; a click on a face chooses it ("X,Y" for --person),
    "Largest face" goes back to the default. ``choice`` is what the analysis is given."""

    choice_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = _Picture()
        self.picture.clicked.connect(self.choose_point)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {TEXT_MUTED};")
        self.reset_button = QPushButton("Largest face")
        self.reset_button.setToolTip("Score the largest face (the default)")
        self.reset_button.clicked.connect(self.reset)
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.reset_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.picture, 1)
        lay.addLayout(row)
        self._choice: PersonChoice = LARGEST
        self._path: str | None = None
        self._show_choice()
        self.setVisible(False)

    @property
    def choice(self) -> str:
        return str(self._choice)

    def load(self, path: str | os.PathLike) -> bool:
        """Show a frame of ``path`` (a new video resets the choice); False if none decodes."""
        if str(path) == self._path:
            return self.picture.image is not None
        self._path = str(path)
        self._choice = LARGEST
        self.picture.point = None
        image = preview_frame(path)
        self.picture.set_image(image)
        self.setVisible(image is not None)
        self._show_choice()
        return image is not None

    def choose_point(self, x: float, y: float) -> None:
        self._choice = PersonChoice("point", round(x, 3), round(y, 3))
        self.picture.point = (x, y)
        self.picture.update()
        self._show_choice()

    def reset(self) -> None:
        self._choice = LARGEST
        self.picture.point = None
        self.picture.update()
        self._show_choice()

    def _show_choice(self) -> None:
        if self._choice.kind == "point":
            self.label.setText("Scoring the face you clicked, followed through the video.")
        else:
            self.label.setText("Scoring the largest face. More than one person (a call recording)? "
                               "Click the face to score.")
        self.reset_button.setEnabled(self._choice.kind == "point")
        self.choice_changed.emit(self.choice)
