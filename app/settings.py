"""Remembered choices (QSettings): window geometry, overlay, muted cues, recording, last video."""

from __future__ import annotations

import logging

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

logger = logging.getLogger(__name__)

ORGANISATION = "Poise"
APPLICATION = "Poise"


def user_folder(location: QStandardPaths.StandardLocation) -> str:
    """A standard folder of the user (Documents, Videos) when it exists, else the home folder,
    never the working directory."""
    for path in QStandardPaths.standardLocations(location):
        if path and Path(path).is_dir():
            return path
    return str(Path.home())


# Stored for "no microphone" (a device name cannot be empty angle brackets).
NO_MICROPHONE = "<none>"


class Settings:
    """Typed accessors over a QSettings (an INI file in the user's config folder by default)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                        ORGANISATION, APPLICATION)

    def _bool(self, key: str, default: bool) -> bool:
        v = self.q.value(key, default)
        if isinstance(v, str):   # INI files give strings back
            return v.lower() in ("true", "1", "yes")
        return bool(v)

    @property
    def overlay(self) -> bool:
        return self._bool("live/overlay", True)

    @overlay.setter
    def overlay(self, on: bool) -> None:
        self.q.setValue("live/overlay", bool(on))

    @property
    def cues_muted(self) -> bool:
        return self._bool("live/cues_muted", False)

    @cues_muted.setter
    def cues_muted(self, on: bool) -> None:
        self.q.setValue("live/cues_muted", bool(on))

    @property
    def record_video(self) -> bool:
        """Off by default: a recording of one's face is kept only when asked for."""
        return self._bool("session/record_video", False)

    @record_video.setter
    def record_video(self, on: bool) -> None:
        self.q.setValue("session/record_video", bool(on))

    @property
    def last_video_dir(self) -> str:
        """Where the last video was opened; the user's Videos folder (else home) before that."""
        return str(self.q.value("files/last_video_dir", "") or "") or user_folder(QStandardPaths.StandardLocation.MoviesLocation)

    @last_video_dir.setter
    def last_video_dir(self, path: str) -> None:
        self.q.setValue("files/last_video_dir", str(path))

    @property
    def last_export_dir(self) -> str:
        """Where the last report was saved; the user's Documents folder (else home) before that."""
        return (str(self.q.value("files/last_export_dir", "") or "")
                or user_folder(QStandardPaths.StandardLocation.DocumentsLocation))

    @last_export_dir.setter
    def last_export_dir(self, path: str) -> None:
        self.q.setValue("files/last_export_dir", str(path))

    @property
    def camera_index(self) -> int | None:
        v = self.q.value("live/camera_index", None)
        try:
            return None if v in (None, "") else int(v)
        except (TypeError, ValueError):
            return None

    @camera_index.setter
    def camera_index(self, index: int | None) -> None:
        self.q.setValue("live/camera_index", "" if index is None else int(index))

    @property
    def microphone(self) -> str | None:
        """The microphone for camera sources: "" = the system default, a device name, or None
        when the user chose none (sessions are then recorded without sound)."""
        v = self.q.value("live/microphone", "")
        return None if v == NO_MICROPHONE else str(v or "")

    @microphone.setter
    def microphone(self, name: str | None) -> None:
        self.q.setValue("live/microphone", NO_MICROPHONE if name is None else str(name))

    def playback(self) -> tuple[int | None, float | None, bool]:
        """The review player's volume (0-100), speed and mute as the user last left them;
        None where never set (the player's own default)."""
        volume, speed = self.q.value("review/volume", ""), self.q.value("review/speed", "")
        try:
            volume = None if volume in ("", None) else max(0, min(100, int(volume)))
            speed = None if speed in ("", None) else float(speed)
        except (TypeError, ValueError):
            volume = speed = None
        return volume, speed, self._bool("review/muted", False)

    def save_playback(self, volume: int, speed: float, muted: bool) -> None:
        self.q.setValue("review/volume", int(volume))
        self.q.setValue("review/speed", float(speed))
        self.q.setValue("review/muted", bool(muted))

    def geometry(self) -> QByteArray | None:
        v = self.q.value("window/geometry")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def save_geometry(self, geometry: QByteArray, state: QByteArray | None = None) -> None:
        self.q.setValue("window/geometry", geometry)
        if state is not None:
            self.q.setValue("window/state", state)

    def window_state(self) -> QByteArray | None:
        v = self.q.value("window/state")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def sync(self) -> None:
        self.q.sync()
