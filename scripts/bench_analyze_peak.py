"""Peak memory of `poise analyze --json` on a short and a long video: is it flat in the length?

Issue 16: a 12-minute video peaked 6 MB above a 1-minute one; the goal is <= 4 MB. The videos
are the shared clip with speech (`voice__center_left_center.mp4`, 15 s, 848x480, 24 fps, with
sound) looped to each length with ffmpeg (re-encoded, so the long file is an ordinary file, not
the short one's packets repeated). Each run is its own process; its peak is the kernel's
``ru_maxrss`` for that child (os.wait4), the same figure `/usr/bin/time -v` prints.

    python scripts/bench_analyze_peak.py                      # 1 and 12 minutes, with and without the transcript
    python scripts/bench_analyze_peak.py --minutes 1 12 --no-transcript-only

Needs ffmpeg on the PATH (apt install ffmpeg); the models come from POISE_MODEL_DIR (default
../shared/models, as in the tests).
Prints figures; asserts nothing (machines are noisy: compare the runs of one invocation).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT.parent / "shared" / "clips" / "voice__center_left_center.mp4"
TARGET_MB = 4.0   # issue 16: a 12-minute video peaks at most this much above a 1-minute one


def machine_load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def looped_video(minutes: float, folder: Path) -> Path:
    """The shared speech clip looped to ``minutes`` (made once per folder)."""
    out = folder / f"{CLIP.stem}_{minutes:g}min.mp4"
    if not out.is_file():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(CLIP), "-t", f"{60 * minutes:g}",
                        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a", "96k", str(out)],
                       check=True)
    return out


def peak_of_analyze(video: Path, transcript: bool) -> tuple[float, float, int]:
    """(peak RSS MB, wall seconds, exit code) of one `poise analyze --json` in a fresh data dir."""
    with tempfile.TemporaryDirectory(prefix="poise-peak-") as home:
        cmd = [sys.executable, "-m", "poise.vision.cli", "analyze", str(video), "--json", str(Path(home) / "out.json"),
               "--data-dir", home]
        if not transcript:
            cmd.append("--no-transcript")
        log = Path(home) / "stderr.txt"
        t0 = time.perf_counter()
        with log.open("wb") as err:   # a file, not a pipe: the progress bar would fill a pipe and block
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc
        if rc:
            print(f"  exit {rc}: {log.read_text(errors='replace').strip()[-300:]}", file=sys.stderr)
        return usage.ru_maxrss / 1024.0, time.perf_counter() - t0, rc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs=2, default=(1.0, 12.0), metavar=("SHORT", "LONG"))
    parser.add_argument("--no-transcript-only", action="store_true", help="only runs with --no-transcript")
    parser.add_argument("--transcript-only", action="store_true", help="only runs with the transcript")
    parser.add_argument("--videos", type=Path, default=Path(tempfile.gettempdir()) / "poise-peak-videos",
                        help="where the looped videos are made (kept for the next run)")
    args = parser.parse_args()
    if not CLIP.is_file():
        print(f"The clip {CLIP} is missing (../shared beside the project).", file=sys.stderr)
        return 1
    if shutil.which("ffmpeg") is None:
        print("ffmpeg is needed to make the looped videos (apt install ffmpeg).", file=sys.stderr)
        return 1
    os.environ.setdefault("POISE_MODEL_DIR", str(ROOT.parent / "shared" / "models"))
    args.videos.mkdir(parents=True, exist_ok=True)
    short, long_ = (looped_video(m, args.videos) for m in args.minutes)
    modes = [m for m in (False, True) if not (args.no_transcript_only and m) and not (args.transcript_only and not m)]
    print(f"poise analyze --json peak RSS, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, {machine_load()}")
    for transcript in modes:
        label = "with the transcript" if transcript else "--no-transcript"
        peaks = {}
        for minutes, video in zip(args.minutes, (short, long_)):
            peak, wall, rc = peak_of_analyze(video, transcript)
            if rc:
                print(f"poise analyze failed on {video.name} (exit {rc}); no figure.", file=sys.stderr)
                return 1
            peaks[minutes] = peak
            print(f"  {label:20s} {minutes:4g} min: peak {peak:7.1f} MB, {wall:6.1f} s wall  ({machine_load()})",
                  flush=True)
        growth = peaks[args.minutes[1]] - peaks[args.minutes[0]]
        print(f"  {label:20s} {args.minutes[1]:g} min - {args.minutes[0]:g} min: {growth:+.1f} MB "
              f"(target <= {TARGET_MB:g} MB: {'met' if growth <= TARGET_MB else 'NOT met'})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
