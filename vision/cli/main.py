"""The `poise` command line: analyse video files (and, with the store, manage sessions)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from poise.vision.analysis import AnalysisSettings, result_header
from poise.vision.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Parser, UserError, data_dir_arg, open_store
from poise.vision.cli.sessions import HANDLERS, add_session_commands, analyze_many
from poise.vision.person import parse_person
from poise.vision.reports.format import speech_lines, summary_lines
from poise.vision.reports.frame_stream import CsvFramesWriter, JsonFramesWriter
from poise.vision.sessions.ingest import INTERRUPTED, ingest_file
from poise.vision.speech.transcript import TranscriptStatus
from poise.vision.types import CancelToken

logger = logging.getLogger(__name__)

#: Cancelled with Ctrl-C (128 + SIGINT, the shell's convention).
EXIT_INTERRUPTED = 130

__all__ = ["EXIT_FAILURE", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "UserError", "build_parser", "format_summary", "main", "run"]


def build_parser() -> Parser:
    """The one `poise` parser: its subcommands; the launcher adds the window's options to it."""
    parser = Parser(prog="poise", description="Practise interview body language: eye contact, posture, fidgeting.")
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
    a.add_argument("--no-transcript", action="store_true",
                   help="do not transcribe the sound (the transcript, pace and filler words need it)")
    a.add_argument("--person", metavar="POSITION", default="largest",
                   help="whose face to score when several are in view: left, right, top, bottom, largest (default) "
                        "or X,Y (fractions of the frame, e.g. 0.8,0.8 for a self-view in the bottom right corner); "
                        "that face is then followed")
    data_dir_arg(a)
    add_session_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m poise.vision.cli`: parse and run one subcommand."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run the subcommand of parsed arguments; a UserError is one sentence on stderr, exit 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    handler = {"analyze": _cmd_analyze, **HANDLERS}[args.command]
    try:
        return handler(args)
    except UserError as exc:
        print(f"poise: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("poise: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _cmd_analyze(args) -> int:
    if len(args.videos) > 1 and (args.json or args.csv):
        raise UserError("--json and --csv take one video at a time.")
    if args.jobs < 1:
        raise UserError("--jobs must be 1 or more.")
    try:
        person = str(parse_person(args.person))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    settings = AnalysisSettings(person=person) if args.fps is None else AnalysisSettings(analysis_fps=args.fps, person=person)
    save = not args.no_save
    if save:  # a read-only, full or foreign data directory fails before any analysis
        open_store(args.data_dir).close()
    if len(args.videos) > 1:
        return analyze_many(args, settings, save)
    bar = words_bar = None

    def on_progress(p):
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            bar = _progress_bar(args.videos[0], p.frames_total)
        bar.n = p.frames_done
        bar.refresh()

    def on_transcript_progress(done_s, total_s):
        nonlocal bar, words_bar
        if args.quiet:
            return
        if bar is not None:   # the analysis has ended
            bar.close()
            bar = None
        if words_bar is None:
            words_bar = tqdm(total=round(total_s, 1), unit="s", desc="transcribing", file=sys.stderr, leave=False,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s of sound")
        words_bar.n = round(done_s, 1)
        words_bar.refresh()

    def open_sinks(source):  # frames go to the --json/--csv files as they are analysed
        sinks = []
        if args.json:
            sinks.append(JsonFramesWriter(args.json, result_header(source, settings)))
        if args.csv:
            sinks.append(CsvFramesWriter(args.csv))
        return sinks

    cancel = CancelToken()
    try:
        with _ctrl_c_cancels(cancel):
            outcome, result = ingest_file(args.videos[0], settings=settings, data_dir=args.data_dir, save=save,
                                          cancel=cancel, on_progress=on_progress, open_sinks=open_sinks,
                                          transcribe=not args.no_transcript,
                                          on_transcript_progress=on_transcript_progress)
    finally:
        for b in (bar, words_bar):
            if b is not None:
                b.close()
    if not outcome.ok:
        if outcome.user_error:
            raise UserError(outcome.error)
        print(f"poise: {outcome.error}", file=sys.stderr)
        return EXIT_FAILURE
    for w in result.warnings:
        print(f"poise: warning: {w}", file=sys.stderr)
    print(format_summary(result))
    if outcome.transcript is not None:
        print("\n".join(speech_lines(outcome.transcript)))
    if outcome.session_id is not None:
        kept = " (interrupted: the part analysed before Ctrl-C)" if outcome.status == INTERRUPTED else ""
        print(f"Saved as session {outcome.session_id}{kept} (poise show {outcome.session_id}).")
    if result.cancelled or cancel.cancelled:   # during the analysis, or during the transcript
        print("poise: cancelled.", file=sys.stderr)
        return EXIT_INTERRUPTED
    if outcome.transcript is not None and outcome.transcript.status is TranscriptStatus.FAILED:
        print(f"poise: {outcome.transcript.message}", file=sys.stderr)   # the session is kept all the same
        return EXIT_USAGE
    return EXIT_OK


@contextlib.contextmanager
def _ctrl_c_cancels(token: CancelToken):
    """The first Ctrl-C cancels the analysis like the window's Cancel button (what was analysed
    is kept, vision.sessions.ingest); a second one interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum, frame):
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        print("\npoise: cancelling (Ctrl-C again to stop at once)…", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress_bar(path, total):
    return tqdm(total=total, unit="frame", desc=Path(path).name, file=sys.stderr, leave=False)


def format_summary(result) -> str:
    """A readable summary of an AnalysisResult (the same lines as `poise show`)."""
    s = result.summary
    head = (f"{Path(result.source).name}: {s.duration_s:.1f} s, {s.frames_analysed} frames analysed "
            f"at {result.analysed_fps:.1f} per second")
    return "\n".join([head, *summary_lines(s, result.events)])


def _version() -> str:
    try:
        return version("poise")
    except PackageNotFoundError:
        return "0+unknown"
