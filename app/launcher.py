"""The `poise` command: one parser for the window and the subcommands; Qt only on the window's path.

With a subcommand (analyze, sessions, show, export, delete) it runs the command line
(vision.cli); without one it opens the window. The CLI works on machines without a display.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from poise.app.system_libs import missing_libraries, missing_libraries_message, platform_name
from poise.vision.cli.common import EXIT_USAGE
from poise.vision.cli.main import build_parser, run
from poise.vision.sources import SourceError, probe_video

logger = logging.getLogger(__name__)

EXIT_MISSING_LIBRARIES = 3
WINDOW_HELP = "without COMMAND, open the Poise window"


def parser() -> argparse.ArgumentParser:
    """The CLI's parser plus the window's options (used when no COMMAND is given)."""
    p = build_parser()
    p.usage = "poise [--camera-file VIDEO] [--data-dir DIR] | poise COMMAND ..."
    p.epilog = f"{WINDOW_HELP}; see 'poise COMMAND --help' for each command."
    window = p.add_argument_group("window options (no COMMAND)")
    window.add_argument("--camera-file", metavar="VIDEO", help="use a video file as the camera (played at its own rate, looping)")
    window.add_argument("--data-dir", metavar="DIR", dest="window_data_dir",
                        help="where sessions are stored (default: $POISE_HOME or the user data folder)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    try:
        args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help, --version, or a usage error (argparse printed it)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    if args.command is not None:
        return run(args)
    if args.camera_file:
        try:
            probe_video(args.camera_file)
        except SourceError as exc:
            print(f"poise: {exc}", file=sys.stderr)
            return EXIT_USAGE
    # Before any Qt import: a missing system library is one install line, not Qt's abort.
    # (run() undoes OpenCV's Qt variables just before it creates the QApplication.)
    if missing := missing_libraries():
        print(missing_libraries_message(missing, platform_name()), file=sys.stderr)
        return EXIT_MISSING_LIBRARIES
    from poise.app.main_window import run as run_window  # Qt from here on, never on the CLI's path

    return run_window(camera_file=args.camera_file, data_dir=args.window_data_dir)


if __name__ == "__main__":
    sys.exit(main())
