"""The numpy BS.1770 meter, interpolator, resampler and limiter, checked against known
values, direct IIR filtering and ffmpeg's ``ebur128=peak=true`` (the independent reference)."""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loabroadcast.errors import AudioError
from loabroadcast.resources import audio_asset
from loabroadcast.speech import limiter as LM
from loabroadcast.speech import loudness as L
from loabroadcast.speech import pcm
from loabroadcast.speech.audio import measure_loudness
from loabroadcast.speech.engines import EspeakEngine

SPOKEN = (
    "Ủy ban nhân dân thị trấn thông báo: từ ngày mười lăm tháng ba, bà con khối ba đến hội "
    "trường làm căn cước công dân lưu động, mang theo sổ hộ khẩu."
)


def tone(freq: float, dbfs: float, seconds: float, rate: int, phase_deg: float = 0.0):
    """A sine of peak ``dbfs`` with 50 ms raised-cosine fades (no edge overshoot)."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    x = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + np.deg2rad(phase_deg))
    m = rate // 20
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(m) / m)
    x[:m] *= ramp
    x[-m:] *= ramp[::-1]
    return x


def as_written(x) -> np.ndarray:
    """What a 16-bit file of ``x`` holds, as floats (so both meters see the same samples)."""
    return L.from_pcm16(L.to_pcm16(x))


def written(path: Path, x, rate: int) -> Path:
    pcm.write_wav(path, L.to_pcm16(x), rate)
    return path


def biquad(x: np.ndarray, b, a) -> np.ndarray:
    """Direct-form I IIR filter, one sample at a time (the reference for the FFT filter)."""
    y = np.zeros(len(x))
    x1 = x2 = y1 = y2 = 0.0
    for i, v in enumerate(x.tolist()):
        out = b[0] * v + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1, y2, y1 = x1, v, y1, out
        y[i] = out
    return y


def redesigned(b, a, rate: int):
    """The 48 kHz biquad moved to ``rate`` by substituting the bilinear warping map
    z48⁻¹ = ((1 − r) + (1 + r) z⁻¹) / ((1 + r) + (1 − r) z⁻¹), r = rate / 48 kHz."""
    r = rate / 48000.0
    p, q = np.array([1 - r, 1 + r]), np.array([1 + r, 1 - r])  # numerator / denominator of z48⁻¹

    def poly(c):
        return c[0] * np.convolve(q, q) + c[1] * np.convolve(p, q) + c[2] * np.convolve(p, p)

    nb, na = poly(b), poly(a)
    return nb / na[0], na / na[0]


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> tuple[np.ndarray, int]:
    folder = tmp_path_factory.mktemp("speech")
    path = EspeakEngine("vi").synthesize(SPOKEN, folder / "s.wav").path
    return L.read_wav(path)


# --- K-weighting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [48000, 44100, 22050])
def test_fft_k_weighting_equals_the_iir_filters(rate):
    rng = np.random.default_rng(7)
    x = (0.2 * rng.standard_normal(rate // 2)).astype(np.float32)
    y = x.astype(np.float64)
    for b, a in L.K_WEIGHTING_48K:
        y = biquad(y, *redesigned(b, a, rate))
    block = L.block_size(rate)
    expected = np.square(y[: len(y) // block * block]).reshape(-1, block).sum(axis=1)
    got = L.k_weighted_energies(x, rate, block)
    assert got == pytest.approx(expected, rel=1e-4, abs=1e-9)


def test_k_weighting_at_48k_is_the_standard_filter():
    freqs = np.array([20.0, 100.0, 997.0, 1681.97, 5000.0, 15000.0])
    z1 = np.exp(-2j * np.pi * freqs / 48000)
    expected = np.ones(len(freqs), dtype=complex)
    for b, a in L.K_WEIGHTING_48K:
        expected *= (b[0] + b[1] * z1 + b[2] * z1**2) / (1 + a[1] * z1 + a[2] * z1**2)
    assert L.k_weighting_response(freqs, 48000) == pytest.approx(expected, rel=1e-12)
    gain_997 = 20 * math.log10(abs(L.k_weighting_response(np.array([997.0]), 44100)[0]))
    assert gain_997 == pytest.approx(0.691, abs=0.01)  # why the offset is −0.691


# --- integrated loudness: known values and ffmpeg -------------------------------------------------

SINES = [
    # (frequency, peak dBFS, phase, BS.1770 loudness in LUFS)
    (997.0, 0.0, 0.0, -3.01),
    (1000.0, -20.0, 0.0, -23.0),
    (997.0, -23.0, 0.0, -26.01),
    (100.0, -6.0, 0.0, -10.85),
    (5000.0, -10.0, 0.0, -9.69),
]


@pytest.mark.parametrize("rate", [44100, 48000])
@pytest.mark.parametrize(("freq", "dbfs", "phase", "lufs"), SINES)
def test_sine_loudness_table(tmp_path, rate, freq, dbfs, phase, lufs):
    x = tone(freq, dbfs - 1e-4, 8.0, rate, phase)  # a hair below full scale
    ours = L.integrated_loudness(as_written(x), rate)
    assert ours == pytest.approx(lufs, abs=0.2)
    reference = measure_loudness(written(tmp_path / "t.wav", x, rate))
    assert ours == pytest.approx(reference.integrated_lufs, abs=0.2)


def test_gates(tmp_path):
    rate = 44100
    loud, quiet = tone(1000, -20, 5, rate), tone(1000, -40, 5, rate)
    x = np.concatenate([loud, quiet])
    # the −43 LUFS half is 20 LU under the −23 LUFS half: the relative gate drops it
    assert L.integrated_loudness(x, rate) == pytest.approx(-23.0, abs=0.2)
    # silence and anything under −70 LUFS count the same: not at all (blocks that straddle
    # the tone's ends do count, as in BS.1770, so the padding is the same in both)
    rng = np.random.default_rng(5)
    silent = np.concatenate([np.zeros(rate * 10), x, np.zeros(rate * 10)])
    hiss = 1e-5 * rng.standard_normal(len(silent))  # −100 dBFS
    hissing = np.where(silent == 0, hiss, silent)
    assert L.integrated_loudness(hissing, rate) == pytest.approx(
        L.integrated_loudness(silent, rate), abs=0.01
    )
    reference = measure_loudness(written(tmp_path / "g.wav", hissing, rate))
    assert L.integrated_loudness(as_written(hissing), rate) == pytest.approx(
        reference.integrated_lufs, abs=0.2
    )


def test_silence_and_too_short_are_minus_infinity():
    assert L.integrated_loudness(np.zeros(44100 * 3), 44100) == float("-inf")
    assert L.integrated_loudness(tone(1000, -6, 0.35, 44100), 44100) == float("-inf")
    assert L.true_peak(np.zeros(100)) == float("-inf")
    assert L.true_peak(np.zeros(0)) == float("-inf")


def test_speech_and_shipped_audio_agree_with_ffmpeg(tmp_path, speech):
    samples, rate = speech
    files = [written(tmp_path / "speech.wav", samples, rate)]
    files.append(written(tmp_path / "speech44.wav", L.resample(samples, rate, 44100), 44100))
    files += [audio_asset(name) for name in ("chime_in.wav", "chime_out.wav", "test_tone.wav")]
    for path in files:
        x, file_rate = L.read_wav(path)
        ours, reference = L.measure(x, file_rate), measure_loudness(path)
        assert ours.integrated_lufs == pytest.approx(reference.integrated_lufs, abs=0.2), path
        assert ours.true_peak_dbtp == pytest.approx(reference.true_peak_dbtp, abs=0.2), path


# --- true peak ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [44100, 48000])
def test_inter_sample_peak_of_a_quarter_rate_sine(tmp_path, rate):
    # fs/4 at 45°: every sample sits at ±sin 45° of the crest, 3.01 dB under the true peak
    x = tone(rate / 4, -6.0, 3.0, rate, phase_deg=45.0)
    sample_peak = 20 * math.log10(np.abs(as_written(x)).max())
    assert sample_peak == pytest.approx(-9.01, abs=0.01)
    ours = L.true_peak(as_written(x))
    assert ours - sample_peak == pytest.approx(3.01, abs=0.05)
    assert ours == pytest.approx(
        measure_loudness(written(tmp_path / "p.wav", x, rate)).true_peak_dbtp, abs=0.2
    )
    # at 0° the samples hit the crests: no inter-sample peak
    assert L.true_peak(as_written(tone(rate / 4, -6.0, 3.0, rate))) == pytest.approx(-6.0, abs=0.01)


def test_true_peak_of_low_frequencies_is_the_sample_peak():
    x = tone(440, -3.0, 2.0, 44100)
    assert L.true_peak(x) == pytest.approx(-3.0, abs=0.01)


# --- interpolation and resampling ---------------------------------------------------------------


def test_upsample_keeps_the_samples_and_fills_in_the_sine():
    rate = 22050
    x = tone(1000, -6, 1.0, rate)
    y = L.upsample(x.astype(np.float32), 2)
    assert len(y) == 2 * len(x)
    assert np.array_equal(y[::2], x.astype(np.float32))
    ideal = tone(1000, -6, 1.0, 2 * rate)
    # fades differ slightly at 2x; compare the steady middle
    middle = slice(len(y) // 4, 3 * len(y) // 4)
    assert np.abs(y[middle] - ideal[middle]).max() < 1e-3 * 0.5


@pytest.mark.parametrize(("src", "dst"), [(22050, 44100), (44100, 22050), (22050, 48000)])
def test_resample_is_band_limited_and_accurate(src, dst):
    x = tone(1000, -6, 2.0, src) + tone(3000, -12, 2.0, src)
    y = L.resample(x, src, dst)
    assert len(y) == int(len(x) * dst / src)
    ideal = tone(1000, -6, 2.0, dst) + tone(3000, -12, 2.0, dst)
    middle = slice(dst // 2, 3 * dst // 2)
    error = np.sqrt(np.mean((y[middle] - ideal[middle]) ** 2))
    assert 20 * math.log10(error / 0.5) < -60  # at least 60 dB under the signal


def test_downsampling_removes_what_the_new_rate_cannot_hold():
    x = tone(15000, -6, 1.0, 44100)  # above 22,050 Hz's Nyquist
    y = L.resample(x, 44100, 22050)
    assert np.abs(y).max() < 10 ** (-60 / 20)


# --- limiter ------------------------------------------------------------------------------------


def test_sliding_min_matches_brute_force():
    rng = np.random.default_rng(3)
    values = rng.standard_normal(200)
    for half in (0, 1, 2, 7):
        brute = [values[max(0, i - half) : i + half + 1].min() for i in range(len(values))]
        assert np.array_equal(LM._sliding_min(values, half), np.array(brute))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=-30, max_value=0), min_size=1, max_size=300),
    st.floats(min_value=0.1, max_value=5),
    st.floats(min_value=0.5, max_value=500),
)
def test_limiter_envelope_never_exceeds_what_any_block_needs(needed, attack, release):
    needed = np.array(needed)
    envelope = LM.limiter_envelope(needed, attack, release)
    assert len(envelope) == len(needed)
    assert (envelope <= 1e-9).all()
    assert (envelope <= LM._sliding_min(needed, 1) + 1e-9).all()  # safe to interpolate


def test_limiter_ramps_down_ahead_and_recovers_after():
    needed = np.zeros(400)
    needed[200] = -6.0
    envelope = LM.limiter_envelope(needed, attack_db=1.5, release_blocks=50)
    assert envelope[200] <= -6.0
    assert envelope[:190].max() == pytest.approx(0.0)  # nothing long before the peak
    assert envelope[196] < -0.5  # it is already falling a few blocks ahead
    assert -6.0 / math.e - 0.2 < envelope[250] < -6.0 / math.e + 0.2  # e-fold in 50 blocks
    assert -0.2 < envelope[399] < 0.0
    assert LM.limiter_envelope(np.zeros(10), 1.0, 1.0).tolist() == [0.0] * 10


# --- normalisation ------------------------------------------------------------------------------


def check_against_ffmpeg(tmp_path: Path, result: LM.Normalised, rate: int, target: float):
    reference = measure_loudness(written(tmp_path / "n.wav", L.from_pcm16(result.samples), rate))
    assert reference.integrated_lufs == pytest.approx(target, abs=1.0)
    assert reference.true_peak_dbtp <= -1.0
    assert result.loudness.integrated_lufs == pytest.approx(reference.integrated_lufs, abs=0.2)
    assert result.loudness.true_peak_dbtp == pytest.approx(reference.true_peak_dbtp, abs=0.2)


def test_normalise_speech_limits_its_peaks_and_reaches_the_target(tmp_path, speech):
    samples, rate = speech
    x = L.resample(samples, rate, 44100)
    result = LM.normalise(x, 44100, -16.0, -1.0)
    assert result.samples.dtype == np.int16 and len(result.samples) == len(x)
    assert result.limited_db < -1.0  # espeak peaks at 0 dBFS: a gain alone would clip
    assert result.loudness.integrated_lufs == pytest.approx(-16.0, abs=0.2)
    assert result.loudness.true_peak_dbtp <= -1.0
    check_against_ffmpeg(tmp_path, result, 44100, -16.0)


def test_normalise_quiet_tone_is_a_plain_gain(tmp_path):
    x = tone(300, -35, 6.0, 44100)
    result = LM.normalise(x, 44100, -16.0, -1.0)
    assert result.limited_db == 0.0
    assert result.gain_db == pytest.approx(-16.0 - L.integrated_loudness(x, 44100), abs=1e-9)
    scaled = x * 10 ** (result.gain_db / 20)
    assert np.abs(L.from_pcm16(result.samples) - scaled).max() <= 1 / 32768
    check_against_ffmpeg(tmp_path, result, 44100, -16.0)


def test_normalise_clicks_on_a_quiet_tone(tmp_path):
    """Full-scale clicks on a −30 dBFS tone: the limiter takes the clicks, the tone is raised."""
    rate = 44100
    x = tone(440, -30, 10.0, rate)
    x[rate : 9 * rate : rate // 2] = 0.99
    result = LM.normalise(x, rate, -16.0, -1.0)
    assert result.limited_db < -10
    assert result.loudness.integrated_lufs == pytest.approx(-16.0, abs=0.2)
    check_against_ffmpeg(tmp_path, result, rate, -16.0)


def test_normalise_lowers_a_loud_square_wave(tmp_path):
    rate = 48000
    x = 0.9 * np.sign(np.sin(2 * np.pi * 200 * np.arange(rate * 4) / rate))
    result = LM.normalise(x, rate, -16.0, -1.0)
    assert result.gain_db < -10
    check_against_ffmpeg(tmp_path, result, rate, -16.0)


def test_normalise_silence_is_only_converted():
    result = LM.normalise(np.zeros(44100), 44100)
    assert result.loudness.integrated_lufs == float("-inf")
    assert not result.samples.any()


# --- PCM files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_read_wav_sample_widths_and_downmix(tmp_path, width):
    frames = 1000
    left = np.linspace(-0.5, 0.5, frames)
    right = np.full(frames, 0.25)
    scale = 2 ** (8 * width - 1)
    ints = np.rint(np.stack([left, right], axis=1).reshape(-1) * scale).astype(np.int64)
    if width == 1:
        data = (ints + 128).astype(np.uint8).tobytes()
    elif width == 3:
        data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    else:
        data = ints.astype(f"<i{width}").tobytes()
    path = tmp_path / "s.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(width)
        wav.setframerate(16000)
        wav.writeframes(data)
    samples, rate = L.read_wav(path)
    assert rate == 16000 and samples.dtype == np.float32
    assert samples == pytest.approx((left + right) / 2, abs=max(2.0 / scale, 1e-7))


def test_load_mono_decodes_other_kinds_with_ffmpeg(tmp_path):
    import subprocess

    mp3 = tmp_path / "t.mp3"
    argv = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
    subprocess.run([*argv, str(mp3)], check=True, timeout=30)
    x = L.load_mono(mp3, 22050)
    assert len(x) / 22050 == pytest.approx(2.0, abs=0.08)
    with pytest.raises(AudioError, match="not found"):
        L.load_mono(tmp_path / "missing.wav", 44100)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF not really")
    with pytest.raises(AudioError, match="cannot read audio file"):
        L.load_mono(bad, 44100)
