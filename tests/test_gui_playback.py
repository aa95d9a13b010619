"""Review playback with sound (QtMultimedia) on a real clip with speech and on a recording made by
Poise's recorder: seek from the timeline and the events, sound with the picture, play/pause with
Space, 1.5x speed, volume and mute, and no sound device. Offscreen Qt."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from conftest import clip

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_modal_dialogs", "no_dangling_threads")]

VOICE = "voice__center_left_center.mp4"   # speech muxed in (voice_segments.csv); looks away ~6-11 s
# How long to let the clock run when measuring the speed: long enough that a frame (42 ms at
# 24 fps) is a small part of it, short enough for a 15 s clip.
SPEED_WINDOW_S = 2.0
FPS = 24.0        # the clip's frame rate (ffprobe: r_frame_rate=24/1)
NEIGHBOURS = 12   # frames each side searched for the best match: half a second
# A Poise recording (AVRecorder) of a flash and a 1 kHz beep together every MARK_PERIOD_S.
MARK_PERIOD_S = 1.5
MARKS_SECONDS = 6.0
# Sound minus picture while playing, as the user meets them: measured within -40..+13 ms on this
# loaded 2-core machine (docs/review.md); the bound is 5x that, and still catches sound that
# lags a seek or runs at another speed.
PLAYBACK_SYNC_BOUND_S = 0.2


@pytest.fixture
def voice_view(qtbot, store, analysed_clip):
    from poise.vision.sessions.ingest import save_result

    sid = save_result(store, analysed_clip(VOICE), kind="file")
    return open_session_view(qtbot, store, sid), sid


def open_session_view(qtbot, store, sid):
    """The Review page's session view showing ``sid``, its first frame shown, volume 0 (quiet on
    a developer's machine with speakers; mute is tested below)."""
    from poise.app.review import SessionView

    view = SessionView(store)
    qtbot.addWidget(view)
    view.resize(1000, 620)
    view.show()
    assert view.show_session(sid)
    qtbot.waitUntil(lambda: view.player.frame_view().image() is not None, timeout=10000)
    view.player.set_volume(0)
    return view


def _image_array(qimage) -> np.ndarray:
    from PySide6.QtGui import QImage

    img = qimage.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)[:, : 3 * w].reshape(h, w, 3).copy()


def _clip_frames_rgb(first: int, count: int) -> list[np.ndarray]:
    """Frames ``first`` .. ``first + count - 1`` of the clip, decoded by OpenCV (a different decoder)."""
    cap = cv2.VideoCapture(str(clip(VOICE)))
    cap.set(cv2.CAP_PROP_POS_FRAMES, first)
    frames = []
    for _ in range(count):
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def _closest_frame_index(shown: np.ndarray, around: float) -> int:
    """Index of the clip frame, within NEIGHBOURS of ``around`` seconds, that the shown picture
    matches best. Qt and OpenCV convert colours a little differently (mean difference ~4 levels
    on this clip), so the test asks which frame it is rather than for an exact match."""
    first = max(0, round(around * FPS) - NEIGHBOURS)
    errors = [_difference(shown, f) for f in _clip_frames_rgb(first, 2 * NEIGHBOURS + 1)]
    return first + int(np.argmin(errors))


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def _rate(qtbot, player) -> float:
    """Media seconds per wall-clock second while playing, over SPEED_WINDOW_S."""
    qtbot.wait(300)   # past the start-up of playback
    t0, p0 = time.monotonic(), player.position()
    qtbot.wait(int(SPEED_WINDOW_S * 1000))
    return (player.position() - p0) / (time.monotonic() - t0)


def test_a_file_with_sound_plays_and_an_event_or_timeline_click_seeks_picture_and_cursor(qtbot, store, voice_view):
    from PySide6.QtMultimedia import QMediaDevices

    from poise.app.review.player import NO_DEVICE_NOTE

    view, sid = voice_view
    player = view.player
    assert player.has_sound(), "the clip has an AAC track with speech"
    # This machine (and CI) has no sound card: playback goes on silently, and a note says why.
    assert player.note() == ("" if QMediaDevices.audioOutputs() else NO_DEVICE_NOTE)
    assert player.duration() == pytest.approx(15.33, abs=0.1)

    # Click the look-away event: the picture and the cursor go there.
    ev = next(e for e in store.load_events(sid) if e.kind == "look_away")
    row = next(view.events.item(i) for i in range(view.events.count()) if "Looked away" in view.events.item(i).text())
    with qtbot.waitSignal(player.position_changed, timeout=5000, check_params_cb=lambda t: abs(t - ev.start_s) < 1.5 / FPS):
        QTest.mouseClick(view.events.viewport(), Qt.MouseButton.LeftButton, pos=view.events.visualItemRect(row).center())
    assert view.timeline.cursor_position() == pytest.approx(ev.start_s, abs=1.5 / FPS)
    shown = _image_array(player.frame_view().image())
    assert abs(_closest_frame_index(shown, ev.start_s) - round(player.position() * FPS)) <= 1
    assert _difference(shown, _clip_frames_rgb(0, 1)[0]) > 2 * _difference(shown, _clip_frames_rgb(round(player.position() * FPS), 1)[0])

    # Click the timeline at 2 s: the picture follows.
    tl = view.timeline
    vb = tl.plot_item("posture").getViewBox()
    pos = tl.graphics_view().mapFromScene(vb.mapViewToScene(QPointF(2.0, 0.5)))
    tolerance = max(1.5 / FPS, 2 * tl.duration() / vb.width())
    with qtbot.waitSignal(player.position_changed, timeout=5000, check_params_cb=lambda t: abs(t - 2.0) < tolerance):
        QTest.mouseClick(tl.graphics_view().viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert view.timeline.cursor_position() == pytest.approx(player.position())
    assert abs(_closest_frame_index(_image_array(player.frame_view().image()), 2.0) - round(player.position() * FPS)) <= 1


def test_space_plays_and_pauses_and_the_cursor_follows(qtbot, voice_view):
    view, _ = voice_view
    player = view.player
    view.seek(1.0)
    qtbot.waitUntil(lambda: abs(player.position() - 1.0) < 0.1, timeout=5000)
    view.timeline.graphics_view().setFocus()
    view.activateWindow()
    with qtbot.waitSignal(player.playing_changed, timeout=3000, check_params_cb=lambda p: p):
        QTest.keyClick(view.timeline.graphics_view(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.timeline.cursor_position() > 1.8, timeout=5000)
    with qtbot.waitSignal(player.playing_changed, timeout=3000, check_params_cb=lambda p: not p):
        QTest.keyClick(view.timeline.graphics_view(), Qt.Key.Key_Space)
    paused_at = player.position()
    assert view.timeline.cursor_position() == pytest.approx(paused_at)
    qtbot.wait(500)
    assert player.position() == paused_at and not player.is_playing()

    # Space typed in a notes field is a space, not play.
    view.tabs.setCurrentWidget(view.notes)
    edit = view.notes.edits["went_well"]
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_Space)
    assert edit.toPlainText() == " " and not player.is_playing()

    # Resume: on from where it paused.
    with qtbot.waitSignal(player.playing_changed, timeout=3000, check_params_cb=lambda p: p):
        player._play_button.click()
    qtbot.waitUntil(lambda: player.position() > paused_at + 0.3, timeout=5000)
    player.pause()


def test_one_and_a_half_speed_advances_half_as_fast_again(qtbot, voice_view):
    view, _ = voice_view
    player = view.player
    assert player.speed() == 1.0
    player.play()
    normal = _rate(qtbot, player)
    player._speed.setCurrentIndex(1)   # the speed control, as the user picks "1.5×"
    assert player.speed() == 1.5 and player._media.playbackRate() == 1.5
    fast = _rate(qtbot, player)
    player.pause()
    assert 0.7 < normal < 1.3, normal
    assert 1.25 < fast / normal < 1.75, (normal, fast)


def test_volume_and_mute_controls_set_the_audio_output(qtbot, voice_view):
    view, _ = voice_view
    player = view.player
    out = player.audio_output()
    assert out.volume() == 0.0       # the fixture turned it down
    QTest.keyClick(player._volume, Qt.Key.Key_End)
    assert player._volume.value() == 100 and out.volume() == pytest.approx(1.0)
    QTest.keyClick(player._volume, Qt.Key.Key_PageDown)   # one page (10) down
    assert 0.0 < out.volume() < 1.0
    assert not out.isMuted()
    player._mute_button.click()
    assert out.isMuted() and player._mute_button.isChecked()
    player._mute_button.click()
    assert not out.isMuted()


def test_seeking_after_the_end_shows_the_frame_and_play_starts_again(qtbot, voice_view):
    view, _ = voice_view
    player = view.player
    view.seek(player.duration() - 0.3)
    with qtbot.waitSignal(player.playing_changed, timeout=3000, check_params_cb=lambda p: p):
        player.play()
    with qtbot.waitSignal(player.playing_changed, timeout=5000, check_params_cb=lambda p: not p):
        pass   # reaches the end
    assert player.frame_view().image() is not None, "the last frame stays on screen"
    with qtbot.waitSignal(player.position_changed, timeout=5000, check_params_cb=lambda t: abs(t - 3.0) < 0.1):
        view.seek(3.0)
    with qtbot.waitSignal(player.playing_changed, timeout=3000, check_params_cb=lambda p: p):
        player.play()
    qtbot.waitUntil(lambda: player.position() > 3.3, timeout=5000)
    player.pause()


def test_without_qtmultimedia_the_player_says_so_and_nothing_breaks(qtbot, monkeypatch):
    from poise.app.review import player as player_module

    monkeypatch.setattr(player_module, "MULTIMEDIA_ERROR", "libpulse.so.0: cannot open shared object file")
    player = player_module.RecordingPlayer()
    qtbot.addWidget(player)
    player.load(clip(VOICE))
    assert not player.has_recording() and not player._play_button.isEnabled()
    assert "libpulse.so.0" in player.frame_view().message() and "scripts/setup.sh" in player.frame_view().message()
    player.seek(2.0)
    player.toggle()
    assert not player.is_playing()


class _MarkTimes:
    """When, on the wall clock, the player shows each flash and hands each beep to the sound
    output (QAudioBufferOutput gets the same buffers, as they are played, even with no device)."""

    def __init__(self, player):
        from PySide6.QtMultimedia import QAudioBufferOutput

        self.flashes: dict[int, float] = {}   # mark number -> wall time
        self.beeps: dict[int, float] = {}
        # Onsets only: a frame or a buffer still inside a mark (e.g. one delivered just after a
        # pause) is not the start of one. Kept across clear().
        self._bright = False
        self._sound_end = (-1.0, False)        # (media time where the last buffer ended, loud there)
        self._player = player
        self.output = QAudioBufferOutput(player)
        player._media.setAudioBufferOutput(self.output)
        self.output.audioBufferReceived.connect(self._on_buffer)
        player.position_changed.connect(self._on_frame)

    def offsets(self) -> dict[int, float]:
        """Sound minus picture, seconds, for each mark seen and heard."""
        return {k: self.beeps[k] - self.flashes[k] for k in self.flashes if k in self.beeps}

    def clear(self) -> None:
        self.flashes.clear()
        self.beeps.clear()

    @staticmethod
    def _mark(t: float) -> int | None:
        k = round(t / MARK_PERIOD_S)
        return k if k > 0 and abs(t - k * MARK_PERIOD_S) < 0.1 else None

    def _on_frame(self, t: float) -> None:
        image = self._player.frame_view().image()
        bright = image.pixelColor(image.width() // 2, image.height() // 2).red() > 128
        k = self._mark(t)
        if bright and not self._bright and k is not None and k not in self.flashes:
            self.flashes[k] = time.monotonic()
        self._bright = bright

    def _on_buffer(self, buffer) -> None:
        now = time.monotonic()
        fmt = buffer.format()
        kinds = {"Float": (np.float32, 1.0), "Int16": (np.int16, 32768.0), "Int32": (np.int32, 2.0 ** 31),
                 "UInt8": (np.uint8, 128.0)}
        dtype, scale = kinds[fmt.sampleFormat().name]
        pcm = np.frombuffer(bytes(buffer.constData()), dtype).astype(np.float64)
        if dtype is np.uint8:
            pcm -= 128.0
        level = np.abs(pcm.reshape(-1, fmt.channelCount())).max(axis=1) / scale
        loud = np.flatnonzero(level > 0.25)
        start = buffer.startTime() / 1e6
        prev_end, prev_loud = self._sound_end
        self._sound_end = (start + len(level) / fmt.sampleRate(), bool(len(loud)) and loud[-1] >= len(level) - fmt.sampleRate() // 1000)
        if not len(loud) or (loud[0] == 0 and prev_loud and abs(prev_end - start) < 0.002):
            return                             # quiet, or the middle of a beep
        offset_s = loud[0] / fmt.sampleRate()
        k = self._mark(start + offset_s)
        if k is not None and k not in self.beeps:
            self.beeps[k] = now + offset_s


@pytest.fixture
def marked_recording_view(qtbot, store, analysed_clip):
    """A session whose recording was written by Poise's recorder (H.264 + AAC) from a marked source."""
    from poise.vision.sessions.av_sync import record_marks
    from poise.vision.sessions.recording import AVRecorder
    from poise.vision.sessions.ingest import save_result

    sid = save_result(store, analysed_clip(VOICE), kind="file")
    path = store.recordings_dir / f"session-{sid}.mp4"
    recorder = AVRecorder(path, 30.0, audio=(48000, 1))
    record_marks(recorder, MARKS_SECONDS, 30.0, 48000, period=MARK_PERIOD_S)
    recorder.close()
    store.set_recording_path(sid, path)
    return open_session_view(qtbot, store, sid)


def test_sound_and_picture_play_together_after_a_seek_and_at_one_and_a_half_speed(qtbot, marked_recording_view):
    view = marked_recording_view
    player = view.player
    assert player.has_sound()
    marks = _MarkTimes(player)

    player.play()                       # marks 1 and 2 at 1x
    qtbot.waitUntil(lambda: 2 in marks.beeps and 2 in marks.flashes, timeout=10000)
    view.seek(2 * MARK_PERIOD_S + 0.8)  # jump while playing: mark 3 must still come together
    qtbot.waitUntil(lambda: 3 in marks.beeps and 3 in marks.flashes, timeout=10000)
    player.pause()
    at_1x = marks.offsets()
    assert set(at_1x) == {1, 2, 3}, (marks.flashes, marks.beeps)

    marks.clear()
    player.set_speed(1.5)
    view.seek(0.5)
    player.play()
    qtbot.waitUntil(lambda: 3 in marks.beeps and 3 in marks.flashes, timeout=10000)
    player.pause()
    at_fast = marks.offsets()
    assert set(at_fast) == {1, 2, 3}, (marks.flashes, marks.beeps)
    worst = max(abs(o) for o in [*at_1x.values(), *at_fast.values()])
    assert worst < PLAYBACK_SYNC_BOUND_S, (at_1x, at_fast)


def test_volume_speed_and_mute_are_remembered_between_runs(qtbot, store, tmp_path, models):
    """The review player comes back as the user left it (Settings, review/*), not at 80 % and 1x."""
    from PySide6.QtCore import QSettings

    from poise.app.main_window import MainWindow
    from poise.app.review.player import DEFAULT_VOLUME
    from poise.app.settings import Settings

    ini = str(tmp_path / "poise.ini")

    def window():
        w = MainWindow(store, settings=Settings(QSettings(ini, QSettings.Format.IniFormat)), models=models, cameras=[])
        qtbot.addWidget(w)
        return w

    first = window()
    player = first.review.view.player
    assert (player.volume(), player.speed(), player.muted()) == (DEFAULT_VOLUME, 1.0, False), "a first run: defaults"
    player.set_volume(35)
    player.set_speed(1.5)
    player.set_muted(True)
    first.close()
    again = window().review.view.player
    assert (again.volume(), again.speed(), again.muted()) == (35, 1.5, True)
    again.set_muted(False)
    assert window().review.view.player.muted() is False
