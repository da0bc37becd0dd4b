"""The metronome WAV: one click per step at the target cadence."""

import io
import wave

import numpy as np
import pytest

from gait.metronome import (
    SAMPLE_RATE_HZ,
    click_times_s,
    metronome_file_name,
    metronome_samples,
    metronome_wav_bytes,
    write_metronome,
)


def onsets(samples: np.ndarray) -> np.ndarray:
    """Sample indices where a click starts (silence before it)."""
    loud = np.abs(samples.astype(float)) > 200
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    gaps = np.diff(np.concatenate([[-10**9], starts]))
    return starts[gaps > 0.1 * SAMPLE_RATE_HZ]


@pytest.mark.parametrize("cadence", [150.0, 168.0, 177.0, 186.0])
def test_one_click_per_step_at_the_cadence(cadence):
    samples = metronome_samples(cadence, duration_s=20.0)
    found = onsets(samples)
    expected = click_times_s(cadence, 20.0)
    assert len(found) == len(expected) == int(np.ceil(20.0 * cadence / 60.0))
    assert np.max(np.abs(found / SAMPLE_RATE_HZ - expected)) < 2.0 / SAMPLE_RATE_HZ
    period = np.mean(np.diff(found)) / SAMPLE_RATE_HZ
    assert 60.0 / period == pytest.approx(cadence, abs=0.05)


def test_accent_every_second_click():
    samples = metronome_samples(180.0, duration_s=4.0, accent_every=2).astype(float)
    peaks = [np.abs(samples[s:s + 200]).max() for s in onsets(samples.astype(np.int16))]
    assert all(peaks[k] > peaks[k + 1] for k in range(0, len(peaks) - 1, 2))
    plain = metronome_samples(180.0, duration_s=4.0, accent_every=None).astype(float)
    flat = [np.abs(plain[s:s + 200]).max() for s in onsets(plain.astype(np.int16))]
    assert max(flat) - min(flat) < 50


def test_wav_file_reads_back(tmp_path):
    path = write_metronome(tmp_path / metronome_file_name(176.4), 176.4, duration_s=60.0)
    assert path.name == "metronome_176spm.wav"
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        assert wav.getframerate() == SAMPLE_RATE_HZ
        assert wav.getnframes() == 60 * SAMPLE_RATE_HZ
    assert metronome_wav_bytes(176.4, 1.0)[:4] == b"RIFF"
    with wave.open(io.BytesIO(metronome_wav_bytes(176.4, 1.0))) as wav:
        assert wav.getnframes() == SAMPLE_RATE_HZ
    with pytest.raises(ValueError):
        click_times_s(0.0, 10.0)
