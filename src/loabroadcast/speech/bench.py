"""Micro-benchmark of the offline speech path (called by scripts/bench; prints nothing).

Measures (a) a cold espeak-ng render and programme assembly of the long CCHC sample
message, (b) the same render again as a cache hit, (c) many different messages
rendered offline by a small thread pool, and (d) the long sample read by an installed
Piper voice (``bench_piper``).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..config import SpeechSettings
from ..domain.models import Message
from .cache import RenderCache
from .engines import get_engine
from .engines.espeak import EspeakEngine
from .render import render_message

# The first message of /work/shared/samples/messages.toml ("cchc-2022").
CCHC_TEXT = """\
Ngày 14/02/2022, UBND thị trấn Khe Sanh ban hành Kế hoạch số 17/KH-UBND về việc tuyên truyền \
cải cách hành chính năm 2022.
Kế hoạch đưa ra 06 nội dung trọng tâm cần thực hiện trong năm 2022. Tuyên truyền, phổ biến các \
nội dung của Chương trình tổng thể CCHC nhà nước giai đoạn 2021-2030 của Chính phủ; Kế hoạch số \
204/KH-UBND ngày 24/12/2021 của UBND tỉnh về cải cách hành chính tỉnh Quảng Trị năm 2022.
Tuyên truyền các nhiệm vụ, giải pháp cải thiện và nâng cao các chỉ số PAR INDEX, ICT, PCI, DDCI \
và IPA của địa phương.
Tiếp tục tuyên truyền về hoạt động của Trung tâm Phục vụ Hành chính công tỉnh đến đông đảo quần \
chúng nhân dân.
Ủy ban nhân dân thị trấn Khe Sanh đề nghị các ban ngành, đoàn thể, các bộ phận, cán bộ, công \
chức nghiêm túc tổ chức thực hiện.
"""

_TOPICS = (
    "lịch tiêm chủng mở rộng tại hội trường khối",
    "phòng chống sốt xuất huyết, diệt lăng quăng bọ gậy ở tổ dân phố",
    "làm căn cước công dân lưu động cho bà con khối",
    "thu gom rác thải sinh hoạt vào buổi sáng tại khu phố",
    "phòng cháy chữa cháy trong mùa khô cho các hộ gia đình khối",
)


def _spoken(text: str) -> tuple[str, bool]:
    """``text`` through the project's normaliser when it is available (else as it is)."""
    try:
        from ..text import normalize
    except ImportError:
        return text, False
    try:
        return normalize(text, None).text, True
    except (TypeError, ValueError, AttributeError):
        return text, False


def _many_texts(count: int) -> list[str]:
    return [
        f"Thông báo số {i + 1}. Ủy ban nhân dân thị trấn thông báo về {_TOPICS[i % len(_TOPICS)]} "
        f"số {i % 9 + 1}. Đề nghị bà con chú ý theo dõi và thực hiện đúng hướng dẫn."
        for i in range(count)
    ]


def bench_speech(
    tmp_dir: Path | str,
    text: str | None = None,
    *,
    messages: int = 100,
    workers: int = 2,
    settings: SpeechSettings | None = None,
) -> dict[str, Any]:
    """Run the benchmark in ``tmp_dir`` (caches are created there); return the numbers.

    ``text`` replaces the embedded CCHC sample (pass it already normalised to skip the
    normaliser). Keys: ``long_*`` for (a), ``hit_s`` for (b), ``batch_*`` for (c).
    """
    root = Path(tmp_dir)
    settings = settings or SpeechSettings(engine="espeak")
    engine = EspeakEngine(settings.voice, settings.speed)
    normalised = False
    if text is None:
        text, normalised = _spoken(CCHC_TEXT)

    cache = RenderCache(root / "cache-long")
    message = Message(id=1, title="CCHC 2022", repeat=1)
    started = time.perf_counter()
    record = render_message(message, text, settings, cache, engine)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    render_message(message, text, settings, cache, engine)
    hit = time.perf_counter() - started

    batch_cache = RenderCache(root / "cache-batch")
    texts = _many_texts(messages)

    def one(index: int) -> float:
        msg = Message(id=index + 2, title=f"tin {index}")
        return render_message(msg, texts[index], settings, batch_cache, engine).duration_s

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        durations = list(pool.map(one, range(messages)))
    batch = time.perf_counter() - started
    return {
        "long_chars": len(text),
        "long_normalised": normalised,
        "long_render_s": round(cold, 3),
        "long_audio_s": round(record.duration_s, 2),
        "long_loudness_lufs": record.loudness_lufs,
        "hit_s": round(hit, 4),
        "batch_messages": messages,
        "batch_workers": workers,
        "batch_s": round(batch, 2),
        "batch_per_message_s": round(batch / max(1, messages), 3),
        "batch_audio_s": round(sum(durations), 1),
    }


def bench_piper(tmp_dir: Path | str, model: Path | str, text: str | None = None) -> dict[str, Any]:
    """The long CCHC sample rendered (speech, chimes, loudness) with Piper voice ``model``
    installed in a voices folder under ``tmp_dir``, as ``[speech] piper_voice`` names it.

    Keys: ``piper_voice``, ``piper_load_s`` (loading the model), ``piper_render_s`` (the
    whole render, load included), ``piper_audio_s`` and ``piper_rtf`` (render / audio).
    """
    root, model = Path(tmp_dir), Path(model)
    name = model.name.removesuffix(".onnx")
    folder = root / "voices" / name
    folder.mkdir(parents=True)
    for source in (model, model.with_name(model.name + ".json")):
        os.symlink(source.resolve(), folder / source.name)
    settings = SpeechSettings(engine="piper", piper_voice=name)
    engine = get_engine("piper", settings, root / "voices")
    normalised = False
    if text is None:
        text, normalised = _spoken(CCHC_TEXT)
    cache = RenderCache(root / "cache-piper")
    message = Message(id=1, title="CCHC 2022", repeat=1)
    started = time.perf_counter()
    engine.load()  # timed apart
    loaded = time.perf_counter() - started
    record = render_message(message, text, settings, cache, engine)
    elapsed = time.perf_counter() - started
    return {
        "piper_voice": record.voice,
        "piper_engine": record.engine,
        "piper_normalised": normalised,
        "piper_load_s": round(loaded, 3),
        "piper_render_s": round(elapsed, 3),
        "piper_audio_s": round(record.duration_s, 2),
        "piper_rtf": round(elapsed / record.duration_s, 4),
    }
