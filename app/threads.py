"""One way to give a QObject worker its own QThread: the inference (live) and file-analysis workers use it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread


def worker_thread(worker: QObject, name: str) -> QThread:
    """Move ``worker`` to a new, not yet started QThread that runs ``worker.run`` when started
    and quits when the worker emits ``finished``. The quit is a direct connection, made from the
    worker's own thread, so the GUI thread may block in ``thread.wait()`` without the quit
    request waiting in its own event queue."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    return thread
