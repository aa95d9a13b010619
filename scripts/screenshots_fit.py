"""Screenshots showing that the window fits: docs/screenshots/fit_*.png, the real window at
1024x640 (the smallest supported size), 1366x768 and 1920x1080 on a real X server.

    .venv/bin/python scripts/screenshots_fit.py      # xcb, under Xvfb when DISPLAY is unset

For each size: the Practice page with a clip as the camera and the one-time "not calibrated"
hint (fit_live_WxH.png) and the Review page of an analysed clip (fit_review_WxH.png); at
1024x640 also mock interview mode (fit_interview_1024x640.png). A throw-away data directory.
"""

from __future__ import annotations

import argparse
import os
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

from screenshots import pause, save, wait_until  # noqa: E402

SIZES = ((1024, 640), (1366, 768), (1920, 1080))
LIVE_CLIP = "tfjsmodels__facemesh_demo_input.mp4"
REVIEW_CLIP = "proctoringai__center_left_center.mp4"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.app.theme import apply_theme
    from poise.vision.analysis import AnalysisSettings, analyze, open_video
    from poise.vision.sessions.ingest import save_result
    from poise.vision.sessions.store import SessionStore

    app = QApplication.instance() or QApplication(["poise"])
    app.setApplicationName("Poise")
    apply_theme(app)
    with tempfile.TemporaryDirectory(prefix="poise-fit-") as home:
        store = SessionStore(home)
        with open_video(SHARED / "clips" / REVIEW_CLIP, AnalysisSettings()) as src:
            sid = save_result(store, analyze(src, keep_frames=True), kind="file")
        for w_px, h_px in SIZES:
            settings = Settings(QSettings(os.path.join(home, f"poise-{w_px}.ini"), QSettings.Format.IniFormat))
            w = MainWindow(store, settings=settings, cameras=[])
            w.show()
            w.resize(w_px, h_px)
            w.live.open_video_as_camera(SHARED / "clips" / LIVE_CLIP)
            wait_until(app, lambda: w.live.session.button.isEnabled(), what="models")
            w.practice.banner.show_uncalibrated()
            pause(app, 2.5)   # scores in the meters, a few seconds of rolling timeline
            tag = f"{w_px}x{h_px}"
            assert (w.width(), w.height()) == (w_px, h_px), f"window is {w.width()}x{w.height()}, not {tag}"
            save(w, args.out / f"fit_live_{tag}.png")
            if (w_px, h_px) == SIZES[0]:
                w.show_interview(True)
                pause(app, 1.0)
                save(w, args.out / f"fit_interview_{tag}.png")
                w.show_interview(False)
            w.live.close_source()
            w.practice.banner.hide()
            w.tabs.setCurrentWidget(w.review)
            w.review.show_session(sid)
            w.review.view.seek(6.0)
            pause(app, 1.0)
            save(w, args.out / f"fit_review_{tag}.png")
            w.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
