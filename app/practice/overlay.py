"""Paints the landmarks over the mirrored video: face contour, irises and the upper-body skeleton."""

from __future__ import annotations

import logging

import numpy as np
from mediapipe.tasks.python.vision import FaceLandmarksConnections, PoseLandmarksConnections
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from poise.vision.features import MIN_VISIBILITY
from poise.vision.types import FrameLandmarks

logger = logging.getLogger(__name__)

FACE_OVAL = tuple((c.start, c.end) for c in FaceLandmarksConnections.FACE_LANDMARKS_FACE_OVAL)
EYES = tuple((c.start, c.end) for c in (*FaceLandmarksConnections.FACE_LANDMARKS_LEFT_EYE,
                                         *FaceLandmarksConnections.FACE_LANDMARKS_RIGHT_EYE))
# Face mesh with irises: 468 and 473 are the iris centres, the next four points their rims.
IRISES = ((468, (469, 470, 471, 472)), (473, (474, 475, 476, 477)))
# Pose points 11-24: shoulders, elbows, wrists, hands and hips (the face is drawn from the mesh).
BODY_FIRST, BODY_LAST = 11, 24
SKELETON = tuple((c.start, c.end) for c in PoseLandmarksConnections.POSE_LANDMARKS
                 if BODY_FIRST <= c.start <= BODY_LAST and BODY_FIRST <= c.end <= BODY_LAST)
BODY_JOINTS = (11, 12, 13, 14, 15, 16, 23, 24)

FACE_COLOUR = QColor(255, 255, 255, 150)
IRIS_COLOUR = QColor("#7dd3fc")
BODY_COLOUR = QColor(52, 211, 153, 210)
# Line widths in logical pixels (Qt scales them on high-DPI screens).
FACE_WIDTH = 1.5
BODY_WIDTH = 3.0
JOINT_RADIUS = 4.0


def to_view(points: np.ndarray, rect: QRectF, mirrored: bool) -> np.ndarray:
    """Normalised image coordinates -> view coordinates inside ``rect`` (mirrored like the video)."""
    x = points[:, 0]
    if mirrored:
        x = 1.0 - x
    out = np.empty((len(points), 2), dtype=float)
    out[:, 0] = rect.left() + x * rect.width()
    out[:, 1] = rect.top() + points[:, 1] * rect.height()
    return out


def paint_overlay(painter: QPainter, rect: QRectF, lm: FrameLandmarks, *, mirrored: bool = True) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setClipRect(rect)
    if lm.pose is not None:
        _paint_body(painter, to_view(lm.pose, rect, mirrored), lm.pose[:, 3])
    if lm.face is not None:
        _paint_face(painter, to_view(lm.face, rect, mirrored))
    painter.restore()


def _lines(pts: np.ndarray, pairs) -> list[QLineF]:
    return [QLineF(pts[a, 0], pts[a, 1], pts[b, 0], pts[b, 1]) for a, b in pairs]


def _paint_face(painter: QPainter, pts: np.ndarray) -> None:
    pen = QPen(FACE_COLOUR, FACE_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLines(_lines(pts, FACE_OVAL + EYES))
    if len(pts) <= max(c for c, _ in IRISES):
        return   # a mesh without irises
    painter.setPen(QPen(IRIS_COLOUR, FACE_WIDTH))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for centre, rim in IRISES:
        c = pts[centre]
        r = float(np.mean(np.linalg.norm(pts[list(rim)] - c, axis=1)))
        painter.drawEllipse(QPointF(c[0], c[1]), r, r)
        painter.drawPoint(QPointF(c[0], c[1]))


def _paint_body(painter: QPainter, pts: np.ndarray, visibility: np.ndarray) -> None:
    seen = visibility >= MIN_VISIBILITY
    pen = QPen(BODY_COLOUR, BODY_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLines(_lines(pts, [(a, b) for a, b in SKELETON if seen[a] and seen[b]]))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BODY_COLOUR)
    for j in BODY_JOINTS:
        if seen[j]:
            painter.drawEllipse(QPointF(pts[j, 0], pts[j, 1]), JOINT_RADIUS, JOINT_RADIUS)
