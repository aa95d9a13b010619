"""The recording writer on its own: private H.264 + AAC, pictures at their own time, sound kept on the picture's clock."""

from __future__ import annotations

import os

import av
import numpy as np
import pytest

from poise.vision.sessions.av_sync import record_marks, sync_offsets
from poise.vision.sessions.recording import AVRecorder
from poise.vision.types import Frame

SYNC_BOUND_S = 0.040   # issue 11


def _grey(value: int) -> np.ndarray:
    return np.full((120, 160, 3), value, np.uint8)


def _decoded_levels(path) -> list[int]:
    with av.open(str(path)) as c:
        return [int(round(f.to_ndarray(format="gray").mean())) for f in c.decode(video=0)]


def test_a_stalled_camera_holds_the_previous_picture_and_keeps_each_at_its_time(tmp_path):
    """Frames 10-19 never arrive (a stalled camera): the file shows frame 9 through the gap and
    frame 20 at 20/fps, never early."""
    path = tmp_path / "gap.mp4"
    rec = AVRecorder(path, 10.0)
    for i in [*range(10), *range(20, 30)]:
        rec.write_frame(Frame(i, i * 100, _grey(8 * i), captured_at=50.0 + i / 10))
    rec.close()
    levels = _decoded_levels(path)
    assert len(levels) == 30
    assert all(abs(levels[k] - 8 * 9) <= 3 for k in range(9, 20)), levels
    assert all(abs(levels[k] - 8 * k) <= 3 for k in [*range(9), *range(20, 30)]), levels
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_without_sound_only_a_video_stream_is_written(tmp_path):
    path = tmp_path / "silent.mp4"
    rec = AVRecorder(path, 30.0)
    for i in range(15):
        rec.write_frame(Frame(i, round(i * 1000 / 30), _grey(100), captured_at=10.0 + i / 30))
        rec.write_audio(np.zeros((800, 1), np.float32), 10.0 + i / 30)   # ignored: no sound stream
    rec.close()
    with av.open(str(path)) as c:
        assert [s.type for s in c.streams] == ["video"] and c.streams.video[0].codec_context.name == "h264"


@pytest.mark.parametrize("drift_ppm", [0.0, 300.0])
def test_sound_stays_on_the_picture_clock_with_a_drifting_microphone(tmp_path, drift_ppm):
    """Two minutes of flashes and beeps, the microphone's clock 300 ppm fast (72 ms over two
    minutes if nothing corrected it) and blocks stamped up to 8 ms late."""
    path = tmp_path / "marks.mp4"
    rec = AVRecorder(path, 30.0, (48000, 1))
    record_marks(rec, 120.0, 30.0, 48000, drift_ppm=drift_ppm, jitter_s=0.008)
    rec.close()
    offsets = sync_offsets(path)
    assert len(offsets) == 12
    assert max(abs(o) for o in offsets) <= SYNC_BOUND_S, offsets
    assert (len(rec.corrections) > 0) == (drift_ppm > 0)
    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert (v.codec_context.name, a.codec_context.name) == ("h264", "aac")
        assert float(a.duration * a.time_base) == pytest.approx(float(v.duration * v.time_base), abs=0.1)
