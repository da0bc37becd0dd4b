"""A metronome for cadence retraining: a WAV file with one click per step at the target cadence.

Written with the standard library's :mod:`wave` and numpy (16-bit mono PCM). Each click is a short
decaying sine burst; with ``accent_every`` (e.g. 2: one accent per stride) every n-th click is higher
and louder, which helps runners count left-right.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE_HZ = 16000  # clicks at 1-1.6 kHz need no more; 60 s is 1.9 MB
CLICK_S = 0.03
CLICK_HZ = 1000.0
ACCENT_HZ = 1600.0


def click_times_s(cadence_spm: float, duration_s: float) -> np.ndarray:
    """Times of the clicks, one per step: 0, 60/cadence, ... before ``duration_s``."""
    if not cadence_spm > 0 or not duration_s > 0:
        raise ValueError("cadence_spm and duration_s must be positive")
    period_s = 60.0 / cadence_spm
    return np.arange(int(np.ceil(duration_s / period_s - 1e-9))) * period_s


def metronome_samples(cadence_spm: float, duration_s: float = 60.0, accent_every: int | None = 2,
                      sample_rate_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """The signal as int16 samples. Click onsets are placed to the nearest sample of their exact time,
    so the mean beat period is exact over the file."""
    n = int(round(duration_s * sample_rate_hz))
    signal = np.zeros(n, np.float64)
    t = np.arange(int(CLICK_S * sample_rate_hz)) / sample_rate_hz
    envelope = np.exp(-t / (CLICK_S / 5))
    clicks = {False: 0.5 * envelope * np.sin(2 * np.pi * CLICK_HZ * t),
              True: 0.8 * envelope * np.sin(2 * np.pi * ACCENT_HZ * t)}
    for k, onset_s in enumerate(click_times_s(cadence_spm, duration_s)):
        start = int(round(onset_s * sample_rate_hz))
        accent = bool(accent_every and k % accent_every == 0)
        burst = clicks[accent][: max(0, n - start)]
        signal[start:start + len(burst)] += burst
    return np.round(np.clip(signal, -1, 1) * 32767).astype(np.int16)


def metronome_wav_bytes(cadence_spm: float, duration_s: float = 60.0, accent_every: int | None = 2,
                        sample_rate_hz: int = SAMPLE_RATE_HZ) -> bytes:
    """The WAV file's bytes (16-bit mono PCM)."""
    samples = metronome_samples(cadence_spm, duration_s, accent_every, sample_rate_hz)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate_hz)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def write_metronome(path: Path, cadence_spm: float, duration_s: float = 60.0,
                    accent_every: int | None = 2) -> Path:
    """Write the metronome WAV to ``path``; returns the path."""
    path = Path(path)
    path.write_bytes(metronome_wav_bytes(cadence_spm, duration_s, accent_every))
    return path


def metronome_file_name(cadence_spm: float) -> str:
    """``metronome_176spm.wav`` for a target of 176 steps/min."""
    return f"metronome_{int(round(cadence_spm))}spm.wav"
