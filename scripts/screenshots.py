"""Screenshots of the real window for the docs: the live mirror (overlay, meters, a cue), the
no-camera empty state and the Review page of a live session recorded here (mock interview mode
and Progress: scripts/screenshots_practice.py).

    .venv/bin/python scripts/screenshots.py                              # xcb, under Xvfb if no DISPLAY
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py    # off screen

Shared clips are played as the camera into a throw-away data directory (your own sessions are
not touched). PNGs go to docs/screenshots/ as small palette images (< 300 KB each).
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

WINDOW_SIZE = (1360, 860)
# Well lit, shoulders in view, looks at the lens: the overlay and meters read clearly.
LIVE_CLIP = "tfjsmodels__facemesh_demo_input.mp4"
# Looks off-camera with a hand on his head: a look-away event, so a cue appears.
CUE_CLIP = "video4j__pexels-kindel-media-8164110.mp4"
MAX_BYTES = 300_000
TIMEOUT_S = 90.0


def wait_until(app, cond, timeout: float = TIMEOUT_S, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def pause(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(widget, path: Path) -> None:
    """Grab and store the first encoding under MAX_BYTES: full colour, else 8-bit palette
    (error-diffusion dither looks best on the video; ordered dither compresses better)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = widget.grab().toImage()
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = Qt.ImageConversionFlag
    candidates = [lambda: image,
                  lambda: image.convertToFormat(QImage.Format.Format_Indexed8, flags.DiffuseDither),
                  lambda: image.convertToFormat(QImage.Format.Format_Indexed8, flags.OrderedDither),
                  lambda: image.convertToFormat(QImage.Format.Format_Indexed8, flags.ThresholdDither)]
    for make in candidates:
        make().save(str(path))
        if path.stat().st_size < MAX_BYTES:
            break
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{shown}: {image.width()}x{image.height()}, {path.stat().st_size // 1024} KB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.app.theme import apply_theme
    from poise.vision.sessions.store import SessionStore

    app = QApplication.instance() or QApplication(["poise"])
    app.setApplicationName("Poise")
    apply_theme(app)
    with tempfile.TemporaryDirectory(prefix="poise-shots-") as home:
        store = SessionStore(home)
        settings = Settings(QSettings(os.path.join(home, "poise.ini"), QSettings.Format.IniFormat))
        w = MainWindow(store, settings=settings, cameras=[])
        w.resize(*WINDOW_SIZE)
        w.show()
        live = w.live

        # 1. No camera: the empty state.
        pause(app, 0.3)
        save(w, args.out / "live_empty.png")

        # 2. The mirror during a session: overlay, meters, timer and rolling timeline.
        live.open_video_as_camera(SHARED / "clips" / LIVE_CLIP)
        wait_until(app, lambda: live.session.button.isEnabled(), what="models")
        live.start_session()
        w.practice.banner.dismiss.click()   # "Not now" on the one-time "not calibrated" hint
        wait_until(app, lambda: (live.controller.clock() or 0) > 8.5, what="8 s of session")
        wait_until(app, lambda: live.meters.meters["eye_contact"].value_text().endswith("%"), what="a score")
        pause(app, 0.4)
        save(w, args.out / "live.png")
        live.stop_session()
        pause(app, 1.0)

        # 3. A cue, with recording on: the REC badge shows.
        w.record_action.setChecked(True)
        live.open_video_as_camera(SHARED / "clips" / CUE_CLIP)
        wait_until(app, lambda: live.session.button.isEnabled(), what="models")
        live.start_session()
        w.practice.banner.dismiss.click()
        wait_until(app, lambda: live.cue_banner.cue_text() is not None, what="a cue")
        pause(app, 0.4)   # the banner has faded in; he is still looking away
        save(w, args.out / "live_cue.png")
        wait_until(app, lambda: (live.controller.clock() or 0) > 11, what="11 s of session")
        saved: list[int] = []
        live.session_saved.connect(saved.append)
        live.stop_session()
        wait_until(app, lambda: bool(saved), what="the session to be saved")

        # 4. That live session in review (recording, timeline, events).
        live.close_source()
        w.tabs.setCurrentWidget(w.review)
        w.review.show_session(saved[0])
        w.review.view.seek(4.0)
        pause(app, 1.0)
        save(w, args.out / "live_review.png")

        w.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
