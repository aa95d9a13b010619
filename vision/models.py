"""Find the model files (MediaPipe, faster-whisper): POISE_MODEL_DIR, the user cache, or a verified download."""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import platformdirs

from poise.vision.atomic import WriteError, atomic_path

logger = logging.getLogger(__name__)

MODEL_DIR_ENV = "POISE_MODEL_DIR"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    filename: str
    size: int
    sha256: str
    url: str


# Official MediaPipe Tasks bundles, pinned to version 1 (facts from ../shared/models/README.md).
FACE_LANDMARKER = ModelSpec(
    "face_landmarker.task",
    3758596,
    "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
    "https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task",
)
POSE_LANDMARKER = ModelSpec(
    "pose_landmarker_full.task",
    9398198,
    "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad",
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/pose_landmarker_full/float16/1/pose_landmarker_full.task",
)
HAND_LANDMARKER = ModelSpec(
    "hand_landmarker.task",
    7819105,
    "fbc2a30080c3c557093b5ddfc334698132eb341044ccee322ccf8bcf3607cde1",
    "https://storage.googleapis.com/mediapipe-models/hand_landmarker/hand_landmarker/float16/1/hand_landmarker.task",
)
ALL_MODELS = (FACE_LANDMARKER, POSE_LANDMARKER, HAND_LANDMARKER)


@dataclass(frozen=True, slots=True)
class ModelFolder:
    """A model that is a folder of files (a CTranslate2 model), each file pinned like a ModelSpec."""

    name: str
    files: tuple[ModelSpec, ...]
    weights: str  # the file whose hash names the model (describe)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def describe(self) -> str:
        """Name and hash recorded with every transcript, e.g. 'faster-whisper-tiny.en sha256:1a5afae06a4d'."""
        weights = next(f for f in self.files if f.filename == self.weights)
        return f"{self.name} sha256:{weights.sha256[:12]}"


# Systran/faster-whisper-tiny.en (Whisper tiny.en converted to CTranslate2, MIT licence), pinned
# to one revision; sizes and SHA-256 from ../shared/models/faster-whisper-tiny.en/SHA256SUMS,
# URLs from ../shared/models/README.md.
WHISPER_REVISION = "0d3d19a32d3338f10357c0889762bd8d64bbdeba"
_WHISPER_URL = f"https://huggingface.co/Systran/faster-whisper-tiny.en/resolve/{WHISPER_REVISION}/"
WHISPER_TINY_EN = ModelFolder("faster-whisper-tiny.en", (
    ModelSpec("config.json", 2317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
              _WHISPER_URL + "config.json"),
    ModelSpec("model.bin", 75537502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
              _WHISPER_URL + "model.bin"),
    ModelSpec("tokenizer.json", 2128466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
              _WHISPER_URL + "tokenizer.json"),
    ModelSpec("vocabulary.txt", 422309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
              _WHISPER_URL + "vocabulary.txt"),
), weights="model.bin")


class ModelError(RuntimeError):
    """A model file could not be found, downloaded or verified (message is user-facing)."""


@dataclass(frozen=True, slots=True)
class ModelPaths:
    face: Path
    pose: Path
    hand: Path

    def describe(self) -> dict[str, str]:
        return describe_models()


def describe_models() -> dict[str, str]:
    """Names and hashes of the (verified) model files, recorded with every analysis."""
    return {
        "face": f"{FACE_LANDMARKER.filename} sha256:{FACE_LANDMARKER.sha256[:12]}",
        "pose": f"{POSE_LANDMARKER.filename} sha256:{POSE_LANDMARKER.sha256[:12]}",
        "hand": f"{HAND_LANDMARKER.filename} sha256:{HAND_LANDMARKER.sha256[:12]}",
    }


def user_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("poise", appauthor=False)) / "models"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve_models(
    *,
    download: bool = True,
    on_download_progress: Callable[[str, int, int], None] | None = None,
) -> ModelPaths:
    """Return verified paths to the three models, downloading once into the user cache if needed.

    Order: ``$POISE_MODEL_DIR``; the user cache directory; a download from the pinned
    official URL (size and SHA-256 checked, moved into place atomically).
    """
    return ModelPaths(
        face=_resolve_one(FACE_LANDMARKER, download, on_download_progress),
        pose=_resolve_one(POSE_LANDMARKER, download, on_download_progress),
        hand=_resolve_one(HAND_LANDMARKER, download, on_download_progress),
    )


def resolve_model_folder(
    folder: ModelFolder = WHISPER_TINY_EN,
    *,
    download: bool = True,
    on_download_progress: Callable[[str, int, int], None] | None = None,
) -> Path:
    """Return the verified folder of a folder model (the speech model), in the same order as
    :func:`resolve_models`: ``$POISE_MODEL_DIR/<name>/``, the user cache, a verified download
    of each file that is missing or wrong."""
    offline = lambda why="": _folder_offline_message(folder, why)
    paths = [_resolve_one(f, download, on_download_progress, subdir=folder.name, offline=offline)
             for f in folder.files]
    return paths[0].parent


def _resolve_one(spec: ModelSpec, download: bool, progress, *, subdir: str = "",
                 offline: Callable[..., str] | None = None) -> Path:
    offline = offline or _offline_message
    name = f"{subdir}/{spec.filename}" if subdir else spec.filename
    env_dir = os.environ.get(MODEL_DIR_ENV)
    if env_dir:
        candidate = Path(env_dir).expanduser() / subdir / spec.filename
        if candidate.is_file():
            _verify(candidate, spec)
            return candidate
        what = f"the speech model's file {name}" if subdir else name
        raise ModelError(
            f"{MODEL_DIR_ENV} is set to {env_dir!r} but {what} is not in it; "
            f"put the file there (official URL: {spec.url}) or unset {MODEL_DIR_ENV}."
        )
    cached = user_cache_dir() / subdir / spec.filename
    if cached.is_file():
        try:
            _verify(cached, spec)
            return cached
        except ModelError:
            logger.warning("cached %s failed verification; downloading again", cached)
            cached.unlink(missing_ok=True)
    if not download:
        raise ModelError(offline())
    return download_model(spec, cached.parent, progress, offline=offline)


def _verify(path: Path, spec: ModelSpec) -> None:
    size = path.stat().st_size
    if size != spec.size:
        raise ModelError(f"{path} has {size} bytes, expected {spec.size}: it is not the official {spec.filename}.")
    digest = sha256_of(path)
    if digest != spec.sha256:
        raise ModelError(f"{path} has SHA-256 {digest}, expected {spec.sha256}: refusing to use it.")


def _offline_message(why: str = "") -> str:
    urls = ", ".join(s.url for s in ALL_MODELS[:-1]) + " and " + ALL_MODELS[-1].url
    names = ", ".join(s.filename for s in ALL_MODELS[:-1]) + " and " + ALL_MODELS[-1].filename
    return (
        f"Poise needs its three MediaPipe model files ({names}, 21 MB) and could not download them"
        f"{f' ({why})' if why else ''}. Connect to the internet and open the camera or video again, "
        f"or download {urls} into a folder and set {MODEL_DIR_ENV} to that folder."
    )


def _folder_offline_message(folder: ModelFolder, why: str = "") -> str:
    prefix = folder.files[0].url.rsplit("/", 1)[0] + "/"
    return (
        f"Poise needs the speech model {folder.name} ({folder.size / 1e6:.0f} MB) to make a transcript and could "
        f"not download it{f' ({why})' if why else ''}. Connect to the internet and transcribe again, or download "
        f"{', '.join(f.filename for f in folder.files)} from {prefix} into a folder named {folder.name} and set "
        f"{MODEL_DIR_ENV} to the folder that holds it."
    )


def _download_failure(exc: BaseException) -> str:
    """A few words on why a download failed, for the user (the raw error goes to the log)."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return "no internet connection: the download address could not be looked up"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "the download timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered {exc.code}"
    return "the network is not reachable"


def download_model(spec: ModelSpec, target_dir: Path, progress=None, *, url: str | None = None,
                   offline: Callable[..., str] | None = None) -> Path:
    """Download ``spec`` into ``target_dir``; verify size and hash before an atomic rename.
    ``offline(why)`` words the error when the download fails (default: the MediaPipe models)."""
    target = target_dir / spec.filename
    try:
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as out:
                try:
                    response = urllib.request.urlopen(url or spec.url, timeout=30)
                except (urllib.error.URLError, OSError) as exc:
                    logger.warning("downloading %s failed: %s", url or spec.url, exc)
                    raise ModelError((offline or _offline_message)(_download_failure(exc))) from None
                with response:
                    total = int(response.headers.get("Content-Length") or spec.size)
                    done = 0
                    bar = _progress_bar(spec.filename, total) if progress is None else None
                    while chunk := response.read(1 << 16):
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(spec.filename, done, total)
                        elif bar is not None:
                            bar.update(len(chunk))
                    if bar is not None:
                        bar.close()
            _verify(tmp, spec)
    except WriteError as exc:
        raise ModelError(str(exc)) from None
    return target


def _progress_bar(name: str, total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc=f"Downloading {name}")
