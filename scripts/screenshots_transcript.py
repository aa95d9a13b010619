"""Screenshots of the transcript (issue 17): the Review page of a mock interview with a real
transcript at 1024x640, 1366x768 and 1920x1080 (review_transcript_WxH.png, the Transcript tab
with the word being played highlighted; review_transcript_questions_1366x768.png, the Questions
tab with each answer's pace), and its report (report_transcript.png from the HTML in headless
Chromium, report_transcript_pdf.png the PDF's page with the transcript, by pdftoppm).

    .venv/bin/python scripts/screenshots_transcript.py [--out DIR]   # xcb, under Xvfb when DISPLAY is unset

The shared voice clip is analysed and transcribed by the real model into a throw-away data
directory, as three answers of five seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
os.environ.setdefault("POISE_MODEL_DIR", str(SHARED / "models"))
from xdisplay import use_real_display  # noqa: E402

use_real_display()

from screenshots import pause, save  # noqa: E402

SIZES = ((1024, 640), (1366, 768), (1920, 1080))
CLIP = "voice__center_left_center.mp4"
QUESTIONS = ("Tell me about yourself.", "Tell me about a project you are proud of.", "What did you learn from it?")
ANSWER_S = 5.1
AT_S = 7.0   # a moment inside the second answer


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from poise.app.main_window import MainWindow
    from poise.app.review.pdf_export import export_pdf
    from poise.app.settings import Settings
    from poise.app.theme import apply_theme
    from poise.vision.analysis import analyze, open_video
    from poise.vision.reports.export import export_session, session_report
    from poise.vision.sessions.ingest import save_result
    from poise.vision.sessions.store import SessionStore
    from poise.vision.speech.transcribe import transcribe_session

    app = QApplication.instance() or QApplication(["poise"])
    app.setApplicationName("Poise")
    apply_theme(app)
    with tempfile.TemporaryDirectory(prefix="poise-transcript-") as home:
        store = SessionStore(home)
        with open_video(SHARED / "clips" / CLIP) as src:
            sid = save_result(store, analyze(src, keep_frames=True), kind="mock_interview")
        for i, question in enumerate(QUESTIONS):
            store.add_segment(sid, i, question, "about you", i * ANSWER_S,
                              None if i == len(QUESTIONS) - 1 else (i + 1) * ANSWER_S)
        recording = Path(home) / "recording.mp4"   # as a recorded mock interview: the clip is its recording
        shutil.copy(SHARED / "clips" / CLIP, recording)
        store.set_recording_path(sid, recording)
        transcript = transcribe_session(store, sid)
        print(f"transcript: {transcript.status.value}, {len(transcript.words)} words")
        for w_px, h_px in SIZES:
            settings = Settings(QSettings(os.path.join(home, f"poise-{w_px}.ini"), QSettings.Format.IniFormat))
            w = MainWindow(store, settings=settings, cameras=[])
            w.show()
            w.resize(w_px, h_px)
            w.tabs.setCurrentWidget(w.review)
            w.review.show_session(sid)
            view = w.review.view
            view.tabs.setCurrentWidget(view.transcript)
            pause(app, 1.0)
            view.seek(AT_S)
            pause(app, 1.0)
            save(w, args.out / f"review_transcript_{w_px}x{h_px}.png")
            if (w_px, h_px) == SIZES[1]:
                view.tabs.setCurrentWidget(view.questions)
                pause(app, 0.5)
                save(w, args.out / f"review_transcript_questions_{w_px}x{h_px}.png")
            w.close()
        with tempfile.TemporaryDirectory() as scratch:
            page = export_session(store, sid, "html", Path(scratch) / "report.html")
            pdf = export_pdf(session_report(store, sid), Path(scratch) / "report.pdf")
            shot = args.out / "report_transcript.png"
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--screenshot={shot}", "--window-size=1000,3300", page.as_uri()],
                           check=True, capture_output=True, timeout=120)
            print(f"{shot}: {shot.stat().st_size // 1024} KB")
            subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(Path(scratch) / "page")], check=True)
            pages = sorted(Path(scratch).glob("page-*.png"))
            text = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout for n in range(1, len(pages) + 1)]
            n = next(i for i, t in enumerate(text) if "\nTranscript\n" in f"\n{t}")
            shown = args.out / "report_transcript_pdf.png"
            shutil.copy(pages[n], shown)
            print(f"{shown}: page {n + 1} of {len(pages)} (the transcript's)")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
