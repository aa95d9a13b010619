"""Poise vision core: frames in, eye-contact / posture / fidgeting scores out. Never imports Qt."""

import ctypes as _ctypes
import os as _os
import sys as _sys

# Quiet the native libraries' start-up chatter on stderr (a user sees one clear sentence,
# not a wall of C++ log lines). Set before cv2 / mediapipe initialise; POISE_DEBUG=1 keeps it.
if not _os.environ.get("POISE_DEBUG"):
    _os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    _os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    _os.environ.setdefault("GLOG_minloglevel", "2")
    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# glibc gives every thread that allocates its own malloc arena (up to 8 per core); with the
# decode, face, pose, hand, writer and GUI threads each holding freed native memory, RSS
# drifted: 10 minutes of video grew +60.2 MB at most (+22.5 MB at the end) with the default,
# +20.4 MB (+6.2 MB at the end, peak 451 -> 383 MB) with two arenas (scripts/benchmark.py
# --memory-minutes 10, docs/benchmark.md). Set before the threads exist; other C libraries
# and platforms are left alone. MALLOC_ARENA_MAX in the environment still wins.
MALLOC_ARENAS = 2
# glibc serves a block of 128 KiB or more with its own mmap, returned to the system when freed,
# but raises that threshold each time such a block is freed (up to 32 MiB), after which frame
# buffers (848x480x3 = 1.2 MB), decoded audio and model tensors come from the arenas, where freed
# space is kept and fragments. Fixing it at glibc's starting value (which also stops the dynamic
# raise) keeps large buffers out of the arenas: `poise analyze --json` on a 12-minute video then
# peaks as a 1-minute one (issue 16; scripts/bench_analyze_peak.py, README "Speed").
# MALLOC_MMAP_THRESHOLD_ in the environment still wins.
MMAP_THRESHOLD_BYTES = 128 * 1024
_M_ARENA_MAX, _M_MMAP_THRESHOLD = -8, -3  # glibc's mallopt() parameter numbers (malloc.h)


def _tune_malloc() -> None:
    if not _sys.platform.startswith("linux"):
        return
    try:
        libc = _ctypes.CDLL("libc.so.6")
        if "MALLOC_ARENA_MAX" not in _os.environ:
            libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
        if "MALLOC_MMAP_THRESHOLD_" not in _os.environ:
            libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # musl or another C library: keep its defaults
        pass


_tune_malloc()
