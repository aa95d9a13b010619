"""Print how well transcripts match known words: word error rate, filler recall/precision, word
start times and pace, on the shared speech clips and on espeak-ng clips built here (README
"Transcripts"). --reference checks the voice clip's reference by re-synthesis; --vad compares
Silero VAD with WebRTC's on the same clips.

Run: .venv/bin/python scripts/measure_transcripts.py [--mode two-readings|plain|prompted|openai] [--beam N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("POISE_MODEL_DIR", str(ROOT.parent / "shared" / "models"))

import speech_clips as sc  # noqa: E402
from poise.vision.speech import transcribe as tr  # noqa: E402
from poise.vision.speech.pace import speech_figures  # noqa: E402

CLIPS = ROOT.parent / "shared" / "clips"
# How each chunk is read: (prompt of the words' reading, prompt of the hesitations' reading or None).
OPENAI_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."  # OpenAI's Whisper guide
MODES = {"two-readings": (None, tr.FILLER_PROMPT),       # as shipped
         "plain": (None, None),                          # Whisper as it comes
         "prompted": (tr.FILLER_PROMPT, None),           # one reading after Poise's filler prompt
         "openai": (OPENAI_PROMPT, None)}


def run(args) -> None:
    model = tr.load_model(cpu_threads=args.threads)
    prompt, filler_prompt = MODES[args.mode]
    reading = {"beam_size": args.beam, "prompt": prompt, "filler_prompt": filler_prompt}
    total_err = total_ref = 0
    fm = fk = ff = 0
    starts: list[float] = []
    audio_s = elapsed = 0.0
    print(f"mode={args.mode} beam={args.beam} threads={args.threads}")
    rows = []
    for wpm in args.wpm:
        for name in sc.SCRIPTS:
            clip = sc.clip(name, wpm=wpm)
            t = time.perf_counter()
            got = tr.transcribe_pcm(clip.audio, model=model, **reading)
            elapsed += time.perf_counter() - t
            audio_s += clip.duration_s
            err, n = sc.word_errors(clip.reference.replace("_", " "), got.words)
            m, k, f = sc.filler_matches(clip.words, got.words)
            te = sc.time_errors(clip.words, got.words)
            fig = speech_figures(got.words)
            total_err, total_ref = total_err + err, total_ref + n
            fm, fk, ff = fm + m, fk + k, ff + f
            starts += te
            rows.append((f"{name}@{wpm}", err / n, f"{m}/{k}", f"{m}/{f}", statistics.median(te) if te else None,
                         clip.words_per_minute, fig.words_per_minute, got.text))
    for r in rows:
        print(f"  {r[0]:<14} WER {r[1]:.3f}  fillers recalled {r[2]:>4} precise {r[3]:>4}  start err med "
              f"{r[4] if r[4] is None else round(r[4], 3)}  wpm known {r[5]:.0f} got {r[6] if r[6] is None else round(r[6])}  | {r[7]}")
    print(f"constructed: WER {total_err}/{total_ref} = {total_err / total_ref:.3f}; fillers recall {fm}/{fk} = "
          f"{fm / max(fk, 1):.2f}, precision {fm}/{ff} = {fm / max(ff, 1):.2f}; word start error median "
          f"{statistics.median(starts):.3f} s, p90 {np.percentile(starts, 90):.3f} s over {len(starts)} words; "
          f"speed {audio_s / elapsed:.1f}x real time")
    for clip_name, ref in ((sc.VOICE_CLIP, " ".join(sc.VOICE_REFERENCE)), (sc.GRID_CLIP, sc.GRID_REFERENCE)):
        got = tr.transcribe_file(CLIPS / clip_name, model=model, **reading)
        err, n = sc.word_errors(ref, got.words)
        fillers = sum(w.filler for w in got.words)
        print(f"{clip_name}: WER {err}/{n} = {err / n:.3f}, fillers marked {fillers} (none spoken) | {got.text}")


def vad(args) -> None:
    """Voice activity agreement of Silero VAD (faster-whisper's) and WebRTC's (vision/audio/voice.py),
    at points every 0.05 s farther than 0.25 s from a speech boundary (the issue-11 measure)."""
    import tempfile

    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from poise.vision.audio.track import read_speech_pcm
    from poise.vision.audio.voice import voice_track_from_file

    margin, step = 0.25, 0.05
    cases = []
    import csv

    with open(CLIPS / "voice_segments.csv", newline="") as fh:
        truth = [(float(r["start_s"]), float(r["end_s"])) for r in csv.DictReader(fh) if r["file"] == sc.VOICE_CLIP]
    cases.append((sc.VOICE_CLIP, CLIPS / sc.VOICE_CLIP, truth))
    tmp = Path(tempfile.mkdtemp())
    for name in sc.SCRIPTS:
        c = sc.build(name, sc.SCRIPTS[name], sentence_gap_s=1.5)
        spans, start = [], c.words[0].start_s
        for a, b in zip(c.words, c.words[1:]):   # a sentence is speech from its first word to its last
            if b.start_s - a.end_s > 1.0:
                spans.append((start, a.end_s))
                start = b.start_s
        spans.append((start, c.words[-1].end_s))
        cases.append((f"{name} (built)", sc.write_wav(tmp / f"{name}.wav", c.audio), spans))
    cases.append(("music (built, no speech)", sc.write_wav(tmp / "music.wav", sc.music(12.0)), []))
    cases.append(("room noise (built, no speech)", sc.write_wav(tmp / "noise.wav", sc.room_noise(8 * 16000)), []))
    silero = {"Silero, faster-whisper defaults": VadOptions(),
              "Silero, transcribe.VAD_PARAMETERS": VadOptions(**tr.VAD_PARAMETERS),
              "Silero, 0.25 s silence, 30 ms pad": VadOptions(min_silence_duration_ms=250, speech_pad_ms=30)}
    totals: dict[str, list[int]] = {}
    for label, path, spans in cases:
        pcm = read_speech_pcm(path).astype(np.float32) / 32768
        duration = len(pcm) / 16000
        times = np.arange(0, duration, step)
        true = np.array([any(a <= t < b for a, b in spans) for t in times])
        far = np.array([not spans or min(abs(t - x) for ab in spans for x in ab) > margin for t in times])
        track = voice_track_from_file(path)
        t0 = time.perf_counter()
        found = {"WebRTC (vision/audio/voice.py)": np.array([bool(track.speaking_at(t)) for t in times])}
        for name, opts in silero.items():
            ts = get_speech_timestamps(pcm, opts)
            found[name] = np.array([any(d["start"] / 16000 <= t < d["end"] / 16000 for d in ts) for t in times])
        line = []
        for name, said in found.items():
            ok = int((said == true)[far].sum())
            totals.setdefault(name, [0, 0])
            totals[name][0] += ok
            totals[name][1] += int(far.sum())
            line.append(f"{ok / far.sum():.3f}")
        print(f"  {label:<32} " + "  ".join(line) + "   (" + " | ".join(found) + ")")
    for name, (ok, n) in totals.items():
        print(f"{name}: {ok}/{n} = {ok / n:.3f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", choices=list(MODES), default="two-readings")
    p.add_argument("--beam", type=int, default=tr.BEAM_SIZE)
    p.add_argument("--threads", type=int, default=tr.CPU_THREADS)
    p.add_argument("--wpm", type=int, nargs="+", default=[150])
    p.add_argument("--vad", action="store_true", help="compare Silero VAD with WebRTC's instead")
    args = p.parse_args()
    vad(args) if args.vad else run(args)


if __name__ == "__main__":
    main()
