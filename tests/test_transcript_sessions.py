"""Transcripts of sessions: `poise analyze` transcribes after the analysis and saves the words with
the session; --json/--csv and `poise export` carry them; per-answer figures; a session is never lost
to a transcript that fails or is cancelled; transcribe_session for the window's worker."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import cv2
import pytest

import speech_clips as sc
from conftest import ROOT, clip
from poise.vision.reports.export import export_session, session_dict
from poise.vision.reports.frame_stream import WORDS_CSV_COLUMNS, words_csv_path
from poise.vision.sessions.store import SessionStore
from poise.vision.speech import transcribe as tr
from poise.vision.speech.pace import speech_figures, words_in
from poise.vision.speech.transcript import TranscriptStatus
from poise.vision.types import FrameScores

pytestmark = pytest.mark.slow
# Ctrl-C stops a transcript within the current segment: measured 0.74 s (load 6, 2026-12-02); bound > 5x that.
STOP_BOUND_S = 20.0


def poise(*args, home, **env):
    return [sys.executable, "-m", "poise.vision.cli", *map(str, args)], dict(os.environ, POISE_HOME=str(home), **env)


def test_analyze_transcribes_saves_prints_and_exports(tmp_path):
    home = tmp_path / "home"
    js, cs = tmp_path / "v.json", tmp_path / "v.csv"
    cmd, env = poise("analyze", clip(sc.VOICE_CLIP), "--fps", "5", "--quiet", "--json", js, "--csv", cs, home=home)
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    with SessionStore(home) as store:
        [info] = store.list_sessions()
        saved = store.load_transcript(info.id)
        assert saved.status is TranscriptStatus.DONE and len(saved.words) >= 30
        figures = speech_figures(saved.words)
        # the CLI prints the session's figures, from the same function as the review and report
        from poise.vision.reports.format import speech_lines

        assert "\n".join(speech_lines(saved)) in p.stdout and "words/min" in p.stdout
        data = json.loads(js.read_text())
        assert data["schema_version"] == 3 and data["transcript"]["status"] == "done"
        assert data["words"] == [w.to_dict() for w in saved.words]
        assert data["speech"] == figures.to_dict()
        rows = list(csv.DictReader(io.StringIO(words_csv_path(cs).read_text())))
        assert tuple(rows[0]) == WORDS_CSV_COLUMNS and [r["text"] for r in rows] == [w.text for w in saved.words]
        # poise export: the same words in JSON, and a words CSV beside the frames CSV
        exported = session_dict(store, info.id)
        assert exported["words"] == data["words"] and exported["transcript"]["status"] == "done"
        path = export_session(store, info.id, "csv")
        assert words_csv_path(path).read_text() == words_csv_path(cs).read_text()
        store.delete_session(info.id)
        assert not words_csv_path(path).exists(), "the words export goes with the session"


def test_no_transcript_flag(tmp_path):
    home = tmp_path / "home"
    js = tmp_path / "v.json"
    cmd, env = poise("analyze", clip(sc.GRID_CLIP), "--quiet", "--no-transcript", "--json", js, home=home)
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    data = json.loads(js.read_text())
    assert (data["transcript"], data["speech"], data["words"]) == (None, None, [])
    assert "words/min" not in p.stdout
    with SessionStore(home) as store:
        assert store.load_transcript(store.list_sessions()[0].id) is None


def test_a_missing_speech_model_keeps_the_session_and_says_so(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    for name in ("face_landmarker.task", "pose_landmarker_full.task", "hand_landmarker.task"):
        (models / name).symlink_to(ROOT.parent / "shared" / "models" / name)
    home = tmp_path / "home"
    cmd, env = poise("analyze", clip(sc.GRID_CLIP), "--quiet", home=home, POISE_MODEL_DIR=str(models))
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    [line] = [x for x in p.stderr.splitlines() if x.startswith("poise:")]
    assert "speech model" in line and "POISE_MODEL_DIR" in line
    with SessionStore(home) as store:
        [info] = store.list_sessions()
        assert info.status == "complete" and store.frame_count(info.id) > 30
        assert store.load_transcript(info.id).status is TranscriptStatus.FAILED
    assert f"Saved as session {info.id}" in p.stdout


def _talking_video(tmp_path, sentences: list[str]):
    """A still face (first frame of a shared clip) with long constructed speech, as an MP4."""
    cap = cv2.VideoCapture(str(clip("pyfeat__single_face.mp4")))
    ok, frame = cap.read()
    cap.release()
    assert ok
    c = sc.build("talk", sentences, sentence_gap_s=0.8)
    return sc.write_video(tmp_path / "talk.mp4", c.audio, [frame], fps=5), c


def test_ctrl_c_during_the_transcript_keeps_the_session_and_the_words_so_far(tmp_path):
    sentences = [s for _ in range(4) for v in sc.SCRIPTS.values() for s in v]   # about 4 minutes
    video, _ = _talking_video(tmp_path, sentences)
    home = tmp_path / "home"
    cmd, env = poise("analyze", video, "--fps", "1", "--quiet", home=home)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:   # the analysis is over once the session is complete
            if (home / "poise.sqlite3").exists():
                with SessionStore(home) as store:
                    s = store.list_sessions()
                    if s and s[0].status == "complete":
                        break
            time.sleep(0.2)
        else:
            pytest.fail("the analysis did not finish")
        time.sleep(20)   # well into the transcript (the first chunk is 2 minutes of sound)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        stopped_in = time.monotonic() - sent
    finally:
        proc.kill()
    assert proc.returncode == 130 and "Traceback" not in err and "cancelled" in err, err
    print(f"Ctrl-C stopped the transcript in {stopped_in:.2f} s")
    assert stopped_in < STOP_BOUND_S, f"Ctrl-C took {stopped_in:.1f} s to stop the transcript"
    with SessionStore(home) as store:
        [info] = store.list_sessions()
        saved = store.load_transcript(info.id)
    assert info.status == "complete", "the analysis was over: its session is whole"
    assert saved.status is TranscriptStatus.CANCELLED and "Saved as session" in out


def test_per_answer_figures_in_the_export(tmp_path, whisper_words):
    """A mock interview: each answer's figures come from the words inside it."""
    words = whisper_words
    with SessionStore(tmp_path) as store:
        sid = store.create_session("mock_interview", str(clip(sc.VOICE_CLIP)), settings={}, models={})
        store.append_frames(sid, [FrameScores(i, i / 5, 0.9, 0.9, 0.1, speaking=True) for i in range(77)])
        for k, (a, b) in enumerate([(0.0, 5.5), (5.5, 10.8), (10.8, None)]):
            g = store.add_segment(sid, k, f"Question {k}", "c", a)
            if b is not None:
                store.end_segment(g, b)
        tr.transcribe_session(store, sid, model=whisper_words.model)
        data = session_dict(store, sid)
        saved = store.load_transcript(sid).words
    counts = [g["speech"]["words"] for g in data["segments"]]
    assert counts == [len(words_in(saved, 0.0, 5.5)), len(words_in(saved, 5.5, 10.8)), len(words_in(saved, 10.8, None))]
    assert counts[0] >= 11 and counts[1] >= 12 and counts[2] >= 8 and sum(counts) == len(saved)
    assert data["segments"][1]["speech"] == speech_figures(saved, 5.5, 10.8).to_dict()


def test_transcribe_session_finds_the_sound_or_says_why_not(tmp_path, whisper_words):
    model = whisper_words.model
    with SessionStore(tmp_path) as store:
        live = store.create_session("live", "camera:0", settings={}, models={})
        got = tr.transcribe_session(store, live, model=model)
        assert got.status is TranscriptStatus.NO_SOUND and "not recorded" in got.message
        assert store.load_transcript(live) == got
        gone = store.create_session("file", str(tmp_path / "moved.mp4"), settings={}, models={})
        assert tr.transcribe_session(store, gone, model=model).status is TranscriptStatus.FAILED
        rec = store.create_session("live", "camera:0", settings={}, models={})
        store.set_recording_path(rec, clip(sc.GRID_CLIP))   # a recording with sound
        progress = []
        got = tr.transcribe_session(store, rec, model=model, on_progress=lambda d, t: progress.append((d, t)))
        assert got.status is TranscriptStatus.DONE and store.load_transcript(rec).words == got.words
        assert progress[-1][0] == progress[-1][1] == pytest.approx(2.98, abs=0.05)


class _Words(list):
    model = None


@pytest.fixture(scope="module")
def whisper_words():
    model = tr.load_model(download=False)
    got = tr.transcribe_file(clip(sc.VOICE_CLIP), model=model)
    out = _Words(got.words)
    out.model = model
    return out
