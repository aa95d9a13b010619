"""The GUI guards of conftest.py apply to every test that makes a widget, without opting in."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.gui


def test_a_widget_test_refuses_modal_dialogs_without_asking(qtbot, request):
    from PySide6.QtWidgets import QMessageBox

    with pytest.raises(AssertionError, match="unexpected modal dialog"):
        QMessageBox.warning(None, "Poise", "a dialog nobody expected")
    request.getfixturevalue("no_modal_dialogs").clear()   # seen; the guard's own end check passes


def test_a_widget_test_is_checked_for_threads_left_running(qtbot, request):
    assert "no_dangling_threads" in request.fixturenames
    done = threading.Event()
    worker = threading.Thread(target=done.wait, name="finishes-in-time")
    worker.start()
    done.set()
    worker.join()
