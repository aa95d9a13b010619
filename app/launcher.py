"""The `poise` command: CLI subcommands go to vision.cli, anything else opens the window.

Qt is imported only on the GUI path, so the CLI works on machines without a display or Qt.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

logger = logging.getLogger(__name__)

# Fallback until vision.cli defines COMMANDS (it does; kept so the launcher never breaks the CLI).
FALLBACK_COMMANDS = frozenset({"analyze", "sessions", "show", "export", "delete"})
CLI_FLAGS = frozenset({"-h", "--help", "--version"})
GUI_USAGE = """
window:
  poise [--camera-file VIDEO] [--data-dir DIR]
                        open the Poise window (no COMMAND); --camera-file plays a video
                        file as if it were the camera, --data-dir chooses where sessions live
"""
EXIT_USAGE = 2
EXIT_MISSING_LIBRARIES = 3


def _cli_commands() -> frozenset[str]:
    try:
        from poise.vision.cli.main import COMMANDS
    except ImportError:
        return FALLBACK_COMMANDS
    return frozenset(COMMANDS)


def gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="poise", description="Open the Poise window.", add_help=False)
    p.add_argument("--camera-file", metavar="VIDEO", help="use a video file as the camera (played at its own rate, looping)")
    p.add_argument("--data-dir", metavar="DIR", help="where sessions are stored (default: $POISE_HOME or the user data folder)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in _cli_commands() or args[0] in CLI_FLAGS):
        return _run_cli(args)
    opts, unknown = gui_parser().parse_known_args(args)
    if unknown:
        word = unknown[0]
        what = "option" if word.startswith("-") else "command"
        print(f"poise: unknown {what} {word!r}; see 'poise --help'.", file=sys.stderr)
        return EXIT_USAGE
    if opts.camera_file:
        from poise.vision.sources import SourceError, probe_video

        try:
            probe_video(opts.camera_file)
        except SourceError as exc:
            print(f"poise: {exc}", file=sys.stderr)
            return EXIT_USAGE
    from poise.app.system_libs import missing_libraries, missing_libraries_message, platform_name

    # Before any Qt import: a missing system library is one install line, not Qt's abort.
    # (run() undoes OpenCV's Qt variables just before it creates the QApplication.)
    if missing := missing_libraries():
        print(missing_libraries_message(missing, platform_name()), file=sys.stderr)
        return EXIT_MISSING_LIBRARIES
    from poise.app.main_window import run  # Qt from here on

    return run(camera_file=opts.camera_file, data_dir=opts.data_dir)


def _run_cli(args: list[str]) -> int:
    from poise.vision.cli.main import main as cli_main

    try:
        code = cli_main(args)
    except SystemExit as exc:   # argparse: --help, --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    if args[0] in ("-h", "--help"):
        print(GUI_USAGE.rstrip())
    return code


if __name__ == "__main__":
    sys.exit(main())
