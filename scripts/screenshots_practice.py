"""Screenshots for docs/practice.md: mock interview mode and Progress in the real window, and the report.

Usage: .venv/bin/python scripts/screenshots_practice.py [--only NAME ...]
(draws on a real X server, xcb under Xvfb when DISPLAY is unset; QT_QPA_PLATFORM=offscreen: off screen)

- mock_interview.png: the real main window with a shared clip as the camera, calibrated from
  the live feed, in mock interview mode (the question beside the mirror, answer timer running).
- progress.png: the real window's Progress page over sessions analysed here from real clips
  (each clip played several times in a row so it lasts a full minute, like a practice session),
  dated a week apart, oldest = the clip with the most looking away.
- report.png: a real analysis of ../shared/clips/proctoringai__center_left_center.mp4 with three
  questions and notes, rendered by headless Chromium (apt-get install chromium).
Everything runs in a throw-away data directory; your own sessions are not touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / "docs" / "screenshots"
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
CLIP = SHARED / "clips" / "proctoringai__center_left_center.mp4"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from xdisplay import use_real_display  # noqa: E402

use_real_display()   # xcb under Xvfb unless QT_QPA_PLATFORM says otherwise
os.environ.setdefault("POISE_MODEL_DIR", str(SHARED / "models"))

from screenshots import pause, save, wait_until  # noqa: E402  (the live-window shots' helpers)

INTERVIEW_WINDOW = (1360, 860)   # the window's default size
PROGRESS_WINDOW = (1200, 720)
# A man facing the lens, very still, shoulders in view (2.4 s, looped as the camera).
INTERVIEW_CLIP = "pyfeat__single_face.mp4"
# Oldest first: the clip with the most looking away and fidgeting, then calmer ones, so the
# chart reads like weeks of practice. Each is played until the session lasts PROGRESS_MIN_S.
PROGRESS_CLIPS = ("video4j__pexels-kindel-media-8164110.mp4", "mediapipe__selfie_segmentation_web.mp4",
                  "tfjsmodels__facemesh_demo_input.mp4", "proctoringai__center_left_center.mp4",
                  "proctoringai__center_focus.mp4")
# vision.progress only crowns sessions of at least a minute as "best".
PROGRESS_MIN_S = 62.0
QUESTION_SEED = 11


def new_window(app, home: Path, size):
    from PySide6.QtCore import QSettings

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore

    store = SessionStore(home)
    settings = Settings(QSettings(str(home / "poise.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, settings=settings, cameras=[])
    w.resize(*size)
    w.show()
    return w, store


def good_moment(live) -> bool:
    s = live.last_scores
    return (s is not None and s.eye_contact is not None and s.posture is not None
            and s.eye_contact >= 0.9 and s.posture >= 0.8)


def mock_interview(app, home: Path) -> None:
    w, store = new_window(app, home, INTERVIEW_WINDOW)
    live = w.live
    try:
        live.open_video_as_camera(SHARED / "clips" / INTERVIEW_CLIP)
        wait_until(app, lambda: live.session.button.isEnabled(), what="models")
        # Calibrate from the live feed first, as a user would (Session > Calibrate…).
        dlg = w.practice.open_calibration()
        wait_until(app, lambda: good_moment(live), what="an upright, on-camera moment")
        dlg.start(countdown=0)
        wait_until(app, lambda: dlg.state in ("saved", "error"), what="calibration")
        if dlg.state != "saved":
            raise RuntimeError(f"calibration failed: {dlg.status.text()}")
        dlg.close()

        w.show_interview()
        panel = w.practice.interview
        panel._rng.seed(QUESTION_SEED)   # the same questions on every run
        panel.count_spin.setValue(5)
        panel.thinking_spin.setValue(0)
        panel.start_button.click()
        wait_until(app, lambda: (live.controller.clock() or 0) > 3.0, what="the first answer")
        panel.next_button.click()        # on to question 2
        t = live.controller.clock()
        wait_until(app, lambda: (live.controller.clock() or 0) > t + 5.0, what="5 s into the second answer")
        try:   # a calm moment without a cue reads best; any on-camera moment will do
            wait_until(app, lambda: good_moment(live) and live.cue_banner.cue_text() is None, timeout=10,
                       what="a calm moment")
        except TimeoutError:
            wait_until(app, lambda: good_moment(live), what="an on-camera moment")
        pause(app, 0.15)
        save(w, OUT / "mock_interview.png")
        panel.end_button.click()
        pause(app, 0.5)
    finally:
        w.close()
        store.close()


class LoopedClip:
    """A clip played ``loops`` times in a row as one source; frame numbers and timestamps keep
    increasing across the joins (MediaPipe's VIDEO mode needs that)."""

    is_live = False

    def __init__(self, path: Path, loops: int, settings) -> None:
        from poise.vision.analysis import open_video

        with open_video(path, settings) as probe:
            self.fps, self.stride, count = probe.fps, probe.stride, probe.frame_count
        self.path, self.loops, self.settings = path, loops, settings
        self.name = str(path)
        self.frame_count = None if count is None else count * loops
        self.warnings: list[str] = []

    def __iter__(self):
        from poise.vision.analysis import open_video
        from poise.vision.types import Frame

        offset = 0
        for _ in range(self.loops):
            with open_video(self.path, self.settings) as src:
                for f in src:
                    i = offset + f.index
                    yield Frame(i, int(round(i * 1000.0 / self.fps)), f.image)
                offset += src.frames_decoded


def progress_page(app, home: Path) -> None:
    import math

    from poise.vision.analysis import AnalysisSettings, analyze, open_video
    from poise.vision.sessions.store import SessionStore

    settings = AnalysisSettings()
    first = datetime(2026, 10, 5, 18, 30, tzinfo=timezone.utc)
    with SessionStore(home) as store:
        for k, name in enumerate(PROGRESS_CLIPS):
            path = SHARED / "clips" / name
            with open_video(path, settings) as probe:
                length = (probe.duration_s or 10.0)
            source = LoopedClip(path, math.ceil(PROGRESS_MIN_S / length), settings)
            result = analyze(source, settings=settings, keep_frames=True)
            started = first + timedelta(days=7 * k + (k % 3), hours=k % 2)
            sid = store.create_session("file", result.source, settings=result.settings, models=result.models,
                                       started_at=started)
            store.append_frames(sid, result.frames)
            store.finish_session(sid, summary=result.summary, events=result.events,
                                 duration_s=result.summary.duration_s)
            s = result.summary
            print(f"  {name}: {s.duration_s:.0f} s, eye contact {s.eye_contact_share}, posture {s.mean_posture}, "
                  f"fidgeting {s.fidgeting_share}")
    w, store = new_window(app, home, PROGRESS_WINDOW)
    try:
        w.tabs.setCurrentWidget(w.progress)
        pause(app, 0.5)
        save(w, OUT / "progress.png")
    finally:
        w.close()
        store.close()


def report(home: Path) -> None:
    from poise.vision.analysis import analyze, open_video
    from poise.vision.reports.export import export_session
    from poise.vision.sessions.ingest import save_result
    from poise.vision.sessions.store import SessionStore

    with open_video(CLIP) as src:
        result = analyze(src, keep_frames=True)
    with SessionStore(home / "report") as store:
        sid = save_result(store, result, kind="mock_interview")
        a = store.add_segment(sid, 0, "Tell me about yourself.", "About you", 0.4, 5.6)
        b = store.add_segment(sid, 1, "Tell me about a time you disagreed with a colleague. What did you do?",
                              "Behavioural", 5.8, 11.6)
        c = store.add_segment(sid, 2, "Do you have any questions for us?", "Closing", 11.8, 15.2)
        store.set_segment_notes(a, went_well="Calm opening, steady eye contact.",
                                do_better="Lead with the current role, not the degree.")
        store.set_segment_notes(b, went_well="Good example; clear result at the end.",
                                do_better="Kept looking at my notes on the left — glance, then back to the lens.")
        store.set_segment_notes(c, went_well="Asked about the team's first-year goals.")
        store.set_notes(sid, notes="Second run of the behavioural set. Laptop on a stack of books so the camera "
                                   "is at eye level.", went_well="Posture stayed upright the whole time.",
                        do_better="Eye contact drops when I think: look at the lens <i>before</i> I start the story.")
        html = export_session(store, sid, "html")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={OUT / 'report.png'}", "--window-size=1100,1700", html.as_uri()],
                   check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from poise.app.theme import apply_theme

    shots = {"mock_interview": mock_interview, "progress": progress_page, "report": lambda app, home: report(home)}
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=sorted(shots), help="take only these screenshots")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["poise"])
    app.setApplicationName("Poise")
    apply_theme(app)
    for name in args.only or shots:
        home = Path(tempfile.mkdtemp(prefix=f"poise-shots-{name}-"))
        try:
            shots[name](app, home)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    for p in sorted(OUT.glob("*.png")):
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
