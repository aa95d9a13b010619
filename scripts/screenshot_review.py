"""Screenshot of the Review page on a real analysed clip: docs/screenshots/review.png.

Usage: .venv/bin/python scripts/screenshot_review.py [--clip NAME] [--at SECONDS]
(draws on a real X server, xcb under Xvfb when DISPLAY is unset; QT_QPA_PLATFORM=offscreen: off screen)

docs/screenshots/review_speaking.png (the speaking lane) is this script with
--clip voice__center_left_center.mp4 --at 8 --out docs/screenshots/review_speaking.png.

Analyses the clip into a throw-away data directory (your own sessions are not touched), opens
the Review page on it, jumps to a moment and grabs the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
os.environ.setdefault("POISE_MODEL_DIR", str(SHARED / "models"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from xdisplay import use_real_display  # noqa: E402

use_real_display()   # xcb under Xvfb unless QT_QPA_PLATFORM says otherwise

# A clip with all three event kinds and a short not-measurable stretch (see clips/SOURCES.md).
DEFAULT_CLIP = "video4j__pexels-kindel-media-8164110.mp4"
# Shorter clips analysed first, so the sessions list is not a single row.
OTHER_CLIPS = ("pyfeat__face_noface.mov", "grid_lipnet__lbax4n.mpg")
WINDOW_SIZE = (1360, 840)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", default=DEFAULT_CLIP)
    ap.add_argument("--at", type=float, default=4.0, help="moment to jump to, seconds")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "review.png")
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from poise.app.review import ReviewPage
    from poise.vision.analysis import analyze, open_video
    from poise.vision.sessions.ingest import save_result
    from poise.vision.sessions.store import SessionStore

    app = QApplication.instance() or QApplication(["poise"])
    with tempfile.TemporaryDirectory() as home:
        store = SessionStore(home)
        for name in OTHER_CLIPS:
            with open_video(SHARED / "clips" / name) as src:
                save_result(store, analyze(src, keep_frames=True), kind="file")
        with open_video(SHARED / "clips" / args.clip) as src:
            sid = save_result(store, analyze(src, keep_frames=True), kind="file")
        page = ReviewPage(store)
        page.setWindowTitle("Poise — Review")
        page.resize(*WINDOW_SIZE)
        page.show()
        page.show_session(sid)
        page.view.notes.edits["went_well"].setPlainText("Kept talking calmly through the hard question.")
        _spin(app, 0.5)
        page.view.seek(args.at)
        _spin(app, 0.7)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(args.out))
        page.shutdown()
        page.close()
        store.close()
    print(f"{args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


def _spin(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


if __name__ == "__main__":
    raise SystemExit(main())
