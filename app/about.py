"""The About box: what Poise is, and the versions of Poise, MediaPipe, Qt, OpenCV and the model files."""

from __future__ import annotations

import logging
import platform
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from poise.app.theme import TEXT_MUTED

logger = logging.getLogger(__name__)


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions(data_dir: Path | None = None) -> list[tuple[str, str]]:
    """(label, value) rows for the About box (also handy in bug reports)."""
    import cv2
    import PySide6

    from poise.vision.models import ALL_MODELS, MODEL_DIR_ENV, ModelError, resolve_models

    rows = [
        ("Poise", _dist_version("poise")),
        ("MediaPipe", _dist_version("mediapipe")),
        ("Qt / PySide6", f"{qVersion()} / {PySide6.__version__}"),
        ("OpenCV", cv2.__version__),
        ("Python", platform.python_version()),
    ]
    try:
        paths = resolve_models(download=False)
        where = {paths.face.name: paths.face, paths.pose.name: paths.pose, paths.hand.name: paths.hand}
    except ModelError:
        where = {}
    for spec in ALL_MODELS:
        found = where.get(spec.filename)
        state = f"sha256 {spec.sha256[:12]}" + ("" if found else f" (not found; set {MODEL_DIR_ENV} or let Poise download it)")
        rows.append((spec.filename, state))
    if data_dir is not None:
        rows.append(("Your sessions", str(data_dir)))
    return rows


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Poise")
        self.setMinimumWidth(520)
        title = QLabel("Poise")
        title.setStyleSheet("font-size: 20pt; font-weight: 700;")
        blurb = QLabel("Practise the body language of job interviews in front of your webcam: eye contact, "
                       "posture and fidgeting, scored on your own computer. Nothing leaves this machine.")
        blurb.setWordWrap(True)
        blurb.setStyleSheet(f"color: {TEXT_MUTED};")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(16)
        self.rows = versions(data_dir)
        for label, value in self.rows:
            v = QLabel(value)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setWordWrap(True)
            form.addRow(QLabel(f"<b>{label}</b>"), v)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.setSpacing(12)
        lay.addWidget(title)
        lay.addWidget(blurb)
        lay.addLayout(form)
        lay.addWidget(buttons)
