"""The main window: composes the Practice, Review and Progress pages, menus, shortcuts and the status bar."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QSizePolicy, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from poise.app.about import AboutDialog
from poise.app.quit_signals import QuitOnSignals
from poise.app.review.analyze_dialog import VIDEO_FILTER, AnalyzeVideoDialog
from poise.app.practice import LivePage
from poise.app.practice.model_check import ModelCheck
from poise.app.practice.practice_controller import PracticeController
from poise.app.progress.progress_page import ProgressView
from poise.app.review.player import SPEEDS
from poise.app.review.report_export import ReportExporter
from poise.app.review.session_view import sound_problem
from poise.app.review import ReviewPage
from poise.app.settings import Settings
from poise.app.theme import apply_theme
from poise.vision.audio.inputs import list_microphones
from poise.vision.sources import CameraSource, list_cameras

logger = logging.getLogger(__name__)

# The first window: this size when the screen has room, else the screen's available area.
DEFAULT_SIZE = (1360, 860)
# The smallest supported window (a 1024x640 netbook or a split-screen half): every control
# is reachable and nothing overlaps at this size (tests/test_window_fit.py).
MIN_SUPPORTED_SIZE = (1024, 640)
# Room left for the window manager's title bar and borders, which availableGeometry() does not
# subtract (about 30 px on GNOME, KDE and Xfce).
FRAME_ALLOWANCE = (0, 32)
# The mock interview's question column: 440 px (~25 characters of 24 pt question per line)
# when the window has room, down to its contents' minimum (~330 px) in a 1024 px window. Its
# width follows the window only, so the layout does not jump between short and long questions.
INTERVIEW_WIDTH = 440
STATUS_MESSAGE_MS = 6000
FIGURES_TEMPLATE = "Display 60 fps  ·  Scores 60/s  ·  Latency 999 ms  ·  Dropped 100% (9999/99999)"
# Testing hook: POISE_AUTOSTART_SESSION=1 starts a practice session as soon as the source and
# the models are ready (tests/test_window_xcb.py ends such a session with SIGTERM).
AUTOSTART_ENV = "POISE_AUTOSTART_SESSION"
AUTOSTART_POLL_MS = 100


class MainWindow(QMainWindow):
    """``cameras=None`` looks for cameras after the window shows; pass a list to skip that."""

    def __init__(self, store, *, settings: Settings | None = None, models=None, camera_file: str | None = None,
                 cameras: list[int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Poise")
        self.store = store
        self.settings = settings or Settings()
        self._models = models
        self._analyse: AnalyzeVideoDialog | None = None
        self.live = LivePage(store, models=models)
        self.live.microphone = self.settings.microphone
        self.review = ReviewPage(store)
        self._restore_playback()
        self.review.view.player.listening_changed.connect(self._remember_playback)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.progress = ProgressView(store)
        self.practice = PracticeController(store, self.live, self)
        self.reports = ReportExporter(store, self)
        self.tabs.addTab(self.live, "Practice")
        self.tabs.addTab(self.review, "Review")
        self.tabs.addTab(self.progress, "Progress")
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.tabs)
        self.setCentralWidget(central)
        # Mock interview mode: the question sits beside the mirror, on the Practice page only.
        self.practice.interview.setMaximumWidth(INTERVIEW_WIDTH)
        self.practice.interview.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.live.add_companion(self.practice.interview)
        # Calibration sits beside the mirror too (never over it): the user sees themselves.
        self.live.add_companion(self.practice.calibration_panel)
        # The calibration banner is about the Practice camera: on that page only, so it never
        # takes height from Review or Progress.
        self.live.add_banner(self.practice.banner)
        self.interview_button = self.live.add_toggle("Mock interview", "Practise answering interview questions (Ctrl+I)")
        self.figures_label = QLabel()
        # Room for long figures up front, so the status line does not jitter as numbers grow.
        self.figures_label.setMinimumWidth(self.figures_label.fontMetrics().horizontalAdvance(FIGURES_TEMPLATE))
        self.statusBar().addPermanentWidget(self.figures_label)
        self._build_actions()

        self.live.status_changed.connect(self.figures_label.setText)
        self.live.session_saved.connect(self._on_session_saved)
        self.live.open_video_requested.connect(self.choose_video_as_camera)
        self.live.analyse_requested.connect(self.open_analyse_dialog)
        self.live.rescan_requested.connect(self.find_cameras)
        self.live.controller.running_changed.connect(self._on_session_running)
        # Nothing is transcribed while a live session runs: the live path keeps both cores.
        self.live.controller.running_changed.connect(self.review.transcriber.set_held)
        self.live.error_occurred.connect(self._show_message)
        self.review.error_occurred.connect(self._show_message)
        self.progress.error_occurred.connect(self._show_message)
        self.progress.session_activated.connect(self._open_in_review)
        self.practice.error_occurred.connect(self._show_message)
        self.practice.review_requested.connect(self._open_in_review)
        self.practice.interview_shown.connect(self.interview_action.setChecked)
        self.practice.interview_shown.connect(self.interview_button.setChecked)
        self.interview_button.clicked.connect(self.show_interview)
        self.review.view.export_requested.connect(self.export_report)
        self.reports.error_occurred.connect(self._show_message)
        self.reports.exported.connect(lambda path: self._show_message(f"Report written to {path}."))
        self.tabs.currentChanged.connect(self._on_page_changed)

        # Through the actions, so menu, page toggles and settings agree from the start.
        for action, on in ((self.overlay_action, self.settings.overlay), (self.mute_action, self.settings.cues_muted),
                           (self.record_action, self.settings.record_video)):
            action.setChecked(not on)
            action.setChecked(on)
        if (geometry := self.settings.geometry()) is not None:
            self.restoreGeometry(geometry)
        self.fit_to_screen(first=geometry is None)
        self.review.refresh()
        # The first screen says when the model files are missing (and cannot be downloaded).
        self.model_check = ModelCheck(self)
        self.model_check.missing.connect(self.live.show_models_missing)
        if models is None:
            QTimer.singleShot(0, self.model_check.start)
        if camera_file:
            self.live.open_video_as_camera(camera_file)
        elif cameras is not None:
            self._use_cameras(cameras)
        else:
            QTimer.singleShot(0, self.find_cameras)

    def fit_to_screen(self, *, first: bool = True) -> None:
        """The first window is DEFAULT_SIZE or the screen's available area, whichever is smaller,
        centred; a remembered geometry larger than the screen (another monitor) is shrunk to fit."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        area = screen.availableGeometry()
        room_w, room_h = area.width() - FRAME_ALLOWANCE[0], area.height() - FRAME_ALLOWANCE[1]
        if first:
            w, h = min(DEFAULT_SIZE[0], room_w), min(DEFAULT_SIZE[1], room_h)
        elif self.width() > room_w or self.height() > room_h:
            w, h = min(self.width(), room_w), min(self.height(), room_h)
        else:
            return
        self.resize(max(w, MIN_SUPPORTED_SIZE[0]), max(h, MIN_SUPPORTED_SIZE[1]))
        self.move(area.left() + max(0, (area.width() - self.width()) // 2),
                  area.top() + max(0, (area.height() - FRAME_ALLOWANCE[1] - self.height()) // 2))

    # ----- actions -----------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: str | None = None, *, checkable: bool = False) -> QAction:
        a = QAction(text, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setCheckable(checkable)
        (a.toggled if checkable else a.triggered).connect(slot)
        menu.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.open_camera_file_action = self._action(f, "Open video file as camera…", self.choose_video_as_camera, "Ctrl+O")
        self.analyse_action = self._action(f, "Analyse video…", self.open_analyse_dialog, "Ctrl+Shift+A")
        f.addSeparator()
        self.export_html_action = self._action(f, "Export report as HTML…", lambda: self.export_report("html"), "Ctrl+E")
        self.export_pdf_action = self._action(f, "Export report as PDF…", lambda: self.export_report("pdf"), "Ctrl+Shift+E")
        f.addSeparator()
        self.quit_action = self._action(f, "Quit", self.close, "Ctrl+Q")
        self.camera_menu = mb.addMenu("&Camera")
        self._camera_group = QActionGroup(self)
        self._microphone_group = QActionGroup(self)
        s = mb.addMenu("&Session")
        self.session_action = self._action(s, "Start session", self.live.toggle_session, "Space")
        self.record_action = self._action(s, "Record video with the session", self._on_record_toggled, checkable=True)
        self.live.session.record_box.toggled.connect(self.record_action.setChecked)
        s.addSeparator()
        self.interview_action = self._action(s, "Mock interview", self.show_interview, "Ctrl+I")
        self.interview_action.setCheckable(True)   # triggered(checked): on/off; shown state follows the panel
        self.calibrate_action = self._action(s, "Calibrate…", self.practice.open_calibration, "Ctrl+K")
        v = mb.addMenu("&View")
        self.overlay_action = self._action(v, "Show overlay", self._on_overlay_toggled, "O", checkable=True)
        self.mute_action = self._action(v, "Mute cues", self._on_mute_toggled, "M", checkable=True)
        self.live.overlay_button.toggled.connect(self.overlay_action.setChecked)
        self.live.cues_button.toggled.connect(lambda on: self.mute_action.setChecked(not on))
        v.addSeparator()
        self._action(v, "Practice", lambda: self.tabs.setCurrentWidget(self.live), "Ctrl+1")
        self._action(v, "Review", lambda: self.tabs.setCurrentWidget(self.review), "Ctrl+2")
        self._action(v, "Progress", lambda: self.tabs.setCurrentWidget(self.progress), "Ctrl+3")
        h = mb.addMenu("&Help")
        self.about_action = self._action(h, "About Poise", self.show_about, "F1")

    def _rebuild_camera_menu(self, cameras: list[int]) -> None:
        m = self.camera_menu
        m.clear()
        for i in cameras:   # actions added by text belong to the menu: clear() deletes them
            a = m.addAction(f"Camera {i}")
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, i=i: self._choose_camera(i))
            self._camera_group.addAction(a)
        if not cameras:
            m.addAction("No camera found").setEnabled(False)
        m.addSeparator()
        m.addAction(self.open_camera_file_action)
        m.addAction("Look for cameras again").triggered.connect(self.find_cameras)
        self._add_microphone_choices(m)

    def _add_microphone_choices(self, m) -> None:
        """The microphone choice, next to the camera's: default, each device, or none."""
        m.addSeparator()
        m.addSection("Microphone")
        chosen = self.settings.microphone
        names = list_microphones()
        choices = [("System default microphone", ""), *((n, n) for n in names), ("No microphone (no sound)", None)]
        if chosen and chosen not in names:
            choices.insert(1, (f"{chosen} (not connected)", chosen))
        for text, value in choices:
            a = m.addAction(text)
            a.setCheckable(True)
            a.setChecked(value == chosen)
            a.triggered.connect(lambda _=False, v=value: self.choose_microphone(v))
            self._microphone_group.addAction(a)
        if not names:
            m.addAction("No microphone found").setEnabled(False)

    def choose_microphone(self, name: str | None) -> None:
        """Remember the microphone; a camera already open switches to it (never during a session)."""
        self.settings.microphone = name
        self.live.microphone = name
        p = self.live.pipeline()
        if p is not None and isinstance(p.source, CameraSource) and not self.live.controller.is_running():
            self._choose_camera(p.source.index)

    # ----- sources ---------------------------------------------------------------------------
    def find_cameras(self) -> None:
        if self.live.has_source() and self.live.controller.is_running():
            return   # never switch the camera under a running session
        self._use_cameras(list_cameras())

    def _use_cameras(self, cameras: list[int]) -> None:
        self._rebuild_camera_menu(cameras)
        if not cameras:
            if not self.live.has_source():
                self.live.show_empty_state()
            return
        preferred = self.settings.camera_index
        self._choose_camera(preferred if preferred in cameras else cameras[0])

    def _choose_camera(self, index: int) -> None:
        if self.live.open_camera(index):
            self.settings.camera_index = index

    def choose_video_as_camera(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a video file as camera", self.settings.last_video_dir,
                                              VIDEO_FILTER)
        if path:
            self.settings.last_video_dir = str(Path(path).parent)
            self.live.open_video_as_camera(path)
            self.tabs.setCurrentWidget(self.live)

    def open_analyse_dialog(self, path: str | None = None) -> AnalyzeVideoDialog:
        if self._analyse is None:
            self._analyse = AnalyzeVideoDialog(self.store, self._models, self)
            self._analyse.session_saved.connect(self._on_analysis_saved)
            self._analyse.session_kept.connect(self._on_session_saved)   # cancelled part-way
        self._analyse.show()
        self._analyse.raise_()
        if isinstance(path, (str, Path)) and path:
            self._analyse.start(path)
        return self._analyse

    def show_interview(self, on: bool = True) -> None:
        """Mock interview mode on/off: the question beside the mirror on the Practice page."""
        if on:
            self.tabs.setCurrentWidget(self.live)
        self.practice.show_interview(on)

    def export_report(self, fmt: str, path: str | None = None):
        """Export the session shown in review (HTML or PDF); asks for a file name unless given."""
        sid = self.review.view.current_session_id()
        if sid is None:
            self._show_message("Open a session in Review first, then export its report.")
            return None
        self.review.view.flush_notes()
        if path is None:
            suffix = "PDF (*.pdf)" if fmt == "pdf" else "HTML (*.html)"
            start = str(Path(self.settings.last_export_dir) / f"poise-session-{sid}.{fmt}")
            path, _ = QFileDialog.getSaveFileName(self, "Export report", start, suffix)
            if not path:
                return None
            self.settings.last_export_dir = str(Path(path).parent)
        return self.reports.export(sid, fmt, path)

    def start_session_when_ready(self) -> None:
        """Start a session once the live source has its models (the session button is enabled)."""
        timer = QTimer(self)
        timer.setInterval(AUTOSTART_POLL_MS)

        def poll() -> None:
            if self.live.session.button.isEnabled() and not self.live.controller.is_running():
                timer.stop()
                self.live.start_session()

        timer.timeout.connect(poll)
        timer.start()

    # ----- handlers ------------------------------------------------------------------------------
    def _open_in_review(self, session_id: int) -> None:
        self.tabs.setCurrentWidget(self.review)
        self.review.show_session(session_id)

    def _on_session_saved(self, session_id: int) -> None:
        self.review.refresh()
        self.progress.refresh()
        self._show_message("Session saved. Review it on the Review page (Ctrl+2).")
        self._transcribe_if_recorded(session_id)

    def _on_analysis_saved(self, session_id: int) -> None:
        self.progress.refresh()
        self._open_in_review(session_id)
        self._transcribe_if_recorded(session_id)

    def _transcribe_if_recorded(self, session_id: int) -> None:
        """A new session with a recording (or an analysed file) is transcribed in the background."""
        try:
            info = self.store.get_session(session_id)
        except Exception as exc:  # StoreError: the session was deleted meanwhile
            logger.warning("cannot look up session %d to transcribe it: %s", session_id, exc)
            return
        if sound_problem(info) is None:
            self.review.transcriber.request(session_id)

    def _on_session_running(self, running: bool) -> None:
        self.session_action.setText("Stop session" if running else "Start session")
        self.record_action.setEnabled(not running)

    def _on_page_changed(self, index: int) -> None:
        # Space belongs to the recording player on the Review page.
        self.session_action.setEnabled(self.tabs.widget(index) is self.live)
        if self.tabs.widget(index) is self.progress:
            self.progress.refresh()

    def _on_overlay_toggled(self, on: bool) -> None:
        self.live.set_overlay(on)
        self.settings.overlay = on

    def _on_mute_toggled(self, muted: bool) -> None:
        self.live.set_muted(muted)
        self.settings.cues_muted = muted

    def _on_record_toggled(self, on: bool) -> None:
        self.live.session.record_box.setChecked(on)
        self.settings.record_video = on

    def _restore_playback(self) -> None:
        """The review player's volume, speed and mute as the user last left them."""
        player = self.review.view.player
        volume, speed, muted = self.settings.playback()
        if volume is not None:
            player.set_volume(volume)
        if speed in SPEEDS:
            player.set_speed(speed)
        player.set_muted(muted)

    def _remember_playback(self) -> None:
        player = self.review.view.player
        self.settings.save_playback(player.volume(), player.speed(), player.muted())

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    def show_about(self) -> AboutDialog:
        dlg = AboutDialog(self.store.root, self)
        dlg.open()   # window-modal, does not block the event loop
        return dlg

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.settings.save_geometry(self.saveGeometry())
        self.settings.sync()
        if self._analyse is not None:
            self._analyse.shutdown()
        self.live.shutdown()
        self.review.shutdown()
        super().closeEvent(event)


def run(*, camera_file: str | None = None, data_dir: str | None = None) -> int:
    """Start the GUI; returns the exit code. The store is opened here and closed at the end."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from poise.app.system_libs import undo_opencv_qt_env
    from poise.vision.sessions.store import SessionStore, StoreError, data_dir as resolve_data_dir

    undo_opencv_qt_env()   # also when run() is called without the launcher (scripts)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Poise")
    app.setOrganizationName("Poise")
    apply_theme(app)
    try:
        store = SessionStore(resolve_data_dir(data_dir))
    except StoreError as exc:
        print(f"poise: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Poise", str(exc))
        return 2
    try:
        window = MainWindow(store, camera_file=camera_file)
        window.show()
        # SIGTERM/SIGHUP: like the close button (the session is finished and saved), then quit.
        quit_on_signals = QuitOnSignals(lambda: (window.close(), app.quit()))
        if os.environ.get(AUTOSTART_ENV) == "1":
            window.start_session_when_ready()
        code = app.exec()
        quit_on_signals.uninstall()
        return code
    finally:
        store.close()
