"""Speech clips with known words, built at test time with espeak-ng (never committed).

Each word is synthesised on its own (espeak-ng, en-us) and placed at a known time, so every
word's start and end are known by construction; fillers ("um", "uh", "er", filler "like",
"you know") are words of the script like any other, marked as fillers. Pink-ish room noise
is added so the silence is not digital zero. Used by tests/test_transcribe.py and
scripts/measure_transcripts.py.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

RATE = 16000
VOICE = "en-us"
# Each word's synthesised audio is trimmed where it falls below this share of its peak.
TRIM_SHARE = 0.02
# Room noise under the speech, as in the shared voice clip (pink noise at -45 dBFS RMS).
NOISE_DBFS = -45.0

# Interview-like sentences. A token in CAPITALS is a filler; "like" and "you know" without
# capitals are ordinary words (a verb, a preposition, a question), so they test precision.
SCRIPTS: dict[str, list[str]] = {
    "strength": ["so UM I think my main strength is that I stay calm under pressure",
                 "UH when a release goes wrong I write down what we know first"],
    "team": ["in my last job UH I led a team of five engineers",
             "we had LIKE a really tight deadline and YOU_KNOW we still shipped on time"],
    "hardest": ["ER the hardest part was convincing the other teams to change their plans",
                "I would like to grow into a role where I can mentor people"],
    "learned": ["UM what I learned is that UH clear communication matters more than speed",
                "it looks like the new report will save about two hours a day"],
    "enjoy": ["YOU_KNOW I really enjoy solving problems like this one",
              "do you know how much time we saved UM I think it was about a week"],
    "plain": ["thank you for having me I am excited to be here today",
              "my background is in data engineering and I enjoy working with people"],
}


@dataclass(frozen=True, slots=True)
class KnownWord:
    start_s: float
    end_s: float
    text: str
    filler: bool


@dataclass(frozen=True, slots=True)
class SpeechClip:
    name: str
    audio: np.ndarray           # float32 mono at RATE
    words: tuple[KnownWord, ...]

    @property
    def duration_s(self) -> float:
        return len(self.audio) / RATE

    @property
    def reference(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def words_per_minute(self) -> float:
        """The constructed pace: words over the time from the first word's start to the last's end
        (the clip's one silence between sentences is shorter than pace.MAX_SPEAKING_GAP_S)."""
        return 60.0 * len(self.words) / (self.words[-1].end_s - self.words[0].start_s)


def require_espeak() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng; scripts/setup.sh does it as root): "
                           "the constructed speech clips need it")
    return exe


@functools.lru_cache(maxsize=512)
def say(text: str, wpm: int = 150) -> np.ndarray:
    """One word or phrase from espeak-ng, resampled to RATE, trimmed of its own silence."""
    out = subprocess.run([require_espeak(), "-v", VOICE, "-s", str(wpm), "--stdout", text],
                         capture_output=True, check=True).stdout
    with wave.open(io.BytesIO(out)) as w:
        sr = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768
    n = int(len(x) * RATE / sr)
    x = np.interp(np.arange(n) * sr / RATE, np.arange(len(x)), x).astype(np.float32)
    loud = np.flatnonzero(np.abs(x) > TRIM_SHARE * np.max(np.abs(x)))
    return x[loud[0]:loud[-1] + 1]


def room_noise(n: int, seed: int = 0) -> np.ndarray:
    """Pink-ish noise (white noise through a one-pole low-pass) at NOISE_DBFS RMS."""
    rng = np.random.default_rng(seed)
    white = rng.normal(0.0, 1.0, n)
    pink = np.empty(n)
    acc = 0.0
    for i in range(0, n, 4096):   # vectorised in blocks: y[k] = 0.97 y[k-1] + x[k]
        block = white[i:i + 4096]
        y = np.empty(len(block))
        for j, v in enumerate(block):
            acc = 0.97 * acc + v
            y[j] = acc
        pink[i:i + len(block)] = y
    pink /= np.sqrt(np.mean(pink ** 2))
    return (pink * 10 ** (NOISE_DBFS / 20)).astype(np.float32)


def build(name: str, sentences: list[str], *, wpm: int = 150, gap_s: float = 0.06, sentence_gap_s: float = 0.6,
          lead_s: float = 0.8, tail_s: float = 0.8, seed: int = 0) -> SpeechClip:
    """Words placed one after another: ``gap_s`` between words, ``sentence_gap_s`` between sentences."""
    parts, words, t = [np.zeros(int(lead_s * RATE), np.float32)], [], lead_s
    for k, sentence in enumerate(sentences):
        if k:
            parts.append(np.zeros(int(sentence_gap_s * RATE), np.float32))
            t += int(sentence_gap_s * RATE) / RATE
        for j, token in enumerate(sentence.split()):
            if j:
                parts.append(np.zeros(int(gap_s * RATE), np.float32))
                t += int(gap_s * RATE) / RATE
            filler = token.isupper() and token != "I"
            for piece in token.lower().split("_"):   # YOU_KNOW: two filler words
                audio = say(piece, wpm)
                words.append(KnownWord(t, t + len(audio) / RATE, piece, filler))
                parts.append(audio)
                t += len(audio) / RATE
                if piece != token.lower().split("_")[-1]:
                    parts.append(np.zeros(int(gap_s * RATE), np.float32))
                    t += int(gap_s * RATE) / RATE
    parts.append(np.zeros(int(tail_s * RATE), np.float32))
    audio = np.concatenate(parts)
    audio = (0.5 * audio + room_noise(len(audio), seed)).astype(np.float32)
    return SpeechClip(name, audio, tuple(words))


def clip(name: str, **kw) -> SpeechClip:
    return build(name, SCRIPTS[name], **kw)


def write_wav(path: str | Path, audio: np.ndarray) -> Path:
    """16-bit mono WAV at RATE."""
    path = Path(path)
    pcm = np.clip(audio * 32767, -32768, 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return path


def write_video(path: str | Path, audio: np.ndarray | None, frames: list[np.ndarray], fps: int = 10) -> Path:
    """An MP4 (H.264 + AAC, PyAV) of ``frames`` (BGR) looped to the audio's length, with the audio
    track (or none when ``audio`` is None)."""
    path = Path(path)
    duration = len(audio) / RATE if audio is not None else len(frames) / fps
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=fps)
        h, w = frames[0].shape[:2]
        vs.width, vs.height, vs.pix_fmt = w - w % 2, h - h % 2, "yuv420p"
        a_s = out.add_stream("aac", rate=RATE, layout="mono") if audio is not None else None
        for i in range(int(round(duration * fps))):
            img = frames[i % len(frames)][: vs.height, : vs.width]
            for p in vs.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="bgr24")):
                out.mux(p)
        for p in vs.encode():
            out.mux(p)
        if a_s is not None:
            block = 1024
            for i in range(0, len(audio), block):
                chunk = audio[i:i + block].reshape(1, -1).astype(np.float32)
                frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                frame.sample_rate, frame.pts = RATE, i
                for p in a_s.encode(frame):
                    out.mux(p)
            for p in a_s.encode():
                out.mux(p)
    return path


# ------------------------------------------------------------------ judging a transcript against known words
# The shared clips' references (README "Transcripts" says how they were found).
VOICE_CLIP = "voice__center_left_center.mp4"
#: The three espeak-ng utterances of the voice clip: re-synthesised with espeak-ng (en-us, 150 wpm)
#: these sentences correlate 0.998-0.999 with the clip's sound; Whisper's readings and every other
#: candidate tried stay below 0.7 (scripts/measure_transcripts.py --reference).
VOICE_REFERENCE = ("Thank you for having me. I am excited to be here today.",
                   "In my last role I led a small team that rebuilt our reporting pipeline.",
                   "What I learned is to ask for feedback early.")
GRID_CLIP = "grid_lipnet__lbax4n.mpg"
#: GRID sentences follow a fixed grammar; lbax4n is "lay blue at x four now".
GRID_REFERENCE = "lay blue at x four now"

_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen twenty").split()


def normalise(text: str) -> list[str]:
    """Words for a word error rate: lower case, no punctuation, letters apart from digits
    ('X4' -> 'x four'), numbers up to twenty in words, hyphens split ('real-time' -> 'real time')."""
    import re

    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text.lower())
    words = re.sub(r"[^\w' ]+", " ", text.replace("-", " ")).split()
    return [_NUMBERS[int(w)] if w.isdigit() and int(w) <= 20 else w for w in words]


def word_errors(reference: str, words) -> tuple[int, int]:
    """(errors, reference words) of Whisper's words against a reference text (jiwer)."""
    import jiwer

    ref, hyp = " ".join(normalise(reference)), " ".join(normalise(" ".join(w.text for w in words)))
    if not hyp:
        return len(ref.split()), len(ref.split())
    out = jiwer.process_words(ref, hyp)
    return out.substitutions + out.deletions + out.insertions, len(ref.split())


def filler_matches(known: tuple[KnownWord, ...], words, tolerance_s: float = 1.0) -> tuple[int, int, int]:
    """(matched, known fillers, fillers found): a known filler is found when a word marked filler
    has its middle within ``tolerance_s`` of the known one's middle (each used once). "you know"
    counts as one filler (its two words)."""
    def groups(items, mid):
        out = []
        for w in items:
            if out and out[-1][1] == "you" and _bare(w.text) == "know":
                out[-1] = (out[-1][0], "you know")
                continue
            out.append((mid(w), _bare(w.text)))
        return [g[0] for g in out]

    ref = groups([w for w in known if w.filler], lambda w: (w.start_s + w.end_s) / 2)
    hyp = groups([w for w in words if w.filler], lambda w: (w.start_s + w.end_s) / 2)
    used, matched = set(), 0
    for r in ref:
        best = min((abs(h - r), j) for j, h in enumerate(hyp) if j not in used) if len(used) < len(hyp) else None
        if best is not None and best[0] <= tolerance_s:
            used.add(best[1])
            matched += 1
    return matched, len(ref), len(hyp)


def _bare(text: str) -> str:
    import re

    return re.sub(r"[^\w']", "", text.lower())


def time_errors(known: tuple[KnownWord, ...], words) -> list[float]:
    """|start difference| of each word Whisper got right, paired by jiwer's alignment."""
    import jiwer

    ref = [_bare(w.text) for w in known]
    hyp_words = [w for w in words if _bare(w.text)]
    hyp = [_bare(w.text) for w in hyp_words]
    if not hyp:
        return []
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    errors = []
    for chunk in out.alignments[0]:
        if chunk.type == "equal":
            for k in range(chunk.ref_end_idx - chunk.ref_start_idx):
                errors.append(abs(hyp_words[chunk.hyp_start_idx + k].start_s - known[chunk.ref_start_idx + k].start_s))
    return errors


def music(duration_s: float = 12.0, seed: int = 1) -> np.ndarray:
    """Instrumental music with no voice: a plucked melody with harmonics over a bass line and a
    drum beat (noise bursts), as in a song's intro; Whisper tends to invent words on such sound."""
    rng = np.random.default_rng(seed)
    n = int(duration_s * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n)
    beat = 0.25
    scale = [261.6, 293.7, 329.6, 392.0, 440.0, 523.3]
    for k in range(int(duration_s / beat)):
        a = int(k * beat * RATE)
        seg = t[: int(0.6 * RATE)]
        f = scale[rng.integers(len(scale))]
        note = sum(np.sin(2 * np.pi * f * h * seg) / h for h in (1, 2, 3, 4)) * np.exp(-seg * 6)
        bass = np.sin(2 * np.pi * (f / 4) * seg) * np.exp(-seg * 3) * (k % 2 == 0)
        piece = 0.25 * note + 0.3 * bass
        end = min(n, a + len(piece))
        out[a:end] += piece[: end - a]
        if k % 2 == 0:   # a drum hit on every beat pair
            hit = rng.normal(0, 1, int(0.05 * RATE)) * np.exp(-np.arange(int(0.05 * RATE)) / 200)
            out[a:a + len(hit)] += 0.3 * hit[: max(0, min(len(hit), n - a))]
    out /= np.max(np.abs(out)) / 0.5
    return (out + room_noise(n, seed)).astype(np.float32)
