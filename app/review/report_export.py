"""Export a session's report to share: the self-contained HTML (vision.reports.export) or its PDF (pdf_export)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from poise.vision.reports.export import ExportError, export_session, session_report
from poise.vision.sessions.store import StoreError

from poise.app.review.pdf_export import PdfExportError, export_pdf

logger = logging.getLogger(__name__)


class ReportExporter(QObject):
    """``export(session_id, "html" | "pdf", path)``; errors become one sentence, never a dialog."""

    exported = Signal(str)
    error_occurred = Signal(str)

    def __init__(self, store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def export(self, session_id: int, fmt: str, path: str | Path) -> Path | None:
        try:
            if fmt == "pdf":
                written = export_pdf(session_report(self._store, session_id), path)
            else:
                written = export_session(self._store, session_id, "html", path)
        except (ExportError, PdfExportError, StoreError) as exc:
            self.error_occurred.emit(str(exc))
            return None
        logger.info("session %d report written to %s", session_id, written)
        self.exported.emit(str(written))
        return Path(written)
