"""Before Qt starts: undo OpenCV's Qt variables and find the system libraries Qt's plugins lack.

No Qt import here: this runs before QApplication exists, so a missing library is reported as
one `apt-get install` line instead of Qt's "Could not load the Qt platform plugin" abort.
`python -m poise.app.system_libs` prints the Debian packages still missing, QtMultimedia's
included (scripts/setup.sh installs them when run as root).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

# The variables the non-headless OpenCV wheel sets on import (cv2/config-3.py) to its own
# bundled Qt 5 plugins and fonts; PySide6 (Qt 6) must use its own plugins and the system fonts.
OPENCV_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")
# Qt platform plugins Poise may load; their shared-library needs are read with ldd (exact for
# the installed PySide6, nothing to keep in sync by hand).
PLATFORM_PLUGINS = {"xcb": "libqxcb.so", "offscreen": "libqoffscreen.so"}
XCB_GL_PLUGINS = ("libqxcb-glx-integration.so", "libqxcb-egl-integration.so")
# QtMultimedia (review playback with sound, PySide6-Addons) and its FFmpeg plugin: a missing
# library here does not stop the window, the player says playback is unavailable instead.
MULTIMEDIA_LIBRARIES = ("lib/libQt6Multimedia.so.6", "plugins/multimedia/libffmpegmediaplugin.so")
LDD_TIMEOUT_S = 10
# Library (soname) -> Debian/Ubuntu package, for every system library `ldd` lists for PySide6
# 6.11's libqxcb.so, its xcb GL integrations and libqoffscreen.so (Qt's own libraries and ICU
# ship inside the wheel). Checked on Debian 12 with `dpkg -S` on each library.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libzstd.so.1": "libzstd1",
    "libz.so.1": "zlib1g",
    "libpulse.so.0": "libpulse0",   # QtMultimedia's sound output
}


def undo_opencv_qt_env(environ=os.environ) -> list[str]:
    """Remove the Qt variables that point into an OpenCV (cv2) package; returns the names removed.

    A value the user set to somewhere else is kept. Call after cv2 may have been imported and
    before QApplication is created (cv2 sets them once, on its first import)."""
    removed = []
    for name in OPENCV_QT_VARIABLES:
        value = environ.get(name)
        if value and "cv2" in Path(value).parts:
            del environ[name]
            removed.append(name)
    if removed:
        logger.info("removed OpenCV's Qt variables: %s", ", ".join(removed))
    return removed


def qt_plugin_dir() -> Path | None:
    """PySide6's Qt plugin folder, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "Qt" / "plugins"


def platform_name(environ=os.environ) -> str:
    """The platform plugin Qt will load first ('xcb' on a Linux desktop unless told otherwise)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def parse_ldd_missing(output: str) -> list[str]:
    """Sonames that `ldd` reports as 'not found', in order, without repeats."""
    missing: list[str] = []
    for line in output.splitlines():
        name, sep, rest = line.strip().partition("=>")
        if sep and rest.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def missing_libraries(platform: str | None = None) -> list[str]:
    """Sonames the platform plugin (and, for xcb, its GL integrations) cannot find; [] off Linux,
    for platforms Poise does not check, or when ldd or the plugin is not there."""
    platform = platform or platform_name()
    plugin_dir = qt_plugin_dir()
    ldd = shutil.which("ldd")
    if not sys.platform.startswith("linux") or platform not in PLATFORM_PLUGINS or plugin_dir is None or ldd is None:
        return []
    files = [plugin_dir / "platforms" / PLATFORM_PLUGINS[platform]]
    if platform == "xcb":
        files += [plugin_dir / "xcbglintegrations" / name for name in XCB_GL_PLUGINS]
    return _ldd_missing(files)


def missing_multimedia_libraries() -> list[str]:
    """Sonames QtMultimedia (review playback with sound) cannot find; [] off Linux or without ldd."""
    plugin_dir = qt_plugin_dir()
    if not sys.platform.startswith("linux") or plugin_dir is None or shutil.which("ldd") is None:
        return []
    return _ldd_missing([plugin_dir.parent / name for name in MULTIMEDIA_LIBRARIES])


def _ldd_missing(files: list[Path]) -> list[str]:
    ldd = shutil.which("ldd")
    missing: list[str] = []
    for f in files:
        if not f.is_file():
            continue
        try:
            out = subprocess.run([ldd, str(f)], capture_output=True, text=True, timeout=LDD_TIMEOUT_S).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("could not run ldd on %s: %s", f, exc)
            continue
        missing += [name for name in parse_ldd_missing(out) if name not in missing]
    return missing


def packages_for(sonames: list[str]) -> list[str]:
    """Debian/Ubuntu packages that provide ``sonames`` (unknown ones are left out)."""
    out: list[str] = []
    for name in sonames:
        package = DEBIAN_PACKAGES.get(name)
        if package and package not in out:
            out.append(package)
    return out


def missing_libraries_message(sonames: list[str], platform: str = "xcb") -> str:
    """What to tell the user: which libraries, and the one install line."""
    packages = packages_for(sonames)
    text = (f"poise: the window cannot open: Qt's {platform} platform needs system libraries that are "
            f"missing ({', '.join(sonames)}).")
    if packages:
        text += f"\nInstall them with:\n  sudo apt-get install -y {' '.join(packages)}"
    else:
        text += "\nInstall the packages that provide them with your system's package manager."
    return text


def main(argv: list[str] | None = None) -> int:
    """Print the Debian packages missing for the xcb and offscreen platforms and QtMultimedia, one line."""
    missing = missing_libraries("xcb") + missing_libraries("offscreen") + missing_multimedia_libraries()
    print(" ".join(packages_for(missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
