"""The ingest service and the streaming analysis: the same figures as the batch code, the same
rules for what a session keeps, frames streamed to the store and to the --json/--csv files."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, clip
from poise.vision.analysis import analyze, open_video
from poise.vision.events import EventTracker
from poise.vision.landmarker import LOOKAHEAD
from poise.vision.sessions.ingest import ingest, ingest_file, save_result
from poise.vision.sessions.store import SessionStore
from poise.vision.sources import FrameListSource, SourceError, read_frames
from poise.vision.summary import _RunningSum
from poise.vision.types import CancelToken, Event, EventKind, Reason, Summary

# Clips with and without a face, with look-away, slouch and fidgeting events, 640x360 to 1080p.
CLIPS = ("proctoringai__center_left_center.mp4", "pyfeat__face_noface.mov", "grid_lipnet__lbax4n.mpg",
         "proctoringai__center_focus.mp4", "voice__center_left_center.mp4")  # the last one speaks
LONG = "video4j__pexels-kindel-media-8164110.mp4"  # 10 s of 1080p: long enough to interrupt


def batch_summarize(frames, events, duration_s: float) -> Summary:
    """vision.summary.summarize as it was before the analysis streamed (a list of every frame's
    scores, summarised at the end), kept here verbatim as the reference."""
    eye = [f.eye_contact for f in frames if f.eye_contact is not None]
    posture = [f.posture for f in frames if f.posture is not None]
    fidget = [f.fidgeting for f in frames if f.fidgeting is not None]
    all_three = sum(1 for f in frames if None not in (f.eye_contact, f.posture, f.fidgeting))
    look_aways = [e.duration_s or 0.0 for e in events if e.kind == EventKind.LOOK_AWAY]
    return Summary(
        duration_s=float(duration_s),
        frames_analysed=len(frames),
        measurable_share=all_three / len(frames) if frames else 0.0,
        eye_contact_share=_share(eye, lambda v: v >= 0.5),
        mean_eye_contact=_mean(eye),
        mean_posture=_mean(posture),
        fidgeting_share=_share(fidget, lambda v: v >= 0.5),
        mean_fidgeting=_mean(fidget),
        longest_look_away_s=max(look_aways, default=0.0),
        event_counts={k: sum(1 for e in events if e.kind == k) for k in EventKind.ALL},
        speaking_share=_share([f.speaking for f in frames if f.speaking is not None], bool),
        longest_pause_s=_batch_longest_pause(frames),
        eye_contact_speaking_share=_share([f.eye_contact for f in frames if f.speaking is True
                                           and f.eye_contact is not None], lambda v: v >= 0.5),
        eye_contact_silent_share=_share([f.eye_contact for f in frames if f.speaking is False
                                         and f.eye_contact is not None], lambda v: v >= 0.5),
        multiple_people_share=(sum(1 for f in frames if f.eye_contact_reason == Reason.MULTIPLE_PEOPLE) / len(frames)
                               if frames else 0.0),
    )


def _batch_longest_pause(frames):
    longest, last_speaking_t, silent_from = None, None, None
    for f in frames:
        if f.speaking is None:
            continue
        longest = longest or 0.0
        if f.speaking:
            if silent_from is not None and last_speaking_t is not None:
                longest = max(longest, f.t - silent_from)
            last_speaking_t, silent_from = f.t, None
        elif silent_from is None:
            silent_from = f.t
    return longest


def _mean(xs):
    return sum(xs) / len(xs) if xs else None


def _share(xs, pred):
    return sum(1 for x in xs if pred(x)) / len(xs) if xs else None


def batch_events(frames, duration_s: float) -> list[Event]:
    tracker = EventTracker()
    for f in frames:
        tracker.update(f)
    tracker.finish(duration_s)
    return tracker.events


@pytest.mark.parametrize("name", CLIPS)
def test_streamed_summary_and_events_equal_the_batch_ones(name, models, analysed_clip):
    kept = analysed_clip(name)  # analyze(keep_frames=True)
    with open_video(clip(name)) as src:
        streamed = analyze(src, models=models)
    assert streamed.frames is None, "no list of frames unless asked"
    reference = batch_summarize(kept.frames, kept.events, kept.summary.duration_s)
    for summary in (streamed.summary, kept.summary):
        for field in Summary.__dataclass_fields__:
            assert getattr(summary, field) == getattr(reference, field), field  # exactly, not approximately
    assert streamed.events == kept.events == batch_events(kept.frames, kept.summary.duration_s)
    assert streamed.summary.frames_analysed == len(kept.frames) > 20


def test_running_sum_adds_up_exactly_like_sum():
    rng = random.Random(9)
    for values in ([rng.random() for _ in range(50_000)], [1e16, 1.0, -1e16, 0.1, 0.2, 0.3] * 50,
                   [rng.choice((0.0, 1.0, 0.3333, 1e-9)) for _ in range(10_000)]):
        running = _RunningSum()
        for v in values:
            running.add(v, False)
        assert running.mean() == sum(values) / len(values)


def test_file_ingest_streams_frames_to_the_store(tmp_path, models, analysed_clip):
    name = CLIPS[0]
    store = SessionStore(tmp_path)
    outcome, result = ingest_file(clip(name), store=store, models=models)
    assert outcome.ok and outcome.status == "complete" and result.frames is None
    info = store.get_session(outcome.session_id)
    kept = analysed_clip(name)
    # Stored with the export's precision (4 decimals for scores, 3 for times).
    assert [f.to_dict() for f in store.load_frames(info.id)] == [f.to_dict() for f in kept.frames]
    assert info.summary.to_dict() == kept.summary.to_dict()
    assert [e.to_dict() for e in store.load_events(info.id)] == [e.to_dict() for e in kept.events]
    assert info.status == "complete" and info.duration_s == kept.summary.duration_s


def test_a_cancel_before_the_first_frame_keeps_nothing(tmp_path, models):
    store = SessionStore(tmp_path)
    token = CancelToken()
    token.cancel()
    outcome, result = ingest_file(clip(CLIPS[0]), store=store, models=models, cancel=token)
    assert outcome.ok and result.cancelled and result.frames_analysed == 0
    assert outcome.session_id is None and store.list_sessions() == []


class _FailingSource(FrameListSource):
    """Real frames, then the source breaks (a camera unplugged, a file that stops decoding)."""

    def __iter__(self):
        for n, frame in enumerate(super().__iter__()):
            if n == 30:
                raise SourceError("the source broke")
            yield frame


def test_an_analysis_that_fails_part_way_keeps_its_frames_as_interrupted(tmp_path, models):
    images, fps = read_frames(clip(CLIPS[0]), limit=60, stride=2)
    store = SessionStore(tmp_path)
    with pytest.raises(SourceError):
        ingest(_FailingSource(images, fps, name="breaks"), store, models=models)
    [info] = store.list_sessions()
    frames = store.load_frames(info.id)
    # Every frame scored before the failure; the one still on the models (look-ahead) is not.
    assert info.status == "interrupted" and len(frames) == 30 - LOOKAHEAD
    # The store summarises what it kept, streaming over the stored frames.
    assert info.summary.to_dict() == batch_summarize(frames, store.load_events(info.id), info.duration_s).to_dict()


def test_save_result_goes_through_the_same_service(tmp_path, analysed_clip):
    kept = analysed_clip(CLIPS[1])
    store = SessionStore(tmp_path)
    sid = save_result(store, kept, kind="mock_interview")
    info = store.get_session(sid)
    assert info.kind == "mock_interview" and info.status == "complete"
    assert info.summary.to_dict() == kept.summary.to_dict()
    assert store.frame_count(sid) == len(kept.frames)


def test_long_sessions_load_thinned_for_display_and_stream_whole(tmp_path, analysed_clip):
    kept = analysed_clip(CLIPS[0])
    store = SessionStore(tmp_path)
    sid = save_result(store, kept)
    whole = store.load_frames(sid)
    assert list(store.iter_frames(sid, batch=7)) == whole
    thin = store.load_frames(sid, max_frames=20)
    assert 10 <= len(thin) <= 21 and thin[0] == whole[0] and thin[-1] == whole[-1]
    positions = [whole.index(f) for f in thin]
    steps = {b - a for a, b in zip(positions, positions[1:-1])}
    assert len(steps) == 1, "evenly spaced in index"
    assert store.load_frames(sid, max_frames=len(whole)) == whole


def poise(*args, home):
    env = dict(os.environ, POISE_HOME=str(home))
    return [sys.executable, "-m", "poise.vision.cli", *map(str, args)], env


def test_cli_json_and_csv_are_streamed_and_equal_the_analysis(tmp_path, analysed_clip):
    name = CLIPS[1]
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    cmd, env = poise("analyze", clip(name), "--json", out_json, "--csv", out_csv, "--no-save", "--quiet",
                     "--no-transcript", home=tmp_path)
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    kept = analysed_clip(name)
    from poise.vision.reports.frame_stream import frames_csv, transcript_fields, words_csv_path

    assert json.loads(out_json.read_text()) == json.loads(json.dumps({**kept.to_dict(), **transcript_fields(None)}))
    assert out_csv.read_text() == frames_csv(kept.frames)
    assert not words_csv_path(out_csv).exists(), "--no-transcript: no words file"


def test_cli_ctrl_c_keeps_the_part_analysed_as_an_interrupted_session(tmp_path):
    """Ctrl-C is the terminal's Cancel: the analysis stops after the current frame and what was
    analysed is saved as an 'interrupted' session, with its summary; exit code 130."""
    out_json = tmp_path / "part.json"
    cmd, env = poise("analyze", clip(LONG), "--quiet", "--json", out_json, home=tmp_path / "home")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the first frames are in the store
            if (tmp_path / "home" / "poise.sqlite3").exists():
                with SessionStore(tmp_path / "home") as store:
                    sessions = store.list_sessions()
                    if sessions and store.frame_count(sessions[0].id) >= 5:
                        break
            time.sleep(0.2)
        else:
            pytest.fail("the analysis did not start")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "cancelled" in err
    with SessionStore(tmp_path / "home") as store:
        [info] = store.list_sessions()
        frames = store.load_frames(info.id)
    assert info.status == "interrupted" and f"session {info.id} (interrupted" in out
    assert 5 <= len(frames) < 150 and info.summary.frames_analysed == len(frames)
    data = json.loads(out_json.read_text())
    assert data["cancelled"] is True and len(data["frames"]) == len(frames)


def test_export_writers_put_a_file_in_place_only_when_the_analysis_ends(tmp_path, analysed_clip):
    """Frames go to a temp file beside the target as they come; the target appears at the end,
    and an analysis that fails leaves neither the target nor a temp file."""
    from poise.vision.reports.frame_stream import CsvFramesWriter, JsonFramesWriter, frames_csv, transcript_fields
    from poise.vision.types import FrameUpdate

    kept = analysed_clip(CLIPS[1])
    for failed in (True, False):
        out_json, out_csv = tmp_path / f"{failed}.json", tmp_path / f"{failed}.csv"
        writers = [JsonFramesWriter(out_json, kept.header()), CsvFramesWriter(out_csv)]
        for f in kept.frames:
            for w in writers:
                w.on_result(FrameUpdate(f, None, (), frame=object()))
        assert not out_json.exists() and not out_csv.exists(), "nothing in place before the end"
        for w in writers:
            w.close(None if failed else kept)
        if failed:
            assert not out_json.exists() and not out_csv.exists()
        else:
            expected = {**kept.to_dict(), **transcript_fields(None)}   # not transcribed: null, no words
            assert json.loads(out_json.read_text()) == json.loads(json.dumps(expected))
            assert out_csv.read_text() == frames_csv(kept.frames)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["False.csv", "False.json"], "no temp file left"
