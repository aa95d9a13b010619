"""Frame sources: every container OpenCV decodes, rotation metadata, strides, live hand-over."""

import threading

import cv2
import numpy as np
import pytest

from conftest import clip
from poise.vision.analysis import AnalysisSettings, open_video
from poise.vision.sources import FrameListSource, LatestFrameSource, SourceError, VideoFileSource
from poise.vision.types import Frame


@pytest.mark.parametrize(
    "name, size",
    [
        ("pyfeat__single_face.mp4", (640, 360)),
        ("pyfeat__face_noface.mov", (960, 540)),
        ("grid_lipnet__lbax4n.mpg", (360, 288)),
        # Stored landscape with a 90 degree rotation flag: frames must come out portrait.
        ("proctoringai__center_focus.mp4", (480, 848)),
    ],
)
def test_video_files_decode_upright_with_increasing_timestamps(name, size):
    with VideoFileSource(clip(name)) as src:
        frames = list(src)
    assert (frames[0].image.shape[1], frames[0].image.shape[0]) == size
    assert len(frames) >= 0.95 * src.frame_count
    ts = [f.timestamp_ms for f in frames]
    assert all(b > a for a, b in zip(ts, ts[1:]))
    assert abs(ts[-1] / 1000 - (len(frames) - 1) / src.fps) < 0.05
    assert src.warnings == []


def test_stride_follows_the_analysis_rate():
    # 30 fps clip at the default 15 Hz: every second frame, timestamps in source time.
    with open_video(clip("pyfeat__single_face.mp4"), AnalysisSettings()) as src:
        frames = list(src)
    assert src.stride == 2
    assert [f.index for f in frames[:3]] == [0, 2, 4]
    assert frames[1].timestamp_ms == pytest.approx(2000 / 30, abs=1)
    with open_video(clip("pyfeat__single_face.mp4"), AnalysisSettings(analysis_fps=0)) as src:
        assert src.stride == 1


def _written(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing.mp4", "does not exist"),
        (lambda p: p, "is a directory"),
        (lambda p: _written(p / "empty.mp4", b""), "empty"),
        (lambda p: _written(p / "notes.mp4", b"not a video"), "could not be opened as a video"),
    ],
)
def test_bad_paths_raise_one_clear_sentence(tmp_path, make, message):
    with pytest.raises(SourceError, match=message) as err:
        VideoFileSource(make(tmp_path))
    assert "\n" not in str(err.value) and str(err.value).endswith(".")


def test_a_video_with_no_decodable_frames_is_refused(tmp_path):
    path = tmp_path / "noframes.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    w.release()
    with pytest.raises(SourceError):
        VideoFileSource(path)


def test_latest_frame_source_keeps_only_the_newest_and_counts_drops():
    src = LatestFrameSource("test", 30.0)
    img = np.zeros((4, 4, 3), np.uint8)
    for i in range(5):
        src.offer(Frame(i, i * 33, img))
    assert src.offered == 5 and src.dropped == 4
    got = []

    def consume():
        for f in src:
            got.append(f.index)

    t = threading.Thread(target=consume)
    t.start()
    src.close()
    t.join(2)
    assert not t.is_alive()
    assert got in ([4], [])


def test_frame_list_source_stamps_frames_at_its_rate():
    src = FrameListSource([np.zeros((2, 2, 3), np.uint8)] * 3, fps=10)
    assert [f.timestamp_ms for f in src] == [0, 100, 200]
