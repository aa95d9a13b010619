"""Recording playback with its sound through QtMultimedia: picture, sound, seek, speed and volume."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QStyle, QToolButton,
                               QVBoxLayout, QWidget)

from poise.app.elided_label import ElidedLabel
from poise.app.theme import TEXT_MUTED
from poise.vision.reports.format import fmt_clock

try:  # PySide6-Addons; libQt6Multimedia links libpulse0 (scripts/setup.sh installs it)
    from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer, QVideoFrame, QVideoSink
    from PySide6.QtMultimedia import QtAudio
    MULTIMEDIA_ERROR: str | None = None
except ImportError as exc:  # pragma: no cover - exercised by monkeypatching MULTIMEDIA_ERROR
    MULTIMEDIA_ERROR = str(exc)

logger = logging.getLogger(__name__)

# 1x and 1.5x: issue 11 asks for both, because people review long sessions faster. Qt keeps the
# voice's pitch at 1.5x (QMediaPlayer.pitchCompensation, on by default where available).
SPEEDS = (1.0, 1.5)
# The slider is perceptual (logarithmic, 0-100); QAudioOutput takes a linear gain. 80 is loud
# enough for speech without clipping a loud recording.
DEFAULT_VOLUME = 80
PLACEHOLDER_BG = QColor("#1f2937")
NO_RECORDING_TEXT = "No recording for this session"
NO_SOUND_NOTE = "No sound in this recording"
NO_DEVICE_NOTE = "No sound device"   # the picture plays on, silently


class FrameView(QWidget):
    """Paints the latest frame scaled to fit, or a short message when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._message = NO_RECORDING_TEXT
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 120)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(480, 300)

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def set_message(self, text: str) -> None:
        self._message, self._image = text, None
        self.update()

    def message(self) -> str:
        return self._message

    def image(self) -> QImage | None:
        return self._image

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), PLACEHOLDER_BG)
        if self._image is None or self._image.isNull():
            p.setPen(QColor("#d1d5db"))
            p.drawText(self.rect().adjusted(8, 8, -8, -8),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            return
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        p.drawImage(QRectF(x, y, size.width(), size.height()), self._image)


def _prime_signal_hooks(*objects) -> None:
    """Look up each object's connectNotify/disconnectNotify overrides once, here on the GUI thread.

    An object made from Python is a PySide wrapper whose C++ virtuals first ask Python (taking the
    GIL) whether a subclass overrides them, then cache the answer. QtMultimedia's decoder threads
    disconnect from the player's objects while holding Qt's signal lock; the first such call
    waited for the GIL held by the GUI thread, which waited for that lock in play(): a deadlock
    (seen 2 runs in 3 of tests/test_gui_playback.py). One connect and disconnect each caches
    "no override", and later calls from any thread skip Python.
    """
    for obj in objects:
        obj.destroyed.connect(_ignore)
        obj.destroyed.disconnect(_ignore)


def _ignore(*_args) -> None:
    pass


class RecordingPlayer(QWidget):
    """A session recording with its sound: the frame at any moment, Play/Pause, speed and volume.

    ``position_changed(t)`` fires for every frame shown, with that frame's time (use it to move a
    timeline cursor). QMediaPlayer decodes, keeps sound and picture in sync and plays silently
    when the machine has no sound device. Call :meth:`shutdown` to let go of the file.
    """

    position_changed = Signal(float)
    playing_changed = Signal(bool)
    error_occurred = Signal(str)
    #: The user changed the volume, mute or speed (the window remembers them between runs).
    listening_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._duration = 0.0
        self._position = 0.0
        self._playing = False
        self._show_first_frame = False
        self._muted = False
        self._media = self._audio = self._devices = None

        self._view = FrameView()
        self._play_button = QToolButton()
        self._play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._play_button.setAutoRaise(True)
        self._play_button.setToolTip("Play or pause the recording (Space)")
        self._play_button.clicked.connect(self.toggle)
        self._time_label = QLabel()
        self._time_label.setStyleSheet(f"color: {TEXT_MUTED};")
        self._note = ElidedLabel()
        self._note.setStyleSheet(f"color: {TEXT_MUTED};")
        self._speed = QComboBox()
        self._speed.addItems([f"{s:g}×" for s in SPEEDS])
        self._speed.setToolTip("Playback speed")
        self._speed.currentIndexChanged.connect(self._on_speed_chosen)
        self._mute_button = QToolButton()
        self._mute_button.setCheckable(True)
        self._mute_button.setAutoRaise(True)
        self._mute_button.toggled.connect(self.set_muted)
        self._volume = QSlider(Qt.Orientation.Horizontal)
        self._volume.setRange(0, 100)
        self._volume.setValue(DEFAULT_VOLUME)
        self._volume.setMaximumWidth(80)
        self._volume.setMinimumWidth(48)
        self._volume.setToolTip("Volume")
        self._volume.valueChanged.connect(self._on_volume_chosen)

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(4)
        controls.addWidget(self._play_button)
        controls.addWidget(self._time_label)
        controls.addWidget(self._note, 1)
        controls.addWidget(self._speed)
        controls.addWidget(self._mute_button)
        controls.addWidget(self._volume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._view, 1)
        layout.addLayout(controls)

        if MULTIMEDIA_ERROR is not None:
            logger.error("QtMultimedia unavailable: %s", MULTIMEDIA_ERROR)
        self._update_controls()

    def _make_media_player(self) -> None:
        """Made at the first recording, not with the window: QtMultimedia starts its FFmpeg backend
        and looks for a sound server, which the Practice tab does not need."""
        self._media = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self._media.setAudioOutput(self._audio)
        self._sink = QVideoSink(self)
        self._media.setVideoSink(self._sink)
        self._devices = QMediaDevices(self)
        _prime_signal_hooks(self._media, self._audio, self._sink, self._devices)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._media.playbackStateChanged.connect(self._on_state_changed)
        self._media.mediaStatusChanged.connect(self._on_status_changed)
        self._media.durationChanged.connect(self._on_duration_changed)
        self._media.hasAudioChanged.connect(lambda *_: self._update_controls())
        self._media.errorOccurred.connect(self._on_error)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        self._apply_volume(self._volume.value())
        self._audio.setMuted(self._mute_button.isChecked())
        self._media.setPlaybackRate(self.speed())

    # ----- public API -----------------------------------------------------------------------
    def load(self, path: str | Path | None) -> None:
        """Open a recording (None or a missing file shows a short message instead)."""
        self._path = Path(path) if path else None
        self._duration, self._position = 0.0, 0.0
        if self._media is not None:
            self._media.stop()
            self._media.setSource(QUrl())
        if self._path is None:
            self._view.set_message(NO_RECORDING_TEXT)
        elif not self._path.is_file():
            self._view.set_message(f"The recording {self._path.name} is no longer on disk.")
            self._path = None
        elif MULTIMEDIA_ERROR is not None:
            self._view.set_message(f"Playback is not available ({MULTIMEDIA_ERROR}). Run scripts/setup.sh.")
            self._path = None
        else:
            if self._media is None:
                self._make_media_player()
            self._view.set_message("Loading the recording…")
            self._show_first_frame = True
            self._media.setSource(QUrl.fromLocalFile(str(self._path)))
        self._update_controls()

    def has_recording(self) -> bool:
        return self._path is not None

    def seek(self, t: float) -> None:
        """Show the frame at ``t`` seconds and play on from there if playing."""
        if self._media is None or self._path is None:
            return
        if self._media.playbackState() == QMediaPlayer.PlaybackState.StoppedState:
            self._media.pause()    # a stopped player draws nothing; a paused one shows the seek
        self._media.setPosition(max(0, int(round(t * 1000))))

    def play(self) -> None:
        if self._media is not None and self._path is not None:
            self._show_first_frame = False
            self._media.play()

    def pause(self) -> None:
        if self._media is not None and self._path is not None:
            self._media.pause()

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def set_speed(self, rate: float) -> None:
        """One of SPEEDS (1x or 1.5x)."""
        self._speed.setCurrentIndex(SPEEDS.index(rate))

    def set_volume(self, percent: int) -> None:
        """The slider's perceptual volume, 0-100."""
        self._volume.setValue(percent)

    def set_muted(self, muted: bool) -> None:
        changed = muted != self._muted
        self._muted = muted
        self._mute_button.setChecked(muted)   # re-enters through toggled when it changes
        if self._audio is not None:
            self._audio.setMuted(muted)
        self._update_controls()
        if changed:
            self.listening_changed.emit()

    def volume(self) -> int:
        """The slider's perceptual volume, 0-100."""
        return self._volume.value()

    def muted(self) -> bool:
        return self._muted

    def is_playing(self) -> bool:
        return self._playing

    def position(self) -> float:
        return self._position

    def duration(self) -> float:
        return self._duration

    def speed(self) -> float:
        return SPEEDS[self._speed.currentIndex()]

    def audio_output(self):
        """The QAudioOutput (volume as a linear gain, muted), or None before the first recording."""
        return self._audio

    def has_sound(self) -> bool:
        """True when the loaded recording has an audio track."""
        return self._media is not None and self._path is not None and self._media.hasAudio()

    def note(self) -> str:
        """The small line beside the controls: no sound in the file, or no sound device."""
        return self._note.text()

    def frame_view(self) -> FrameView:
        return self._view

    def shutdown(self) -> None:
        """Stop playing and let go of the file (idempotent)."""
        if self._media is not None:
            self._media.stop()
            self._media.setSource(QUrl())
        self._path = None
        self._update_controls()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)

    # ----- QMediaPlayer signals --------------------------------------------------------------
    def _on_frame(self, frame: QVideoFrame) -> None:
        if self._path is None or not frame.isValid():   # end of media sends an empty frame
            return
        start = frame.startTime()
        t = start / 1e6 if start >= 0 else self._media.position() / 1000.0
        self._position = t
        self._view.set_image(frame.toImage())
        self._update_time()
        self.position_changed.emit(t)

    def _on_status_changed(self, status) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._show_first_frame:
            self._show_first_frame = False
            self._media.pause()     # decodes and shows the first frame without playing
        self._update_controls()

    def _on_state_changed(self, state) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if playing != self._playing:
            self._playing = playing
            self._update_controls()
            self.playing_changed.emit(playing)

    def _on_duration_changed(self, ms: int) -> None:
        self._duration = ms / 1000.0
        self._update_time()

    def _on_error(self, error, text: str) -> None:
        if self._path is None or error == QMediaPlayer.Error.NoError:
            return
        message = f"The recording {self._path.name} could not be played: {text or error.name}."
        logger.warning("%s", message)
        self._path = None
        self._view.set_message(message)
        self._update_controls()
        self.error_occurred.emit(message)

    def _on_outputs_changed(self) -> None:
        # A sound device plugged in (or removed) while the review is open: follow the default.
        self._audio.setDevice(QMediaDevices.defaultAudioOutput())
        self._update_controls()

    def _on_speed_chosen(self, index: int) -> None:
        if self._media is not None:
            self._media.setPlaybackRate(SPEEDS[index])
        self.listening_changed.emit()

    def _on_volume_chosen(self, percent: int) -> None:
        self._apply_volume(percent)
        self.listening_changed.emit()

    def _apply_volume(self, percent: int) -> None:
        if self._audio is not None:
            self._audio.setVolume(QtAudio.convertVolume(percent / 100.0, QtAudio.VolumeScale.LogarithmicVolumeScale,
                                                        QtAudio.VolumeScale.LinearVolumeScale))

    # ----- controls ---------------------------------------------------------------------------
    def _update_controls(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if self._playing else QStyle.StandardPixmap.SP_MediaPlay
        self._play_button.setIcon(self.style().standardIcon(icon))
        self._play_button.setText("Pause" if self._playing else "Play")
        self._play_button.setEnabled(self._path is not None)
        muted = self._mute_button.isChecked()
        self._mute_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaVolumeMuted if muted else QStyle.StandardPixmap.SP_MediaVolume))
        self._mute_button.setToolTip("Sound off: click to turn it on" if muted else "Mute")
        self._note.setText(self._note_text())
        self._update_time()

    def _note_text(self) -> str:
        if self._media is None or self._path is None:
            return ""
        if self._media.mediaStatus() in (QMediaPlayer.MediaStatus.NoMedia, QMediaPlayer.MediaStatus.LoadingMedia):
            return ""
        if not self._media.hasAudio():
            return NO_SOUND_NOTE
        if not QMediaDevices.audioOutputs():
            return NO_DEVICE_NOTE
        return ""

    def _update_time(self) -> None:
        if self._path is None:
            self._time_label.setText("")
        else:
            self._time_label.setText(f"{fmt_clock(self._position, tenths=True)} / {fmt_clock(self._duration)}")
