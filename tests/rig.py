"""A player wired as the daemon wires it, for tests of the air path (fake or real parts)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from loabroadcast.playback.ledger import Ledger
from loabroadcast.playback.onair import OnAir
from loabroadcast.playback.player import Player, PlayerConfig
from loabroadcast.playback.prepare import Preparer
from loabroadcast.rendering import Renderer
from loabroadcast.store.airings import AsRun
from loabroadcast.store.journal import Journal, JournalWriter
from loabroadcast.testing import RecordingSink, RecordingZones


@dataclass
class Rig:
    """A player with its fakes, journal and store, as the daemon wires them."""

    player: Player
    sink: RecordingSink
    zones: RecordingZones
    renderer: Renderer
    writer: JournalWriter
    journal: Journal

    def flush(self) -> None:
        assert self.writer.flush(10), "the journal was not written back"

    def close(self) -> None:
        self.writer.close()
        self.journal.close()
        self.player.prep.close()


def make_rig(
    st,
    clock,
    sink=None,
    zones=None,
    instance="test-1",
    engine=None,
    rate=44100,
    folder=None,
    apply=None,
    **config,
) -> Rig:
    """A player wired as the daemon wires it (journal and writer included), with
    ``RecordingZones`` (all off, ops cleared) and a ``RecordingSink`` on ``clock`` unless
    given; ``engine`` speaks for the renderer (default: the station's). ``folder`` holds
    the journal (default: one per instance); ``apply(asrun_apply, journal_id, entry)``
    stands between the journal and the database (a store that stalls or refuses)."""
    asrun = AsRun(st.engine, "test", instance)
    journal = Journal(folder or st.settings.home / instance)
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    entries = journal.open()
    former = frozenset(str(e.data.get("instance")) for e in entries) - {instance}
    write = asrun.apply if apply is None else (lambda jid, e: apply(asrun.apply, jid, e))
    writer = JournalWriter(journal, write, asrun.journal_mark, lambda _t: None).start()
    renderer = Renderer(st, engine=engine)
    if zones is None:
        zones = RecordingZones(channels=4)
        zones.all_off()  # as the daemon does at start
        zones.ops.clear()
    sink = sink or RecordingSink(clock=clock)
    player = Player(
        prep=Preparer(st, renderer, asrun, rate=rate),
        ledger=Ledger(journal, instance, "test", clock),
        on_air=OnAir(
            sink,
            zones,
            clock,
            rate=rate,
            preroll_s=config.pop("preroll_s", 3.0),
            postroll_s=config.pop("postroll_s", 2.0),
        ),  # fmt: skip
        clock=clock,
        config=PlayerConfig(**{"gap_s": 1.0, **config}),
        shutdown=threading.Event(),
        former_instances=former,
    )
    return Rig(player, sink, zones, renderer, writer, journal)
