"""One atomic file write for every save and export: temp file beside the target, fsync, os.replace."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


class WriteError(RuntimeError):
    """A file could not be written; the message is one sentence for the user."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, private: bool = False) -> Iterator[Path]:
    """Yield a temp path in the target's folder; when the block ends without an error, fsync it,
    rename it over ``path`` and fsync the folder. A crash at any moment leaves the old file or the
    new one, never half of one. ``private`` keeps the file 0600 (else the umask applies, as for
    any new file)."""
    target = Path(path)
    if target.is_dir():
        raise WriteError(f"{target} is a folder; give a file name to write to.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise WriteError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    tmp = Path(name)
    try:
        if not private and os.name != "nt":  # mkstemp makes 0600
            os.chmod(tmp, 0o666 & ~_umask())
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise WriteError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def write_atomic(path: str | os.PathLike, data: str | bytes, *, private: bool = False) -> Path:
    """Write text (UTF-8, newlines as given) or bytes to ``path`` atomically; return the path."""
    with atomic_path(path, private=private) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder for fsync."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
