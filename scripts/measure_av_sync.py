"""Sound-to-picture sync of a recording over a long session, with a synthetic source run faster than real time.

The source shows a white frame and plays a 1 kHz tone for 0.1 s every 10 s (vision.sessions.av_sync);
its microphone clock runs --drift-ppm fast against the system clock and its blocks are stamped up to
--jitter-ms late. The recording is written by the same AVRecorder as a live session, then the
offset of every beep against its flash is measured on the MP4 file.

    python scripts/measure_av_sync.py --minutes 30 --drift-ppm 100

--live-minutes N instead records a real session in the real window (offscreen): a 12 s clip of
the same marks (a mark every 1.5 s) plays as the camera with its own sound as the microphone,
through capture, the file-audio thread, the recorder and the encoder, in real time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POISE_SHARED_DIR", ROOT.parent / "shared"))
os.environ.setdefault("POISE_MODEL_DIR", str(SHARED / "models"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from poise.vision.sessions.av_sync import record_marks, sync_offsets, write_marked_clip
from poise.vision.sessions.recording import AVRecorder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--drift-ppm", type=float, default=100.0, help="microphone clock error (typical crystals: 20-100)")
    ap.add_argument("--jitter-ms", type=float, default=8.0, help="how late a block may be stamped")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--rate", type=int, default=48000)
    ap.add_argument("--keep", metavar="PATH", help="keep the recording here")
    ap.add_argument("--live-minutes", type=float, help="record a real session of this length in the window instead")
    args = ap.parse_args()
    if args.live_minutes:
        return live(args.live_minutes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "sync.mp4"
        rec = AVRecorder(path, args.fps, (args.rate, 1))
        started = time.perf_counter()
        record_marks(rec, args.minutes * 60, args.fps, args.rate, drift_ppm=args.drift_ppm, jitter_s=args.jitter_ms / 1000)
        rec.close()
        took = time.perf_counter() - started
        offsets = np.array(sync_offsets(path)) * 1000
    print(f"{args.minutes:g} min at {args.fps:g} fps, microphone {args.drift_ppm:g} ppm fast, jitter up to "
          f"{args.jitter_ms:g} ms; written in {took:.0f} s; {rec.frames_written} frames, "
          f"{rec.samples_written / args.rate:.1f} s of sound, {len(rec.corrections)} drift corrections")
    print(f"marks {len(offsets)}: sound minus picture min {offsets.min():+.1f} ms, median {np.median(offsets):+.1f} ms, "
          f"max {offsets.max():+.1f} ms, max |offset| {np.abs(offsets).max():.1f} ms")


def live(minutes: float) -> None:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.vision.sessions.store import SessionStore

    app = QApplication([])
    with tempfile.TemporaryDirectory(prefix="poise-sync-") as tmp:
        clip = Path(tmp) / "marks.mp4"
        write_marked_clip(clip, 12.0, period=1.5)
        store = SessionStore(tmp)
        settings = Settings(QSettings(os.path.join(tmp, "poise.ini"), QSettings.Format.IniFormat))
        settings.record_video = True
        w = MainWindow(store, settings=settings, cameras=[], camera_file=str(clip))
        w.show()
        state = {}

        def begin() -> None:
            state["sid"] = w.live.start_session()
            QTimer.singleShot(int(minutes * 60_000), end)

        def end() -> None:
            w.live.stop_session()
            w.live.session_saved.connect(lambda _sid: (w.close(), app.quit()))

        w.live.pipeline().models_loaded.connect(begin)
        app.exec()
        path = store.get_session(state["sid"]).recording_path
        offsets = np.array(sync_offsets(path)) * 1000
        figures = w.live.controller.last_recording
        store.close()
    print(f"live session of {minutes:g} min in the window (clip as camera, its sound as microphone), load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"marks {len(offsets)}: sound minus picture min {offsets.min():+.1f} ms, median {np.median(offsets):+.1f} ms, "
          f"max {offsets.max():+.1f} ms, max |offset| {np.abs(offsets).max():.1f} ms; "
          f"{(np.abs(offsets) > 40).sum()} marks beyond 40 ms")
    print(f"recording: {figures.frames_written} frames written, {figures.frames_dropped} dropped because the "
          f"encoder fell behind (a mark whose flash frames were dropped is found late or not at all), "
          f"{figures.sound_s:.1f} s of sound; {minutes * 60 / 1.5:.0f} marks played")


if __name__ == "__main__":
    main()
