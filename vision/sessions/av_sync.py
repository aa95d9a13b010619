"""Measure sound-to-picture sync on a recording of flashes and beeps (tests and scripts/measure_av_sync.py).

A mark is a bright picture and a loud tone that start at the same moment of the source. On
the recording, each flash is found as the first frame whose mean brightness crosses the
middle (time = that frame's presentation time) and each beep as the first 1 ms window whose
RMS crosses a quarter of the loudest (time = the window's start); pairing each flash with the
nearest beep gives the offsets. A flash can be placed only to a frame (33 ms at 30 fps), so
marks start at frame times and the offset of a synced file is 0 within a millisecond.
"""

from __future__ import annotations

import os
import time

import av
import numpy as np

from poise.vision.sessions.recording import QUEUE_FRAMES
from poise.vision.types import Frame

MARK_PERIOD_S = 10.0
MARK_LENGTH_S = 0.1
BEEP_HZ = 1000.0


def flash_times(path: str | os.PathLike) -> list[float]:
    times, was_bright = [], False
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        for frame in c.decode(stream):
            bright = float(frame.to_ndarray(format="gray").mean()) > 128
            if bright and not was_bright:
                times.append(float(frame.pts * stream.time_base))
            was_bright = bright
    return times


def beep_times(path: str | os.PathLike) -> list[float]:
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        first_pts, chunks = None, []
        for frame in c.decode(stream):
            if first_pts is None:
                first_pts = float(frame.pts * stream.time_base)
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    pcm = np.concatenate(chunks)
    win = rate // 1000
    rms = np.sqrt(np.mean(pcm[: len(pcm) // win * win].reshape(-1, win) ** 2, axis=1))
    loud = rms > 0.25 * rms.max()
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    # AAC decoders start with priming samples that the pts of the first frame already accounts for.
    return [first_pts + k * win / rate for k in onsets]


def sync_offsets(path: str | os.PathLike) -> list[float]:
    """Sound minus picture, in seconds, for each flash (positive: the sound comes late)."""
    beeps = np.array(beep_times(path))
    return [float(beeps[np.argmin(np.abs(beeps - f))] - f) for f in flash_times(path)] if len(beeps) else []


def mark_frame(i: int, fps: float, size=(360, 640), period: float = MARK_PERIOD_S) -> np.ndarray:
    """Picture i of a marked source: white during a mark, black otherwise."""
    on = (i / fps) % period < MARK_LENGTH_S
    return np.full((*size, 3), 255 if on else 0, np.uint8)


def mark_audio(t: np.ndarray, period: float = MARK_PERIOD_S) -> np.ndarray:
    """Sound at times t (seconds of the source): a 1 kHz tone during a mark, silence otherwise."""
    on = (t % period) < MARK_LENGTH_S
    return (on * 0.5 * np.sin(2 * np.pi * BEEP_HZ * t)).astype(np.float32)[:, None]


def write_marked_clip(path: str | os.PathLike, seconds: float, *, fps: int = 30, rate: int = 48000,
                      period: float = MARK_PERIOD_S) -> None:
    """An H.264 + AAC file of the marked source (e.g. to play as the camera in a test)."""
    with av.open(str(path), mode="w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 640, 360, "yuv420p"
        a = c.add_stream("aac", rate=rate, layout="mono")
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(mark_frame(i, fps, period=period), format="bgr24")
            frame.pts = i
            c.mux(v.encode(frame))
        c.mux(v.encode(None))
        block = 1024
        for k in range(0, int(seconds * rate), block):
            samples = mark_audio((k + np.arange(block)) / rate, period=period)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.T), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = rate, k
            c.mux(a.encode(frame))
        c.mux(a.encode(None))


def record_marks(recorder, seconds: float, fps: float, rate: int, *, drift_ppm: float = 0.0,
                 jitter_s: float = 0.0, block: int = 960, t0: float = 1000.0, seed: int = 0,
                 period: float = MARK_PERIOD_S) -> None:
    """Feed ``recorder`` (an AVRecorder) a marked source as fast as it encodes (no real time):
    pictures at exact frame times, sound from a microphone whose clock runs ``drift_ppm``
    fast and whose blocks are stamped up to ``jitter_s`` late (callback scheduling)."""
    rng = np.random.default_rng(seed)
    audio_rate = rate * (1 + drift_ppm * 1e-6)   # samples per second of true time
    sample = 0
    for i in range(int(seconds * fps)):
        t = i / fps
        recorder.write_frame(Frame(i, int(round(t * 1000)), mark_frame(i, fps, period=period), captured_at=t0 + t))
        while sample / audio_rate < t + 1 / fps:
            times = (sample + np.arange(block)) / audio_rate
            recorder.write_audio(mark_audio(times, period=period), t0 + sample / audio_rate + rng.uniform(0, jitter_s))
            sample += block
        while recorder.video_backlog > QUEUE_FRAMES // 2:   # faster than real time: let the encoder keep up
            time.sleep(0.002)
