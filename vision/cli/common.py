"""What every `poise` subcommand shares: exit codes, UserError, the store it opens, plain-text tables."""

from __future__ import annotations

import argparse
import sys

from poise.vision.sessions.store import SessionStore, StoreError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """Something the user can fix; printed as one sentence, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with usage errors as one sentence (no usage dump), exit code 2."""

    def error(self, message: str):
        print(f"poise: {message}; see 'poise --help'.", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="where sessions are stored (default: $POISE_HOME or the user data folder)")


def open_store(data_dir) -> SessionStore:
    try:
        return SessionStore(data_dir)
    except StoreError as exc:
        raise UserError(str(exc)) from None


def format_table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """Columns padded to their widest cell; the last column (may be a sentence) is not padded."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r):
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        cells[-1] = str(r[-1])
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])


def shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
