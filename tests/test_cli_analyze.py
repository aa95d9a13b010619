"""`poise analyze` on real clips: summary, JSON and CSV formats, clean errors (exit 2)."""

import csv
import json
import subprocess
import sys

from conftest import ROOT, clip


def poise(*args, env_home):
    import os

    env = dict(os.environ, POISE_HOME=str(env_home))
    return subprocess.run([sys.executable, "-m", "poise.vision.cli", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_analyze_writes_documented_json_and_csv(tmp_path):
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    p = poise("analyze", clip("pyfeat__face_noface.mov"), "--json", out_json, "--csv", out_csv, "--no-save", "--quiet",
              env_home=tmp_path / "home")
    assert p.returncode == 0, p.stderr
    assert "eye contact" in p.stdout and "posture" in p.stdout and "fidgeting" in p.stdout
    assert "Traceback" not in p.stderr
    data = json.loads(out_json.read_text())
    for key in ("schema_version", "source", "fps", "frames", "events", "summary"):
        assert key in data
    assert data["schema_version"] == 3 and abs(data["fps"] - 26.4) < 0.1
    frame = data["frames"][0]
    for key in ("t", "eye_contact", "posture", "fidgeting", "speaking", "components", "reasons"):
        assert key in frame
    assert {"head_yaw", "gaze_offset", "shoulder_tilt", "lean", "hand_motion", "face_touch"} <= set(frame["components"])
    last = data["frames"][-1]
    assert last["eye_contact"] is None and last["reasons"]["eye_contact"] == "no_face"
    for key in ("eye_contact_share", "mean_posture", "fidgeting_share", "longest_look_away_s", "event_counts"):
        assert key in data["summary"]
    with out_csv.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(data["frames"])
    assert rows[-1]["eye_contact"] == "" and rows[-1]["eye_contact_reason"] == "no_face"


def test_bad_input_is_one_sentence_and_exit_2(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("hello")
    for bad in (tmp_path / "missing.mp4", tmp_path, tmp_path / "empty.mp4", tmp_path / "text.mp4"):
        p = poise("analyze", bad, "--no-save", env_home=tmp_path / "home")
        assert p.returncode == 2, (bad, p.stderr)
        assert "Traceback" not in p.stderr
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and lines[0].startswith("poise: "), p.stderr


def test_missing_models_name_the_variable(tmp_path):
    import os

    env = dict(os.environ, POISE_HOME=str(tmp_path / "home"), POISE_MODEL_DIR=str(tmp_path))
    p = subprocess.run([sys.executable, "-m", "poise.vision.cli", "analyze", str(clip("pyfeat__single_face.mp4")), "--no-save"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "POISE_MODEL_DIR" in p.stderr and "Traceback" not in p.stderr
