"""At start-up: are the model files there (or can they be downloaded)? If not, the first screen
says what is missing and what to do, before the user opens a camera or a video."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from poise.vision.models import ModelError, resolve_models

logger = logging.getLogger(__name__)


class ModelCheck(QObject):
    """``start()``: models found at once -> ``ready``; else a download is tried on a daemon
    thread (the same one the first camera would start) -> ``ready`` or ``missing(message)``."""

    ready = Signal()
    missing = Signal(str)

    def start(self) -> None:
        try:
            resolve_models(download=False)
        except ModelError:
            # A daemon thread: a download cannot be interrupted, and must not hold up closing.
            threading.Thread(target=self._download, name="poise-model-download", daemon=True).start()
            return
        self.ready.emit()

    def _download(self) -> None:
        try:
            resolve_models(download=True)
        except ModelError as exc:
            self._emit(self.missing, str(exc))   # queued to the GUI thread
            return
        except Exception as exc:  # noqa: BLE001 (a broken cache folder, a full disk: said, not raised)
            logger.exception("model download failed")
            self._emit(self.missing, f"Poise could not get its model files: {exc}")
            return
        self._emit(self.ready)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:   # the window closed while the download ran: nobody to tell
            logger.info("model check finished after the window closed")
