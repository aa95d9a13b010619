"""SIGTERM and SIGHUP (logout, shutdown, `kill`) close the window like its close button: a running
session is finished and saved before the process exits.

Python runs signal handlers only between bytecodes, and Qt's event loop runs in C++; the
standard way out is `signal.set_wakeup_fd` on a socket pair that a QSocketNotifier watches,
so the handler runs on the GUI thread as soon as the signal arrives.
"""

from __future__ import annotations

import logging
import signal
import socket
from typing import Callable

from PySide6.QtCore import QObject, QSocketNotifier

logger = logging.getLogger(__name__)

# SIGHUP does not exist on Windows; there only SIGTERM (sent by few tools) is watched.
QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class QuitOnSignals(QObject):
    """While alive, the signals in ``QUIT_SIGNALS`` call ``on_quit()`` once on the GUI thread."""

    def __init__(self, on_quit: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_quit = on_quit
        self._reader, self._writer = socket.socketpair()
        for s in (self._reader, self._writer):
            s.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {sig: signal.signal(sig, self._note) for sig in QUIT_SIGNALS}
        self._received: list[int] = []
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)

    def _note(self, signum, _frame) -> None:
        self._received.append(signum)   # the wakeup fd has already woken the event loop

    def _on_wakeup(self) -> None:
        try:
            while self._reader.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        if self._received:
            names = ", ".join(signal.Signals(s).name for s in self._received)
            self._received.clear()
            logger.info("%s received: closing the window (a running session is saved)", names)
            self._on_quit()

    def uninstall(self) -> None:
        self._notifier.setEnabled(False)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
