"""One contract for every relay driver, then each driver against the real thing.

CommandZones runs a real script; SerialZones writes to a real pseudo-terminal
(the bytes are read back from its master side) and to pyserial's ``loop://``.
"""

from __future__ import annotations

import os
import select
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from loabroadcast.config import ZoneSettings
from loabroadcast.errors import InvalidInput, ZoneError
from loabroadcast.playback.zones import (
    CommandZones,
    NoZones,
    SerialZones,
    Zones,
    lc_frame,
    make_zones,
    zones_session,
)
from loabroadcast.testing import RecordingZones

CHANNELS = 4
AMP = 5

RELAY_SCRIPT = """#!/bin/sh
# relay LOG on|off ZONE: a stand-in for a relay board's command-line tool
echo "$2 $3" >> "$1"
"""


def write_script(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class Pty:
    """A pseudo-terminal: the driver opens the slave path, the test reads the master."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)

    def read(self, size: int, timeout_s: float = 2.0) -> bytes:
        data = b""
        deadline = time.monotonic() + timeout_s
        while len(data) < size:
            ready, _, _ = select.select(
                [self.master], [], [], max(0.0, deadline - time.monotonic())
            )
            if not ready:
                break
            data += os.read(self.master, size - len(data))
        return data

    def pending(self) -> bytes:
        """Whatever is waiting on the master side now."""
        data = b""
        while select.select([self.master], [], [], 0.02)[0]:
            data += os.read(self.master, 4096)
        return data

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


def decode_frames(data: bytes) -> list[tuple[str, int]]:
    """LC relay frames back into ("on"|"off", channel); checks header and checksum."""
    assert len(data) % 4 == 0, data.hex()
    ops = []
    for i in range(0, len(data), 4):
        head, channel, state, checksum = data[i : i + 4]
        assert head == 0xA0
        assert state in (0, 1)
        assert checksum == (0xA0 + channel + state) & 0xFF
        ops.append(("on" if state else "off", channel))
    return ops


@dataclass
class Rig:
    """A driver plus a way to see what it physically did since the last look."""

    kind: str
    zones: Zones
    observe: object  # () -> list[("on"|"off", n) | ("amp", bool) | ("all_off",)] or None
    amp: int | None  # the amplifier channel as observed, None when there is none


@pytest.fixture(params=["none", "command", "serial", "recording"])
def rig(request, tmp_path):
    kind = request.param
    cleanup = []
    if kind == "none":
        rig = Rig(kind, NoZones(), lambda: None, None)
    elif kind == "command":
        script = write_script(tmp_path / "relay", RELAY_SCRIPT)
        log = tmp_path / "relay.log"
        zones = CommandZones(
            [str(script), str(log), "on", "{zone}"],
            [str(script), str(log), "off", "{zone}"],
            2.0,
            channels=CHANNELS,
            amp=AMP,
        )
        seen = [0]

        def observe():
            lines = log.read_text().splitlines() if log.exists() else []
            new, seen[0] = lines[seen[0] :], len(lines)
            return [(word, int(n)) for word, n in (line.split() for line in new)]

        rig = Rig(kind, zones, observe, AMP)
    elif kind == "serial":
        pty = Pty()
        cleanup.append(pty.close)
        zones = SerialZones(pty.path, 9600, CHANNELS, AMP)
        rig = Rig(kind, zones, lambda: decode_frames(pty.pending()), AMP)
    else:
        zones = RecordingZones(channels=CHANNELS)
        seen = [0]

        def observe():
            new, seen[0] = zones.ops[seen[0] :], len(zones.ops)
            return list(new)

        rig = Rig(kind, zones, observe, "amp")
    cleanup.insert(0, rig.zones.close)
    yield rig
    for step in cleanup:
        step()


def amp_op(rig: Rig, on: bool):
    """How switching the amplifier shows up for this driver."""
    if rig.amp == "amp":
        return ("amp", on)
    return ("on" if on else "off", rig.amp)


def as_observed(ops):
    return [("on" if on else "off", zone) for zone, on in ops]


def test_set_zones_switches_only_differences(rig):
    z = rig.zones
    z.all_off()
    rig.observe()
    steps = [
        ({1, 3}, [(1, True), (3, True)]),
        ({3, 4}, [(1, False), (4, True)]),
        ({3, 4}, []),
        ({2}, [(3, False), (4, False), (2, True)]),
        (set(), [(2, False)]),
    ]
    for wanted, expected in steps:
        assert z.set_zones(frozenset(wanted)) == expected
        observed = rig.observe()
        if observed is not None:
            assert observed == as_observed(expected)
        assert z.current == frozenset(wanted)


def test_all_off_switches_everything_amp_first(rig):
    z = rig.zones
    z.set_zones(frozenset({2}))
    z.amp(True)
    rig.observe()
    z.all_off()
    observed = rig.observe()
    assert z.current == frozenset()
    if rig.kind == "recording":
        assert observed == [("all_off",)]
    elif rig.kind != "none":
        assert observed == [amp_op(rig, False)] + [("off", n) for n in range(1, CHANNELS + 1)]
    # After all off every state is known: switching one zone is one operation.
    assert z.set_zones(frozenset({4})) == [(4, True)]


def test_fresh_driver_treats_unknown_relays_as_on(rig):
    ops = rig.zones.set_zones(frozenset({2}))
    if rig.kind == "none":
        assert ops == [(2, True)]
    else:
        assert ops == [(1, False), (3, False), (4, False), (2, True)]
        assert rig.observe() == as_observed(ops)


def test_amp(rig):
    z = rig.zones
    z.all_off()
    rig.observe()
    z.amp(True)
    z.amp(True)  # already on: nothing to switch
    z.amp(False)
    observed = rig.observe()
    if rig.amp is None:
        assert observed is None or observed == []
    else:
        assert observed == [amp_op(rig, True), amp_op(rig, False)]


@pytest.mark.parametrize("bad", [0, -1, True, "3", CHANNELS + 1, AMP])
def test_bad_zone_is_refused_before_switching(rig, bad):
    z = rig.zones
    z.all_off()
    rig.observe()
    if rig.kind == "none" and bad in (CHANNELS + 1, AMP):
        assert z.set_zones(frozenset({bad})) == [(bad, True)]  # one line, any number
        return
    with pytest.raises(ZoneError):
        z.set_zones(frozenset({2, bad}))
    assert rig.observe() in (None, [])


def test_close_turns_everything_off(rig):
    z = rig.zones
    z.set_zones(frozenset({1}))
    rig.observe()
    z.close()
    assert z.current == frozenset()
    observed = rig.observe()
    if rig.kind in ("command", "serial"):
        assert observed[0] == amp_op(rig, False)
        assert ("off", 1) in observed


def test_zones_session_all_off_on_enter_and_on_error(rig):
    z = rig.zones
    with pytest.raises(RuntimeError), zones_session(z) as inside:
        assert inside is z
        z.set_zones(frozenset({1, 2}))
        assert z.current == {1, 2}
        raise RuntimeError("player crashed")
    assert z.current == frozenset()
    with zones_session(z):
        z.set_zones(frozenset({3}))
    assert z.current == frozenset()
    assert isinstance(z, Zones)


# --------------------------------------------------------------------------- CommandZones


def test_command_failure_names_zone_and_reason_and_fails_safe(tmp_path):
    log = tmp_path / "relay.log"
    script = write_script(
        tmp_path / "relay",
        '#!/bin/sh\nif [ "$1 $2" = "on 3" ]; then\n'
        '  echo "relay 3 jammed" >&2; echo second line >&2; exit 1\nfi\n'
        f'echo "$1 $2" >> {log}\n',
    )
    z = CommandZones([str(script), "on", "{zone}"], [str(script), "off", "{zone}"], channels=4)
    z.all_off()
    log.unlink()
    with pytest.raises(ZoneError) as info:
        z.set_zones(frozenset({1, 3}))
    message = str(info.value)
    assert "zone 3 on" in message and "status 1" in message and "relay 3 jammed" in message
    assert "second line" not in message
    # Fail safe: everything was switched off again after the failure.
    assert log.read_text().splitlines() == ["on 1", "off 1", "off 2", "off 3", "off 4"]
    assert z.current == frozenset()


def test_command_timeout_kills_the_hook(tmp_path):
    marker = tmp_path / "survived"
    script = write_script(tmp_path / "hang", f"#!/bin/sh\nsleep 5\ntouch {marker}\n")
    z = CommandZones([str(script), "{zone}"], [str(script), "{zone}"], 0.3, channels=1)
    begun = time.monotonic()
    with pytest.raises(ZoneError, match=r"zone 1 on: .*hang did not finish within 0.3 s"):
        z.set_zones(frozenset({1}))  # on times out, then the fail-safe off times out too
    took = time.monotonic() - begun
    assert 0.55 < took < 2.0
    time.sleep(0.1)
    assert not marker.exists()


def test_command_missing_program(tmp_path):
    missing = str(tmp_path / "no-such-relay-tool")
    z = CommandZones([missing, "on", "{zone}"], [missing, "off", "{zone}"], channels=2)
    # A fresh driver first switches off the relays in an unknown state.
    with pytest.raises(ZoneError, match=r"zone 2 off: cannot run .*no-such-relay-tool"):
        z.set_zones(frozenset({1}))
    with pytest.raises(ZoneError, match=r"could not turn every zone off: zone 1 off: cannot run"):
        z.all_off()


def test_command_all_off_tries_every_channel(tmp_path):
    log = tmp_path / "relay.log"
    script = write_script(
        tmp_path / "relay",
        f'#!/bin/sh\necho "$1 $2" >> {log}\n[ "$2" != 2 ] || {{ echo stuck >&2; exit 3; }}\n',
    )
    z = CommandZones([str(script), "on", "{zone}"], [str(script), "off", "{zone}"], channels=3)
    with pytest.raises(ZoneError, match=r"zone 2 off: .* status 3: stuck"):
        z.all_off()
    assert log.read_text().splitlines() == ["off 1", "off 2", "off 3"]


def test_command_argv_must_be_a_list():
    with pytest.raises(InvalidInput, match="list of arguments"):
        CommandZones("relay on {zone}", ["relay", "off", "{zone}"])
    with pytest.raises(InvalidInput):
        CommandZones([], ["relay"])


# --------------------------------------------------------------------------- SerialZones


def test_lc_frames():
    assert lc_frame(1, True) == bytes.fromhex("a00101a2")
    assert lc_frame(1, False) == bytes.fromhex("a00100a1")
    assert lc_frame(8, True) == bytes.fromhex("a00801a9")
    assert lc_frame(16, False) == bytes.fromhex("a01000b0")
    for bad in (0, 17):
        with pytest.raises(ZoneError):
            lc_frame(bad, True)


def test_serial_pty_exact_bytes():
    pty = Pty()
    try:
        z = SerialZones(pty.path, 9600, channels=2, amp=8)
        z.all_off()
        assert pty.read(12) == bytes.fromhex("a00800a8a00100a1a00200a2")
        z.amp(True)
        z.set_zones(frozenset({2}))
        assert pty.read(8) == bytes.fromhex("a00801a9a00201a3")
        z.close()
        assert pty.read(12) == bytes.fromhex("a00800a8a00100a1a00200a2")
        assert pty.pending() == b""
    finally:
        pty.close()


def test_serial_loop_url():
    z = SerialZones("loop://", 9600, channels=16)
    z.all_off()
    assert decode_frames(z._serial.read(64)) == [("off", n) for n in range(1, 17)]
    assert z.set_zones(frozenset({16, 9})) == [(9, True), (16, True)]
    assert z._serial.read(8) == lc_frame(9, True) + lc_frame(16, True)
    z.close()


def test_serial_recovers_after_port_failure():
    z = SerialZones("loop://", channels=2)
    z.all_off()
    z._serial.close()  # the board went away under us
    with pytest.raises(ZoneError, match=r"zone 1 on: relay port loop:// failed"):
        z.set_zones(frozenset({1}))
    assert z.current == frozenset()  # the fail-safe re-opened the port and switched off
    assert z.set_zones(frozenset({1})) == [(1, True)]
    z.close()


def test_serial_channel_out_of_range():
    z = SerialZones("loop://", channels=4)
    with pytest.raises(ZoneError, match="zone 5 is out of range"):
        z.set_zones(frozenset({5}))
    with pytest.raises(InvalidInput):
        SerialZones("loop://", channels=17)
    with pytest.raises(InvalidInput):
        SerialZones("loop://", channels=4, amp=17)


def test_serial_missing_port():
    z = SerialZones("/dev/ttyNO-SUCH-RELAY")
    with pytest.raises(ZoneError, match="cannot open relay port /dev/ttyNO-SUCH-RELAY"):
        z.all_off()


# --------------------------------------------------------------------------- make_zones


def test_make_zones():
    assert isinstance(make_zones(ZoneSettings()), NoZones)
    command = make_zones(
        ZoneSettings(driver="command", on=("r", "on", "{zone}"), off=("r", "off", "{zone}"), amp=8)
    )
    assert isinstance(command, CommandZones) and command.amp_channel == 8
    serial = make_zones(ZoneSettings(driver="Serial", port="loop://", channels=4, settle_s=0.01))
    assert isinstance(serial, SerialZones)
    assert (serial.port, serial.channels, serial.settle_s) == ("loop://", 4, 0.01)


@pytest.mark.parametrize(
    "settings",
    [
        ZoneSettings(driver="gpio"),
        ZoneSettings(driver="command"),
        ZoneSettings(driver="command", on=("x",)),
    ],
)
def test_make_zones_rejects_bad_settings(settings):
    with pytest.raises(InvalidInput) as info:
        make_zones(settings)
    assert "\n" not in str(info.value)


def test_bench_relays_smoke():
    from loabroadcast.playback.bench import bench_relays

    results = bench_relays(n=4)
    assert set(results) == {"serial_pty", "command"}
    for row in results.values():
        assert row["n"] == 4 and 0 <= row["median_ms"] <= row["max_ms"]
