"""The session subcommands of `poise` (sessions, show, export, delete) and batch `analyze`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from poise.vision.cli.common import (EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UserError, data_dir_arg, format_table,
                                     open_store, shorten)
from poise.vision.reports.export import ExportError, export_session
from poise.vision.reports.frame_stream import words_csv_path
from poise.vision.reports.format import (fmt_clock, fmt_duration, fmt_fillers, fmt_wpm, kind_label, score_figures,
                                         speech_lines, status_label, summary_lines)
from poise.vision.practice.interview import per_segment_speech
from poise.vision.sessions.batch import run_batch
from poise.vision.sessions.store import SessionInfo, SessionStore, StoreError

logger = logging.getLogger(__name__)


def add_session_commands(sub) -> None:
    """Add `sessions`, `show`, `export` and `delete` to the `poise` subparsers."""
    p = sub.add_parser("sessions", help="list saved sessions, newest first")
    data_dir_arg(p)
    p = sub.add_parser("show", help="print a session's summary and events")
    p.add_argument("id", type=_session_id, metavar="ID")
    data_dir_arg(p)
    p = sub.add_parser("export", help="write a session as CSV, JSON or a self-contained HTML report")
    p.add_argument("id", type=_session_id, metavar="ID")
    p.add_argument("--format", "-f", choices=("csv", "json", "html"), default="html")
    p.add_argument("-o", "--output", metavar="PATH", help="file to write (default: the exports folder)")
    data_dir_arg(p)
    p = sub.add_parser("delete", help="delete a session with its recording and exports")
    p.add_argument("id", type=_session_id, metavar="ID")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    data_dir_arg(p)


def _session_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a session id (a whole number, see `poise sessions`)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a session id (ids start at 1)")
    return value


def _user_errors(handler):
    """Run a subcommand with its store; StoreError / ExportError become one-sentence UserErrors."""

    def run(args) -> int:
        store = open_store(args.data_dir)
        try:
            return handler(args, store)
        except (StoreError, ExportError) as exc:
            raise UserError(str(exc)) from None
        finally:
            store.close()

    return run


# ------------------------------------------------------------------ sessions / show
@_user_errors
def cmd_sessions(args, store: SessionStore) -> int:
    sessions = store.list_sessions()
    if not sessions:
        print(f"No sessions yet in {store.root}. Analyse a video with `poise analyze VIDEO`.")
        return 0
    print(format_table(["id", "date", "kind", "status", "duration", "eye contact", "posture", "fidgeting", "source"],
                       [_session_row(s) for s in sessions], right={0, 4, 5, 6, 7}))
    return 0


def _session_row(s: SessionInfo) -> list[str]:
    f = score_figures(s.summary)
    return [str(s.id), f"{s.started_at.astimezone():%Y-%m-%d %H:%M}", kind_label(s.kind, short=True),
            status_label(s.status), fmt_duration(s.duration_s), f["eye_contact"], f["posture"], f["fidgeting"],
            shorten(Path(s.source.replace("\\", "/")).name, 32)]


@_user_errors
def cmd_show(args, store: SessionStore) -> int:
    s = store.get_session(args.id)
    events = store.load_events(args.id)
    segments = store.list_segments(args.id)
    print(f"Session {s.id}: {kind_label(s.kind)}, {status_label(s.status)}, "
          f"started {s.started_at.astimezone():%Y-%m-%d %H:%M:%S}")
    print(f"  source           {s.source}")
    print(f"  duration         {fmt_duration(s.duration_s)}")
    print("\n".join(summary_lines(s.summary, events)))
    transcript = store.load_transcript(args.id)
    print("\n".join(speech_lines(transcript)))
    if segments:
        print("  questions:")
        speech = per_segment_speech(transcript.words, segments, store.load_frames(args.id)) if transcript else None
        for k, g in enumerate(segments):
            said = "" if speech is None else f"  ({fmt_wpm(speech[k].figures.words_per_minute)}, fillers {fmt_fillers(speech[k].figures)})"
            print(f"    {g.index + 1:>2}. {fmt_clock(g.start_s)}–{fmt_clock(g.end_s)}  {g.question}{said}")
    for label, text in (("notes", s.notes), ("went well", s.went_well), ("do better", s.do_better)):
        if text:
            print(f"  {label}: {text}")
    if s.recording_path:
        print(f"  recording        {s.recording_path}")
    return 0


# ------------------------------------------------------------------ export / delete
@_user_errors
def cmd_export(args, store: SessionStore) -> int:
    path = export_session(store, args.id, args.format, args.output)
    print(f"Wrote {path}")
    if args.format == "csv" and words_csv_path(path).is_file() and store.load_transcript(args.id) is not None:
        print(f"Wrote {words_csv_path(path)} (the transcript's words)")
    return 0


@_user_errors
def cmd_delete(args, store: SessionStore) -> int:
    s = store.get_session(args.id)
    what = f"session {s.id} ({s.started_at.astimezone():%Y-%m-%d %H:%M}, {Path(s.source).name})"
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"poise: not deleting {what}: confirm with --yes when not running in a terminal.", file=sys.stderr)
            return EXIT_USAGE
        answer = input(f"Delete {what} and its files? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    store.delete_session(args.id)
    print(f"Deleted {what}.")
    return 0


HANDLERS = {"sessions": cmd_sessions, "show": cmd_show, "export": cmd_export, "delete": cmd_delete}


# ------------------------------------------------------------------ batch analyze
def analyze_many(args, settings, save: bool) -> int:
    """`poise analyze A B C [--jobs N]`: one line per file as it finishes, a table at the end."""
    total = len(args.videos)
    done = 0

    def on_outcome(o) -> None:
        nonlocal done
        done += 1
        name = Path(o.path).name
        if o.ok:
            saved = f"saved as session {o.session_id}" if o.session_id is not None else "analysed (not saved)"
            print(f"[{done}/{total}] {name}: {saved} ({o.elapsed_s:.1f} s)", file=sys.stderr)
        else:
            print(f"[{done}/{total}] poise: {o.error}", file=sys.stderr)
        for w in o.warnings:
            print(f"poise: warning: {w}", file=sys.stderr)

    outcomes = run_batch(args.videos, jobs=args.jobs, settings=settings, data_dir=args.data_dir, save=save,
                         on_outcome=on_outcome, transcribe=not args.no_transcript)
    rows = []
    for o in outcomes:
        m = o.summary
        if o.ok:
            f = score_figures(m)
            rows.append([shorten(Path(o.path).name, 40), "ok" if not o.warnings else "ok*",
                         "-" if o.session_id is None else str(o.session_id), fmt_duration(m.duration_s),
                         f["eye_contact"], f["posture"], f["fidgeting"], ""])
        else:
            rows.append([shorten(Path(o.path).name, 40), "failed", "-", "", "", "", "", o.error or ""])
    print(format_table(["file", "result", "session", "duration", "eye contact", "posture", "fidgeting", "note"],
                       rows, right={2, 3, 4, 5, 6}))
    if any(o.warnings for o in outcomes):
        print("* analysed with a warning (see above)")
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return EXIT_OK
    print(f"poise: {len(failed)} of {total} files could not be analysed.", file=sys.stderr)
    return EXIT_USAGE if all(o.user_error for o in failed) else EXIT_FAILURE
