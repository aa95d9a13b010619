"""Live-mode figures on this machine: the real window with a 30 fps clip as the camera.

Prints display fps, score rate, capture-to-score latency (median, p95), the share of dropped
frames, and where the time goes (inference per frame, GUI paint and update handling), with
the load average so a busy machine is visible in the figures.

    .venv/bin/python scripts/bench_live.py [--seconds 20] [--clip NAME] [--record] [--no-sound] [--platform offscreen|xcb|both]

The clip's own sound track plays as the microphone (voice activity is computed live, and
--record writes it into the MP4); --no-sound leaves it out for comparison.

--platform xcb paints through a real X server (Xvfb is started when $DISPLAY is unset; apt
`xvfb`), as a user's desktop does; --platform both runs offscreen then xcb back to back, in
two processes, and prints the xcb/offscreen ratios (compare only figures from the same run on
a loaded machine).
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

PLATFORMS = ("offscreen", "xcb", "both")
XVFB_SCREEN = "1920x1080x24"

# 1080x720 at 30 fps: the heavier of the two 30 fps clips (frames are scaled to 960 px for
# inference and to the view for display).
DEFAULT_CLIP = "tfjsmodels__facemesh_demo_input.mp4"
WARMUP_S = 3.0


class Timer:
    """Wall time spent in a wrapped function (summed, with a call count)."""

    def __init__(self) -> None:
        self.total = 0.0
        self.calls = 0

    def wrap(self, fn):
        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.total += time.perf_counter() - t0
                self.calls += 1
        return timed

    def reset(self) -> None:
        self.total, self.calls = 0.0, 0

    def ms(self) -> float:
        return 1000 * self.total / self.calls if self.calls else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", default=DEFAULT_CLIP, help="a clip in ../shared/clips (or a path)")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--working-long-side", type=int, default=None, help="inference size (default: the core's)")
    ap.add_argument("--no-session", action="store_true", help="measure the mirror alone, without saving a session")
    ap.add_argument("--record", action="store_true", help="also record the video during the session (with the "
                    "clip's own sound as the microphone, as `poise --camera-file` does)")
    ap.add_argument("--no-sound", action="store_true", help="play the clip without its sound: no voice activity, "
                    "and a recording without sound")
    ap.add_argument("--size", default="1360x860", help="window size in logical pixels")
    ap.add_argument("--platform", choices=PLATFORMS, default=os.environ.get("QT_QPA_PLATFORM") or "offscreen",
                    help="Qt platform: offscreen (no display), xcb (a real X server; Xvfb when $DISPLAY is unset), "
                         "or both back to back with ratios")
    args = ap.parse_args()
    if args.platform == "both":
        return compare_platforms(sys.argv[1:])
    if args.platform == "xcb" and not os.environ.get("DISPLAY"):
        return rerun_under_xvfb(sys.argv[1:])
    os.environ["QT_QPA_PLATFORM"] = args.platform
    clip = Path(args.clip) if Path(args.clip).is_file() else SHARED / "clips" / args.clip
    if not clip.is_file():
        print(f"bench_live: clip {clip} not found", file=sys.stderr)
        return 2

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    import poise.vision.landmarker as landmarker_mod
    from poise.app.practice import live_page, video_view
    from poise.app.practice.live_stats import percentile
    from poise.app.main_window import MainWindow
    from poise.app.settings import Settings
    from poise.app.theme import apply_theme
    from poise.vision.analysis import AnalysisSettings
    from poise.vision.sessions.store import SessionStore

    from PySide6.QtCore import QEvent

    detect_t, paint_t, update_t, frame_t = Timer(), Timer(), Timer(), Timer()
    # The window's UpdateRequest: every dirty widget painted into the backing store and the
    # result flushed to the platform (on xcb: sent to the X server). Paint alone is paint_t.
    window_event = MainWindow.event

    def timed_event(self, e):
        if e.type() != QEvent.Type.UpdateRequest:
            return window_event(self, e)
        t0 = time.perf_counter()
        try:
            return window_event(self, e)
        finally:
            frame_t.total += time.perf_counter() - t0
            frame_t.calls += 1

    MainWindow.event = timed_event
    landmarker_mod.Landmarker.detect = detect_t.wrap(landmarker_mod.Landmarker.detect)
    video_view.VideoView.paintEvent = paint_t.wrap(video_view.VideoView.paintEvent)
    live_page.LivePage._on_update = update_t.wrap(live_page.LivePage._on_update)

    app = QApplication([])
    apply_theme(app)
    tmp = tempfile.TemporaryDirectory(prefix="poise-bench-live-")
    store = SessionStore(tmp.name)
    settings = Settings(QSettings(os.path.join(tmp.name, "poise.ini"), QSettings.Format.IniFormat))
    settings.record_video = args.record
    w = MainWindow(store, settings=settings, cameras=[])
    if args.working_long_side:
        w.live._analysis_settings = AnalysisSettings(working_long_side=args.working_long_side)
    wdt, hgt = (int(v) for v in args.size.split("x"))
    w.resize(wdt, hgt)
    w.show()
    if args.no_sound:
        from poise.vision.sources import PacedFileSource

        w.live.open_source(PacedFileSource(clip, loop=True), clip.name, audio=None, audio_problem="--no-sound")
    else:
        w.live.open_video_as_camera(clip)
    p = w.live.pipeline()
    state: dict = {}

    def begin() -> None:
        if not args.no_session:
            state["session"] = w.live.start_session()
        QTimer.singleShot(int(WARMUP_S * 1000), measure_start)

    def measure_start() -> None:
        w.live.stats.reset()
        for t in (detect_t, paint_t, update_t, frame_t):
            t.reset()
        state["t0"] = time.monotonic()
        state["captured0"] = p.frames_captured()
        state["drops0"] = p.drop_counts()
        state["load0"] = os.getloadavg()
        QTimer.singleShot(int(args.seconds * 1000), measure_end)

    def measure_end() -> None:
        state["t1"] = time.monotonic()
        state["captured1"] = p.frames_captured()
        state["drops1"] = p.drop_counts()
        state["load1"] = os.getloadavg()
        state["stats"] = (w.live.stats.paints, w.live.stats.scores, list(w.live.stats.latencies))
        state["timers"] = (detect_t.ms(), detect_t.calls, paint_t.ms(), update_t.ms(), frame_t.ms(), frame_t.calls)
        w.live.stop_session()
        QTimer.singleShot(300, w.close)
        QTimer.singleShot(600, app.quit)

    p.models_loaded.connect(begin)
    app.exec()
    recording = None
    if args.record and state.get("session"):
        path = store.get_session(state["session"]).recording_path
        if path is not None and path.is_file():
            import av

            with av.open(str(path)) as c:
                recording = ", ".join(f"{s.codec_context.name} {float(s.duration * s.time_base):.1f} s"
                                      for s in c.streams)
    store.close()

    span = state["t1"] - state["t0"]
    paints, scores, lat = state["stats"]
    offered = state["drops1"][0] - state["drops0"][0]
    dropped = state["drops1"][1] - state["drops0"][1]
    detect_ms, detect_calls, paint_ms, update_ms, frame_ms, frame_calls = state["timers"]
    med, p95 = percentile(lat, 50), percentile(lat, 95)
    print(f"clip: {clip.name} ({p.source.fps:.0f} fps), {span:.1f} s measured after {WARMUP_S:.0f} s warm-up, "
          f"session {'off' if args.no_session else 'on'}{', recording' if args.record else ''}"
          f"{', with sound' if p.has_sound() else ', no sound'}, "
          f"window {args.size}, inference size {w.live._analysis_settings.working_long_side} px")
    print(f"load average (1 min): {state['load0'][0]:.2f} -> {state['load1'][0]:.2f} on {os.cpu_count()} cores")
    print(f"camera fps:      {(state['captured1'] - state['captured0']) / span:6.1f}")
    print(f"display fps:     {paints / span:6.1f}")
    print(f"scores per s:    {scores / span:6.1f}")
    print(f"latency median:  {1000 * med:6.1f} ms" if med is not None else "latency: no scores")
    print(f"latency p95:     {1000 * p95:6.1f} ms" if p95 is not None else "")
    print(f"dropped frames:  {100 * dropped / offered if offered else 0:6.1f} % ({dropped} of {offered})")
    if args.record:
        print(f"recording:       {recording or 'none written'}")
    print(f"platform:        {app.platformName()}")
    print(f"where the time goes: landmarker.detect {detect_ms:.1f} ms/frame ({detect_calls} frames), "
          f"video paint {paint_ms:.1f} ms, score update handling {update_ms:.1f} ms (GUI thread)")
    print(f"window repaint:  {frame_ms:6.1f} ms per update ({frame_calls / span:.1f} per s: every dirty widget "
          f"painted and flushed to the display, GUI thread)")
    return 0


def _without_platform(argv: list[str]) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--platform":
            skip = True
        elif not a.startswith("--platform="):
            out.append(a)
    return out


def rerun_under_xvfb(argv: list[str]) -> int:
    """This script again, on xcb, under `xvfb-run` (a private X server for the run)."""
    import shutil
    import subprocess

    if shutil.which("xvfb-run") is None:
        print("bench_live: --platform xcb needs an X server: set DISPLAY or install xvfb (apt-get install xvfb)",
              file=sys.stderr)
        return 2
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {XVFB_SCREEN}", sys.executable, __file__,
           *_without_platform(argv), "--platform", "xcb"]
    return subprocess.run(cmd, env=env).returncode


FIGURES = ("display fps", "scores per s", "latency median", "latency p95", "dropped frames")


def compare_platforms(argv: list[str]) -> int:
    """Offscreen, then xcb, in two processes; their figures side by side with xcb/offscreen ratios."""
    import re
    import subprocess

    results = {}
    for platform in ("offscreen", "xcb"):
        cmd = [sys.executable, __file__, *_without_platform(argv), "--platform", platform]
        r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": platform})
        print(f"--- {platform} ---\n{r.stdout.rstrip()}")
        if r.returncode != 0:
            print(r.stderr[-2000:], file=sys.stderr)
            return r.returncode
        results[platform] = {name: float(m.group(1)) for name in FIGURES
                             if (m := re.search(rf"^{name}:\s+([\d.]+)", r.stdout, re.M))}
    print("--- xcb / offscreen ---")
    for name in FIGURES:
        a, b = results["offscreen"].get(name), results["xcb"].get(name)
        if a is not None and b is not None:
            ratio = f"{b / a:.2f}" if a else "n/a"
            print(f"{name:16} offscreen {a:7.1f}   xcb {b:7.1f}   ratio {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
