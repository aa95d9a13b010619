"""The screenshot scripts draw on a real X server (Qt's xcb platform), as a user's desktop does:
`use_real_display()` re-runs the calling script under `xvfb-run` when $DISPLAY is unset.
QT_QPA_PLATFORM=offscreen in the environment keeps the old off-screen rendering."""

from __future__ import annotations

import os
import shutil
import sys

# Large enough for the biggest window the scripts draw (1920x1080).
XVFB_SCREEN = "1920x1080x24"


def use_real_display() -> None:
    """Call before importing Qt. Sets QT_QPA_PLATFORM (xcb unless already set) and, for xcb
    without a display, replaces this process with the same command under xvfb-run."""
    platform = os.environ.get("QT_QPA_PLATFORM") or "xcb"
    os.environ["QT_QPA_PLATFORM"] = platform
    if platform != "xcb" or os.environ.get("DISPLAY"):
        return
    if shutil.which("xvfb-run") is None:
        sys.exit(f"{os.path.basename(sys.argv[0])}: needs an X server: set DISPLAY, install xvfb "
                 "(apt-get install xvfb), or set QT_QPA_PLATFORM=offscreen")
    sys.stdout.flush()
    os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", f"-screen 0 {XVFB_SCREEN}", sys.executable, *sys.argv])
