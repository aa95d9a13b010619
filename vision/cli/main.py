"""The `poise` command line: analyse video files (and, with the store, manage sessions)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Sequence

logger = logging.getLogger(__name__)

#: Subcommands handled here; `app.launcher` sends anything else to the GUI.
COMMANDS = {"analyze", "sessions", "show", "export", "delete"}

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """Something the user can fix; printed as one sentence, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="poise", description="Practise interview body language: eye contact, posture, fidgeting.")
    parser.add_argument("--version", action="version", version=f"poise {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    a = sub.add_parser("analyze", help="analyse a recorded video and print a summary")
    a.add_argument("videos", nargs="+", metavar="VIDEO")
    a.add_argument("--json", metavar="PATH", help="write per-frame scores, events and summary as JSON")
    a.add_argument("--csv", metavar="PATH", help="write per-frame scores as CSV")
    a.add_argument("--fps", type=float, default=None, help="frames analysed per second of video (default 15; 0 = every frame)")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="analyse N files at once in separate processes")
    a.add_argument("--no-save", action="store_true", help="do not save the analysis as a session")
    _data_dir_arg(a)
    from poise.vision.cli.sessions import add_session_commands

    add_session_commands(sub, _data_dir_arg)
    return parser


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="where sessions are stored (default: $POISE_HOME or the user data folder)")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    handler = _handlers()[args.command]
    try:
        return handler(args)
    except UserError as exc:
        print(f"poise: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("poise: interrupted.", file=sys.stderr)
        return 130


def _cmd_analyze(args) -> int:
    from poise.vision.analysis import AnalysisSettings
    from poise.vision.sessions.batch import analyze_file
    from poise.vision.cli.sessions import analyze_many, open_store

    if len(args.videos) > 1 and (args.json or args.csv):
        raise UserError("--json and --csv take one video at a time.")
    if args.jobs < 1:
        raise UserError("--jobs must be 1 or more.")
    settings = AnalysisSettings() if args.fps is None else AnalysisSettings(analysis_fps=args.fps)
    save = not args.no_save
    if save:  # a read-only, full or foreign data directory fails before any analysis
        open_store(args.data_dir).close()
    if len(args.videos) > 1:
        return analyze_many(args, settings, save)
    bar = None

    def on_progress(p):
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            bar = _progress_bar(args.videos[0], p.frames_total)
        bar.n = p.frames_done
        bar.refresh()

    try:
        outcome, result = analyze_file(args.videos[0], settings=settings, data_dir=args.data_dir, save=save,
                                       on_progress=on_progress)
    finally:
        if bar is not None:
            bar.close()
    if not outcome.ok:
        if outcome.user_error:
            raise UserError(outcome.error)
        print(f"poise: {outcome.error}", file=sys.stderr)
        return EXIT_FAILURE
    for w in result.warnings:
        print(f"poise: warning: {w}", file=sys.stderr)
    if args.json:
        write_atomic(args.json, json.dumps(result.to_dict(), indent=1))
    if args.csv:
        write_atomic(args.csv, frames_csv(result.frames))
    print(format_summary(result))
    if outcome.session_id is not None:
        print(f"Saved as session {outcome.session_id} (poise show {outcome.session_id}).")
    return EXIT_OK


def _progress_bar(path, total):
    from tqdm import tqdm

    return tqdm(total=total, unit="frame", desc=Path(path).name, file=sys.stderr, leave=False)


def format_summary(result) -> str:
    """A readable summary of an AnalysisResult."""
    s = result.summary
    pct = lambda v: "not measurable" if v is None else f"{v * 100:.0f}%"
    score = lambda v: "not measurable" if v is None else f"{v:.2f}"
    lines = [
        f"{Path(result.source).name}: {s.duration_s:.1f} s, {s.frames_analysed} frames analysed at {result.analysed_fps:.1f} per second",
        f"  eye contact      {pct(s.eye_contact_share)} of the time (mean {score(s.mean_eye_contact)})",
        f"  posture          mean {score(s.mean_posture)} (1 = upright and balanced)",
        f"  fidgeting        {pct(s.fidgeting_share)} of the time (mean {score(s.mean_fidgeting)})",
        f"  longest look-away {s.longest_look_away_s:.1f} s",
        f"  measurable       {s.measurable_share * 100:.0f}% of frames",
        *voice_lines(s, pct),
    ]
    if result.events:
        lines.append("  events:")
        for e in result.events:
            lines.append(f"    {_mmss(e.start_s)}-{_mmss(e.end_s)}  {e.kind.replace('_', ' ')}")
    else:
        lines.append("  events: none")
    if s.frames_analysed and s.measurable_share == 0:
        lines.append("  Nobody could be measured in this video (no face found).")
    return "\n".join(lines)


def voice_lines(s, pct) -> list[str]:
    """The voice figures of a summary, or one line saying there was no sound."""
    if s.speaking_share is None:
        return ["  speaking         no audio"]
    return [
        f"  speaking         {pct(s.speaking_share)} of the time (longest pause {s.longest_pause_s:.1f} s)",
        f"  eye contact      {pct(s.eye_contact_speaking_share)} while speaking, "
        f"{pct(s.eye_contact_silent_share)} while silent",
    ]


def frames_csv(frames) -> str:
    """Per-frame scores and components as CSV text (one row per analysed frame)."""
    from poise.vision.types import Components

    comp_names = list(Components.__slots__)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["t", "eye_contact", "posture", "fidgeting", "speaking", "eye_contact_reason", "posture_reason",
                "fidgeting_reason", *comp_names])
    fmt = lambda v: "" if v is None else (f"{v:.4f}" if isinstance(v, float) else v)
    for f in frames:
        c = f.components
        w.writerow([f"{f.t:.3f}", fmt(f.eye_contact), fmt(f.posture), fmt(f.fidgeting), fmt(f.speaking),
                    f.eye_contact_reason or "", f.posture_reason or "", f.fidgeting_reason or "",
                    *(fmt(getattr(c, n)) for n in comp_names)])
    return out.getvalue()


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Atomic write (vision.export.write_atomic) with its error turned into a UserError."""
    from poise.vision.reports.export import ExportError, write_atomic as _write

    try:
        _write(path, text)
    except ExportError as exc:
        raise UserError(str(exc)) from None


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m:02d}:{s:02d}"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("poise")
    except Exception:
        return "0+unknown"


def _handlers():
    from poise.vision.cli.sessions import HANDLERS

    return {"analyze": _cmd_analyze, **HANDLERS}
