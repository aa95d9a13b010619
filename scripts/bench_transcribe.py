"""Print transcription speed as a ratio to real time (seconds of sound per second of work) on this
machine: the shipped settings, and the thread counts and beam sizes they were chosen from.

Speech: about a minute of espeak-ng sentences built at known times (tests/speech_clips.py) and the
shared voice clip. The load average is printed beside every figure; run it on a quiet machine.

Run: .venv/bin/python scripts/bench_transcribe.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("POISE_MODEL_DIR", str(ROOT.parent / "shared" / "models"))

import speech_clips as sc  # noqa: E402
from poise.vision.audio.track import SPEECH_RATE, read_speech_pcm  # noqa: E402
from poise.vision.speech import transcribe as tr  # noqa: E402

VOICE = ROOT.parent / "shared" / "clips" / sc.VOICE_CLIP


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def speed(model, pcm, repeat: int, **reading) -> float:
    """Seconds of sound per second of work, the best of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        tr.transcribe_pcm(pcm, model=model, **reading)
        best = min(best, time.perf_counter() - t)
    return len(pcm) / SPEECH_RATE / best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    sentences = [s for v in sc.SCRIPTS.values() for s in v] * 2
    speech = (sc.build("bench", sentences, sentence_gap_s=0.8).audio * 32767).astype("int16")
    voice = read_speech_pcm(VOICE)
    print(f"sound: {len(speech) / SPEECH_RATE:.0f} s of constructed speech, {len(voice) / SPEECH_RATE:.1f} s voice clip; "
          f"{os.cpu_count()} CPUs")
    for threads in (1, 2):
        t = time.perf_counter()
        model = tr.load_model(cpu_threads=threads)
        print(f"threads={threads}: model loaded in {time.perf_counter() - t:.2f} s (load {load()})")
        for label, reading in (("as shipped: beam 5 + greedy filler reading", {}),
                               ("words only, beam 5", {"filler_prompt": None}),
                               ("words only, beam 1", {"filler_prompt": None, "beam_size": 1})):
            r1 = speed(model, speech, args.repeat, **reading)
            r2 = speed(model, voice, args.repeat, **reading)
            print(f"  {label:<44} constructed {r1:5.2f}x real time, voice clip {r2:5.2f}x   (load {load()})")
        del model


if __name__ == "__main__":
    main()
