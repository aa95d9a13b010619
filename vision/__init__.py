"""Poise vision core: frames in, eye-contact / posture / fidgeting scores out. Never imports Qt."""

import os as _os

# Quiet the native libraries' start-up chatter on stderr (a user sees one clear sentence,
# not a wall of C++ log lines). Set before cv2 / mediapipe initialise; POISE_DEBUG=1 keeps it.
if not _os.environ.get("POISE_DEBUG"):
    _os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    _os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    _os.environ.setdefault("GLOG_minloglevel", "2")
    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
