"""Bad input and faults through `poise analyze`: one sentence and exit code 2, or a saved session.

Test videos are built at test time in tmp_path (never committed): cut real clips, synthetic
frames, real frames upscaled to 4K.
"""

from __future__ import annotations

import math
import struct
import wave

import cv2
import numpy as np

from conftest import clip
from test_store import make_read_only, undo_read_only, _sha
from poise.vision.cli import main as cli
from poise.vision.sources import VideoFileSource
from poise.vision.sessions.store import SessionStore

SHORT_CLIP = "pyfeat__single_face.mp4"          # 2.4 s, index ('moov') at the end of the file
INDEX_FIRST_CLIP = "proctoringai__center_focus.mp4"  # 10.5 s portrait phone video, 'moov' first, rotation metadata


def analyze(capsys, tmp_path, *paths, extra=()) -> tuple[int, str, str, SessionStore]:
    home = tmp_path / "home"
    code = cli.main(["analyze", *map(str, paths), "--quiet", "--data-dir", str(home), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err, SessionStore(home)


def assert_user_error(code: int, err: str, *phrases: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("poise: ") and lines[0].endswith("."), err
    for p in phrases:
        assert p in lines[0]


def write_video(path, frames, fps: float) -> None:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened(), f"OpenCV cannot write {path}"
    for f in frames:
        writer.write(f)
    writer.release()


# ------------------------------------------------------------------ not a video at all
def test_missing_path(capsys, tmp_path):
    code, _, err, store = analyze(capsys, tmp_path, tmp_path / "nope.mp4")
    assert_user_error(code, err, "does not exist")
    assert store.list_sessions() == []


def test_directory(capsys, tmp_path):
    code, _, err, _ = analyze(capsys, tmp_path, tmp_path)
    assert_user_error(code, err, "is a directory")


def test_zero_byte_file(capsys, tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.touch()
    code, _, err, _ = analyze(capsys, tmp_path, empty)
    assert_user_error(code, err, "is empty")


def test_text_file_named_mp4(capsys, tmp_path):
    fake = tmp_path / "interview.mp4"
    fake.write_text("Dear hiring manager,\n" * 100)
    code, _, err, store = analyze(capsys, tmp_path, fake)
    assert_user_error(code, err, "could not be opened as a video")
    assert store.list_sessions() == []


def test_audio_only_file(capsys, tmp_path):
    """A valid WAV (written with the wave module, no ffmpeg needed) named .m4a and .wav."""
    wav = tmp_path / "answer.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 4))) for i in range(16000)))
    m4a = tmp_path / "answer.m4a"
    m4a.write_bytes(wav.read_bytes())
    for path in (wav, m4a):
        code, _, err, store = analyze(capsys, tmp_path, path)
        assert_user_error(code, err, path.name, "could not be opened as a video")
    assert store.list_sessions() == []


# ------------------------------------------------------------------ damaged or unusual videos
def test_truncated_video_is_analysed_up_to_the_cut(capsys, tmp_path):
    """A real clip cut in half: the decodable half is analysed and saved, with a warning."""
    cut = tmp_path / "cut.mp4"
    data = clip(INDEX_FIRST_CLIP).read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, out, err, store = analyze(capsys, tmp_path, cut)
    assert code == 0, err
    assert "warning" in err and "truncated" in err
    [info] = store.list_sessions()
    frames = store.load_frames(info.id)
    assert info.status == "complete" and 2.0 < frames[-1].t < 10.5 * 0.75
    assert info.summary.measurable_share > 0.8  # the decoded half is real footage of a face


def test_truncated_video_with_its_index_cut_off(capsys, tmp_path):
    """A clip whose index sits at the end cannot be decoded at all once cut: a clear error."""
    cut = tmp_path / "cut.mp4"
    data = clip(SHORT_CLIP).read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, _, err, store = analyze(capsys, tmp_path, cut)
    assert_user_error(code, err, "cut.mp4")
    assert store.list_sessions() == []


def test_video_with_nobody_in_it(capsys, tmp_path):
    """Synthetic frames (a gradient and a moving box): saved, every score None, a clear message."""
    frames = []
    for i in range(45):
        img = np.tile(np.linspace(40, 200, 320, dtype=np.uint8), (240, 1))
        img = cv2.merge([img, np.flipud(img), np.full_like(img, 90)])
        cv2.rectangle(img, (10 + 5 * i, 80), (60 + 5 * i, 150), (30, 160, 220), -1)
        frames.append(img)
    empty_room = tmp_path / "empty_room.mp4"
    write_video(empty_room, frames, 15.0)
    code, out, err, store = analyze(capsys, tmp_path, empty_room)
    assert code == 0, err
    assert "Nobody could be measured" in out and "Saved as session" in out
    [info] = store.list_sessions()
    frames = store.load_frames(info.id)
    assert len(frames) == 45
    assert all(f.eye_contact is None and f.posture is None and f.fidgeting is None for f in frames)
    assert all(f.eye_contact_reason for f in frames)
    assert info.summary.measurable_share == 0


def test_4k_video(capsys, tmp_path):
    """Real frames upscaled to 3840x2160: analysed at the working size, face found."""
    cap = cv2.VideoCapture(str(clip(SHORT_CLIP)))
    frames = []
    while len(frames) < 30:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(cv2.resize(img, (3840, 2160), interpolation=cv2.INTER_LINEAR))
    cap.release()
    big = tmp_path / "uhd.mp4"
    write_video(big, frames, 15.0)
    with VideoFileSource(big) as src:
        assert (src.width, src.height) == (3840, 2160)
    code, out, err, store = analyze(capsys, tmp_path, big)
    assert code == 0, err
    [info] = store.list_sessions()
    assert len(store.load_frames(info.id)) == 30
    assert info.summary.mean_eye_contact is not None and info.summary.measurable_share > 0.5


def test_rotated_phone_video_comes_out_upright(analysed_clip):
    """The Proctoring-AI clip is stored landscape with 90° rotation metadata: frames must be portrait
    and the head upright (roll near 0), not lying on its side."""
    with VideoFileSource(clip(INDEX_FIRST_CLIP)) as src:
        assert src.height > src.width
    result = analysed_clip(INDEX_FIRST_CLIP)
    rolls = [f.components.head_roll for f in result.frames if f.components.head_roll is not None]
    assert len(rolls) > 0.9 * len(result.frames)
    assert abs(float(np.median(rolls))) < 20


# ------------------------------------------------------------------ broken data directories
def test_database_file_that_is_not_sqlite(capsys, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = home / "poise.sqlite3"
    db.write_text("my shopping list\n" * 30)
    before = _sha(db)
    for command in (["sessions"], ["analyze", str(clip(SHORT_CLIP)), "--quiet"]):
        code = cli.main([*command, "--data-dir", str(home)])
        _, err = capsys.readouterr()
        assert_user_error(code, err, "is not a Poise database", "left untouched")
    assert _sha(db) == before and sorted(p.name for p in home.iterdir()) == ["poise.sqlite3"]


def test_read_only_data_directory(capsys, tmp_path):
    home = tmp_path / "home"
    store = SessionStore(home)
    sid = store.create_session("file", "earlier.mp4", settings={}, models={})
    store.close()
    before = _sha(home / "poise.sqlite3")
    make_read_only(home)
    try:
        code = cli.main(["analyze", str(clip(SHORT_CLIP)), "--quiet", "--data-dir", str(home)])
        _, err = capsys.readouterr()
        assert_user_error(code, err, "not writable")
    finally:
        undo_read_only(home)
    assert _sha(home / "poise.sqlite3") == before
    assert [s.id for s in SessionStore(home).list_sessions()] == [sid]

