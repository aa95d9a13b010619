"""Screenshots for docs/practice.md: the mock interview panel, the progress view (demo data) and the report.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_practice.py
The report is a real analysis of ../shared/clips/proctoringai__center_left_center.mp4 with three
questions and notes, rendered by headless Chromium (apt-get install chromium).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
CLIP = ROOT.parent / "shared" / "clips" / "proctoringai__center_left_center.mp4"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("POISE_MODEL_DIR", str(ROOT.parent / "shared" / "models"))


def interview_panel(app) -> None:
    from app.interview import InterviewPanel
    from vision.questions import all_questions, load_decks

    qs = [q for q in all_questions(load_decks(user_dir=ROOT / "none")[0]) if q.category == "Behavioural"]
    panel = InterviewPanel(rng=random.Random(3))
    panel.resize(1000, 600)
    panel.thinking_spin.setValue(0)
    t = [0.0]
    panel.begin(lambda: t[0], questions=[qs[2]] + qs[:4])
    t[0] = 47.0
    panel._on_tick()
    panel.show()
    app.processEvents()
    panel.grab().save(str(OUT / "mock_interview.png"))


def progress_view(app, home: Path) -> None:
    from app.progress_view import ProgressView
    from vision.store import SessionStore
    from vision.types import FrameScores, Summary

    rng = random.Random(4)
    with SessionStore(home / "progress") as store:
        t0 = datetime(2026, 9, 7, 18, tzinfo=timezone.utc)
        for k in range(14):  # demo data: six weeks of steady improvement with noise
            f = k / 13
            eye = min(1, 0.35 + 0.45 * f + rng.gauss(0, 0.06))
            posture = min(1, 0.62 + 0.25 * f + rng.gauss(0, 0.04))
            fidget = max(0, 0.32 - 0.22 * f + rng.gauss(0, 0.04))
            dur = rng.choice([240, 420, 600, 900])
            sid = store.create_session("mock_interview", "camera:0", settings={}, models={},
                                       started_at=t0 + timedelta(days=k * 3 + rng.random() * 1.5))
            store.append_frames(sid, [FrameScores(0, 0.0, eye, posture, fidget)])
            store.finish_session(sid, summary=Summary(dur, dur * 15, 0.95, eye, eye, posture, fidget, fidget, 2.0, {}),
                                 events=[], duration_s=dur)
        view = ProgressView(store)
        view.resize(1000, 560)
        view.refresh()
        view.show()
        app.processEvents()
        view.grab().save(str(OUT / "progress.png"))


def report(home: Path) -> None:
    from vision.analysis import analyze, open_video
    from vision.export import export_session
    from vision.store import SessionStore, save_result

    with open_video(CLIP) as src:
        result = analyze(src)
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


def main() -> int:
    from PySide6.QtWidgets import QApplication

    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    home = Path(tempfile.mkdtemp(prefix="poise-shots-"))
    try:
        interview_panel(app)
        progress_view(app, home)
        report(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    for p in sorted(OUT.glob("*.png")):
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
