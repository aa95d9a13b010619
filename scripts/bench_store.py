"""Benchmark the session store: storage cost vs analysis time, DB size per hour, --jobs 2 vs 1.

Run:  POISE_MODEL_DIR=../shared/models .venv/bin/python scripts/bench_store.py
All figures are measured in this one run, on the clips in ../shared/clips.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from poise.vision.analysis import AnalysisSettings, analyze, open_video  # noqa: E402
from poise.vision.sessions.batch import run_batch  # noqa: E402
from poise.vision.landmarker import Landmarker  # noqa: E402
from poise.vision.models import resolve_models  # noqa: E402
from poise.vision.sessions.recorder import SessionRecorder  # noqa: E402
from poise.vision.sessions.store import SessionStore  # noqa: E402

CLIPS = ROOT.parent / "shared" / "clips"
# The longest clips with a person in view the whole time: the storage figures need many frames.
STORE_CLIPS = ["proctoringai__center_left_center.mp4", "tfjsmodels__facemesh_demo_input.mp4"]
BATCH_CLIPS = ["pyfeat__single_face.mp4", "grid_lipnet__lbax4n.mpg", "mediapipe__selfie_segmentation_web.mp4",
               "tfjsmodels__facemesh_demo_input.mp4"]


def storage_cost(name: str, models, tmp: Path) -> dict:
    """Analyse one clip twice, once without and once with the recorder, and time the store."""
    settings = AnalysisSettings()
    with Landmarker(models) as lm, open_video(CLIPS / name, settings) as src:
        t0 = time.perf_counter()
        analyze(src, settings=settings, landmarker=lm)
        plain = time.perf_counter() - t0
    home = tmp / name
    store = SessionStore(home)
    caller = [0.0]
    with Landmarker(models) as lm, open_video(CLIPS / name, settings) as src:
        sid = store.create_session("file", src.name, settings=settings.to_dict(), models=models.describe())
        recorder = SessionRecorder(store, sid)

        def on_result(update):
            c0 = time.perf_counter()
            recorder.on_result(update)
            caller[0] += time.perf_counter() - c0

        t0 = time.perf_counter()
        result = analyze(src, settings=settings, landmarker=lm, on_result=on_result, keep_frames=True)
        analysed = time.perf_counter() - t0
        f0 = time.perf_counter()
        recorder.finish(result)
        finish = time.perf_counter() - f0
    frames = len(result.frames)
    size = frames_bytes(store, sid)
    store.close()
    return {
        "clip": name, "frames": frames, "duration_s": result.summary.duration_s, "analysed_fps": result.analysed_fps,
        "analysis_s": analysed, "plain_s": plain, "commit_s": recorder.write_seconds, "commits": recorder.commits,
        "caller_s": caller[0], "finish_s": finish, "frame_bytes": size / frames,
        "sample": max(result.frames, key=lambda f: len(frame_row_json(f))),
    }


def frame_row_json(f) -> str:
    return str(f.to_dict())


def frames_bytes(store: SessionStore, sid: int) -> int:
    """Bytes the session's frame rows take in the file (dbstat when SQLite has it, else VACUUM diff)."""
    conn = store.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        return int(conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'frames'").fetchone()[0])
    except sqlite3.OperationalError:
        conn.execute("VACUUM")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        with_frames = conn.execute("PRAGMA page_count").fetchone()[0] * page
        conn.execute("DELETE FROM frames WHERE session_id = ?", (sid,))
        conn.execute("VACUUM")
        return with_frames - conn.execute("PRAGMA page_count").fetchone()[0] * page


def one_hour(tmp: Path, frame_like) -> dict:
    """Store, reload and report a synthetic 1-hour session (15 Hz) built from one real frame row."""
    from dataclasses import replace

    from poise.vision.reports.export import render

    store = SessionStore(tmp / "hour")
    sid = store.create_session("live", "camera:0", settings={}, models={})
    n, batch = 15 * 3600, 8  # 8 frames = one 0.5 s recorder batch at 15 Hz
    frames = [replace(frame_like, index=i, t=i / 15.0) for i in range(n)]
    t0 = time.perf_counter()
    for i in range(0, n, batch):
        store.append_frames(sid, frames[i:i + batch])
    append = time.perf_counter() - t0
    t0 = time.perf_counter()
    loaded = store.load_frames(sid)
    load = time.perf_counter() - t0
    from poise.vision.summary import summarize

    store.finish_session(sid, summary=summarize(loaded, [], n / 15.0), events=[], duration_s=n / 15.0)
    t0 = time.perf_counter()
    html = render(store, sid, "html")
    report = time.perf_counter() - t0
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = store.db_path.stat().st_size
    store.close()
    return {"append_s": append, "load_s": load, "report_s": report, "html_kb": len(html) / 1e3, "db_mb": size / 1e6}


def batch_throughput(tmp: Path) -> dict:
    paths = [CLIPS / n for n in BATCH_CLIPS]
    video_s = 0.0
    out = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        outcomes = run_batch(paths, jobs=jobs, data_dir=tmp / f"jobs{jobs}")
        wall = time.perf_counter() - t0
        if not all(o.ok for o in outcomes):
            raise SystemExit(f"batch failed: {[o.error for o in outcomes if not o.ok]}")
        video_s = sum(o.summary.duration_s for o in outcomes)
        out[jobs] = wall
    return {"files": len(paths), "video_s": video_s, "jobs1_s": out[1], "jobs2_s": out[2]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    models = resolve_models(download=False)
    # Other processes on the machine distort the --jobs comparison most: say how busy it was.
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print("Storage cost while analysing (recorder writer thread, WAL, synchronous=NORMAL)")
        rows = [storage_cost(n, models, tmp) for n in STORE_CLIPS]
        for r in rows:
            print(f"  {r['clip']}: {r['frames']} frames ({r['duration_s']:.1f} s of video) analysed in {r['analysis_s']:.2f} s")
            print(f"    commits: {r['commits']} taking {r['commit_s'] * 1000:.1f} ms = "
                  f"{100 * r['commit_s'] / r['analysis_s']:.2f}% of analysis time (in the writer thread)")
            print(f"    on_result on the analysis thread: {r['caller_s'] * 1000:.2f} ms = "
                  f"{100 * r['caller_s'] / r['analysis_s']:.3f}%; final flush + summary: {r['finish_s'] * 1000:.1f} ms")
            print(f"    same analysis without the recorder: {r['plain_s']:.2f} s (end-to-end difference "
                  f"{100 * (r['analysis_s'] - r['plain_s']) / r['plain_s']:+.1f}%, mostly run-to-run noise)")
        per_frame = sum(r["frame_bytes"] * r["frames"] for r in rows) / sum(r["frames"] for r in rows)
        print("Database size")
        print(f"  {per_frame:.0f} bytes per stored frame (frames table incl. index pages)")
        for hz in (12.0, 15.0, 30.0):
            print(f"  {per_frame * hz * 3600 / 1e6:.1f} MB per hour of session at {hz:.0f} analysed frames/s")
        h = one_hour(tmp, rows[0]["sample"])
        print("A one-hour session at 15 Hz (54,000 frames, a real frame row repeated)")
        print(f"  stored in 0.5 s batches: {h['append_s']:.1f} s of commits in total; database {h['db_mb']:.1f} MB")
        print(f"  load_frames: {h['load_s']:.2f} s; HTML report: {h['report_s']:.2f} s, {h['html_kb']:.0f} kB")
        if not args.skip_batch:
            b = batch_throughput(tmp)
            print(f"Batch analysis of {b['files']} files ({b['video_s']:.1f} s of video), saved, same files in one run")
            print(f"  --jobs 1: {b['jobs1_s']:.1f} s = {b['video_s'] / b['jobs1_s']:.2f} s of video per second")
            print(f"  --jobs 2: {b['jobs2_s']:.1f} s = {b['video_s'] / b['jobs2_s']:.2f} s of video per second "
                  f"({b['jobs1_s'] / b['jobs2_s']:.2f}x)")
            print(f"  (load average {os.getloadavg()[0]:.1f} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
