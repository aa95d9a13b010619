"""Model resolution: POISE_MODEL_DIR, then the user cache, then a verified atomic download."""

import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from conftest import MODELS
from poise.vision import models as m


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.delenv(m.MODEL_DIR_ENV, raising=False)
    monkeypatch.setattr(m, "user_cache_dir", lambda: tmp_path / "cache")
    return tmp_path


def test_env_dir_is_used_and_verified(models):
    assert models.face.name == "face_landmarker.task"
    assert m.sha256_of(models.pose) == m.POSE_LANDMARKER.sha256
    assert m.sha256_of(models.hand) == m.HAND_LANDMARKER.sha256


def test_env_dir_without_the_files_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(m.MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(m.ModelError, match="POISE_MODEL_DIR"):
        m.resolve_models(download=False)


def test_wrong_hash_is_refused(monkeypatch, tmp_path):
    (tmp_path / "face_landmarker.task").write_bytes(b"x" * m.FACE_LANDMARKER.size)
    monkeypatch.setenv(m.MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(m.ModelError, match="SHA-256"):
        m.resolve_models(download=False)


def test_no_network_is_said_in_words(no_env):
    """A failed name lookup (no network) is 'no internet connection', not '<urlopen error [Errno -2] …>'."""
    with pytest.raises(m.ModelError) as err:
        m.download_model(m.FACE_LANDMARKER, no_env / "dl", url="http://poise-no-such-host.invalid/x.task")
    assert "no internet connection" in str(err.value) and "<urlopen" not in str(err.value)


def test_offline_message_names_variable_and_urls(no_env):
    with pytest.raises(m.ModelError) as err:
        m.resolve_models(download=False)
    text = str(err.value)
    assert "POISE_MODEL_DIR" in text and all(spec.url in text for spec in m.ALL_MODELS)


def test_download_failure_is_one_clear_sentence(no_env):
    with pytest.raises(m.ModelError, match="POISE_MODEL_DIR") as err:
        m.download_model(m.FACE_LANDMARKER, no_env / "dl", url="http://127.0.0.1:9/none.task", progress=lambda *a: None)
    assert "urlopen" not in str(err.value) and "Errno" not in str(err.value), "no raw exception text for the user"
    assert "connection was refused" in str(err.value)
    assert not any((no_env / "dl").glob("*.part")), "a failed download must leave no partial file"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory: Path):
    handler = lambda *a, **k: _QuietHandler(*a, directory=str(directory), **k)
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_download_verifies_and_moves_into_place_atomically(no_env):
    payload = b"model bytes " * 1000
    spec = m.ModelSpec("tiny.task", len(payload), hashlib.sha256(payload).hexdigest(), "unused")
    (no_env / "www").mkdir()
    (no_env / "www" / "tiny.task").write_bytes(payload)
    (no_env / "www" / "bad.task").write_bytes(payload[:-1] + b"!")
    server = _serve(no_env / "www")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        seen = []
        path = m.download_model(spec, no_env / "cache", url=f"{url}/tiny.task", progress=lambda n, d, t: seen.append(d))
        assert path.read_bytes() == payload and seen[-1] == len(payload)
        with pytest.raises(m.ModelError, match="refusing"):
            m.download_model(spec, no_env / "cache2", url=f"{url}/bad.task", progress=lambda *a: None)
        assert not (no_env / "cache2" / "tiny.task").exists(), "a file with the wrong hash must never be used"
        assert list((no_env / "cache2").iterdir()) == []
    finally:
        server.shutdown()
        server.server_close()


def test_user_cache_is_used_when_env_is_unset(no_env, models):
    cache = no_env / "cache"
    cache.mkdir()
    for p in (models.face, models.pose, models.hand):
        (cache / p.name).symlink_to(p)
    found = m.resolve_models(download=False)
    assert found.face.parent == cache and found.pose.parent == cache and found.hand.parent == cache


# ------------------------------------------------------------------ the speech model (a folder)
def test_speech_model_folder_is_resolved_from_the_env_dir_and_verified():
    folder = m.resolve_model_folder(download=False)
    assert folder.name == m.WHISPER_TINY_EN.name
    assert sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS") == sorted(
        f.filename for f in m.WHISPER_TINY_EN.files)
    sums = dict(line.split()[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines() if line.strip())
    assert {f.filename: f.sha256 for f in m.WHISPER_TINY_EN.files} == sums, "pinned hashes = the official SHA256SUMS"
    assert all((folder / f.filename).stat().st_size == f.size for f in m.WHISPER_TINY_EN.files)
    assert m.WHISPER_TINY_EN.describe() == "faster-whisper-tiny.en sha256:1a5afae06a4d"


def test_speech_model_missing_from_the_env_dir_names_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(m.MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(m.ModelError, match="faster-whisper-tiny.en/config.json") as err:
        m.resolve_model_folder(download=False)
    assert "\n" not in str(err.value)


def test_speech_model_offline_message_says_what_to_download(no_env):
    with pytest.raises(m.ModelError) as err:
        m.resolve_model_folder(download=False)
    text = str(err.value)
    assert "speech model" in text and m.WHISPER_REVISION in text and "POISE_MODEL_DIR" in text
    assert all(f.filename in text for f in m.WHISPER_TINY_EN.files)


def test_speech_model_is_downloaded_file_by_file_and_verified(no_env, monkeypatch):
    """The real model files served over HTTP: each is checked and moved into the cache folder;
    a corrupt cached file is replaced by a fresh download; a corrupt download is refused."""
    shared = MODELS / m.WHISPER_TINY_EN.name
    if not (shared / "model.bin").is_file():
        pytest.fail(f"the speech model is not in {shared}: the tests need ../shared/models", pytrace=False)
    (no_env / "www").mkdir()
    for f in m.WHISPER_TINY_EN.files:
        (no_env / "www" / f.filename).symlink_to(shared / f.filename)
    server = _serve(no_env / "www")
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        local = m.ModelFolder(m.WHISPER_TINY_EN.name, tuple(
            m.ModelSpec(f.filename, f.size, f.sha256, base + f.filename) for f in m.WHISPER_TINY_EN.files), "model.bin")
        seen = []
        folder = m.resolve_model_folder(local, on_download_progress=lambda n, d, t: seen.append(n))
        assert folder == no_env / "cache" / "faster-whisper-tiny.en"
        assert {p.name for p in folder.iterdir()} == {f.filename for f in local.files}
        assert m.sha256_of(folder / "model.bin") == m.WHISPER_TINY_EN.files[1].sha256
        assert set(seen) == {f.filename for f in local.files}
        (folder / "config.json").write_text("{}")   # damaged in the cache: downloaded again
        seen.clear()
        assert m.resolve_model_folder(local, on_download_progress=lambda n, d, t: seen.append(n)) == folder
        assert set(seen) == {"config.json"} and m.sha256_of(folder / "config.json") == local.files[0].sha256
        (no_env / "www" / "vocabulary.txt").unlink()
        (no_env / "www" / "vocabulary.txt").write_text("not the vocabulary")
        (folder / "vocabulary.txt").unlink()
        with pytest.raises(m.ModelError):
            m.resolve_model_folder(local, on_download_progress=lambda *a: None)
        assert not (folder / "vocabulary.txt").exists(), "a file with the wrong size or hash is never used"
    finally:
        server.shutdown()
        server.server_close()
