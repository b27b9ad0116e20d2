"""Relay drivers: switch the speaker lines (zones) of the blocks and the amplifier.

Every driver implements :class:`Zones` and fails safe: when a switch fails it
tries to turn everything off before raising :class:`ZoneError`, and ``all_off``
tries every channel before reporting what failed. ``zones_session`` turns all
off on entry and on exit, whatever happens in between.

Only the standard library is imported at module level (pyserial is imported when
a serial port is first opened).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from ..config import ZoneSettings
from ..errors import InvalidInput, ZoneError, os_reason
from ..i18n import N_, NP_, Lazy, Said, said

log = logging.getLogger("loabroadcast.playback")

#: One switching operation: (zone, on).
Op = tuple[int, bool]

#: Channels on the largest LC-type USB relay board.
MAX_SERIAL_CHANNELS = 16


@runtime_checkable
class Zones(Protocol):
    """The relays of one station: one per zone, and maybe one for the amplifier."""

    name: str

    def all_off(self) -> None:
        """Every zone and the amplifier off; tries every channel, then raises ZoneError."""

    def set_zones(self, wanted: frozenset[int]) -> list[Op]:
        """Switch only the zones that change; return the operations done, in order."""

    def amp(self, on: bool) -> None:
        """Switch the amplifier power relay (does nothing when there is none)."""

    def close(self) -> None:
        """All off, then release the port."""


def _state_word(on: bool) -> str:
    return "on" if on else "off"


def _what(channel: int, on: bool, amp: bool = False) -> Said:
    """The relay switched, in the reader's words: ``zone 3 on``, ``amplifier relay 8 off``."""
    if amp:
        if on:
            return said("amplifier relay {channel} on", channel=channel)
        return said("amplifier relay {channel} off", channel=channel)
    return said("zone {zone} on", zone=channel) if on else said("zone {zone} off", zone=channel)


class TrackedZones:
    """State keeping shared by the drivers; subclasses implement ``_switch``.

    ``channels`` is the number of zone relays (zones are 1..channels, minus the
    amplifier's channel); ``None`` means any positive zone number is accepted and
    only zones switched on by this object are known. A relay whose state is
    unknown (at start, or after a failed switch) counts as possibly on: it is
    switched off explicitly when it is not wanted.
    """

    name = "zones"

    def __init__(self, channels: int | None = None, amp: int | None = None) -> None:
        if channels is not None and channels < 1:
            raise InvalidInput(
                N_("[zones] channels must be at least 1, not {value}"), value=channels
            )
        if amp is not None and (isinstance(amp, bool) or amp < 1):
            raise InvalidInput(
                N_("[zones] amp must be a relay channel number (1, 2, …), not {value}"), value=amp
            )
        self.channels = channels
        self.amp_channel = amp
        self._zone_state: dict[int, bool] = {}
        self._amp_state: bool | None = None

    # -- hooks for subclasses
    def _switch(self, channel: int, on: bool) -> None:
        """Switch one relay channel; raise ZoneError on failure."""
        raise NotImplementedError

    def _switch_amp(self, on: bool) -> None:
        assert self.amp_channel is not None
        self._switch(self.amp_channel, on)

    def _release(self) -> None:
        """Release the port or device (after the final all off)."""

    @property
    def has_amp(self) -> bool:
        return self.amp_channel is not None

    # -- state
    @property
    def current(self) -> frozenset[int]:
        """Zones known to be on."""
        return frozenset(zone for zone, on in self._zone_state.items() if on)

    @property
    def amp_on(self) -> bool | None:
        """The amplifier relay's known state (None: unknown or no amplifier relay)."""
        return self._amp_state

    def _label(self, zone: int) -> str:
        return f"zone {zone}"

    def _all_zones(self) -> list[int]:
        """Zones that may be on: every channel of the board, and every zone ever known."""
        zones = set(self._zone_state)
        if self.channels is not None:
            zones.update(range(1, self.channels + 1))
        zones.discard(self.amp_channel)
        return sorted(zones)

    def _check_zone(self, zone: object) -> int:
        if isinstance(zone, bool) or not isinstance(zone, int):
            raise ZoneError(N_("zone {zone} is not a relay number"), zone=repr(zone))
        if zone < 1 or (self.channels is not None and zone > self.channels):
            limit = f"1..{self.channels}" if self.channels is not None else Lazy(N_("1 or more"))
            raise ZoneError(
                N_("zone {zone} is out of range for {name} ({limit})"),
                zone=zone,
                name=self.name,
                limit=limit,
            )
        if zone == self.amp_channel:
            raise ZoneError(
                N_("zone {zone} is the amplifier relay of {name}"), zone=zone, name=self.name
            )
        return zone

    def _switch_zone(self, zone: int, on: bool) -> None:
        self._zone_state.pop(zone, None)  # unknown until the relay has answered
        self._switch(zone, on)
        self._zone_state[zone] = on

    def _set_amp(self, on: bool) -> None:
        self._amp_state = None
        self._switch_amp(on)
        self._amp_state = on

    def _fail_safe(self, cause: ZoneError) -> None:
        log.error("%s: %s; turning every zone off", self.name, cause)
        try:
            self.all_off()
        except ZoneError as exc:
            log.error("%s: fail-safe all off incomplete: %s", self.name, exc)

    # -- the protocol
    def set_zones(self, wanted: Iterable[int]) -> list[Op]:
        wanted_set = frozenset(self._check_zone(zone) for zone in wanted)
        offs = [
            z
            for z in self._all_zones()
            if z not in wanted_set and self._zone_state.get(z) is not False
        ]
        ons = [z for z in sorted(wanted_set) if self._zone_state.get(z) is not True]
        done: list[Op] = []
        try:
            for zone in offs:
                self._switch_zone(zone, False)
                done.append((zone, False))
            for zone in ons:
                self._switch_zone(zone, True)
                done.append((zone, True))
        except ZoneError as exc:
            self._fail_safe(exc)
            raise
        if done:
            log.info("%s: zones %s", self.name, ", ".join(f"{z} {_state_word(o)}" for z, o in done))
        return done

    def amp(self, on: bool) -> None:
        if not self.has_amp or self._amp_state is on:
            return
        try:
            self._set_amp(on)
        except ZoneError as exc:
            self._fail_safe(exc)
            raise
        log.info("%s: amplifier %s", self.name, _state_word(on))

    def all_off(self) -> None:
        """Amplifier first, then every zone; every channel is tried before raising."""
        errors: list[ZoneError] = []
        if self.has_amp:
            try:
                self._set_amp(False)
            except ZoneError as exc:
                errors.append(exc)
        for zone in self._all_zones():
            try:
                self._switch_zone(zone, False)
            except ZoneError as exc:
                errors.append(exc)
        if errors:
            for error in errors:
                log.error("%s: all off: %s", self.name, error)
            if len(errors) == 1:
                raise ZoneError(N_("could not turn every zone off: {error}"), error=errors[0])
            raise ZoneError(
                NP_(
                    "could not turn every zone off: {error} (and {n} more)",
                    "could not turn every zone off: {error} (and {n} more)",
                ),
                error=errors[0],
                n=len(errors) - 1,
            )
        log.debug("%s: all off", self.name)

    def close(self) -> None:
        try:
            self.all_off()
        finally:
            self._release()


class NoZones(TrackedZones):
    """A single speaker line: nothing to switch, but the state is kept like a driver."""

    name = "none"

    def __init__(self) -> None:
        super().__init__(channels=None, amp=None)

    def _switch(self, channel: int, on: bool) -> None:
        """Nothing to switch."""


class CommandZones(TrackedZones):
    """Runs a program per switch, e.g. ``["relay", "on", "{zone}"]`` (never a shell).

    ``{zone}`` in any argument becomes the relay channel (the amplifier relay uses
    the same commands with its channel). A non-zero exit, a timeout or a missing
    program is a :class:`ZoneError` naming the zone and the reason.
    """

    name = "command"

    def __init__(
        self,
        on_argv: Sequence[str],
        off_argv: Sequence[str],
        timeout_s: float = 5.0,
        *,
        channels: int | None = 8,
        amp: int | None = None,
    ) -> None:
        super().__init__(channels=channels, amp=amp)
        for key, argv in (("on", on_argv), ("off", off_argv)):
            if isinstance(argv, str) or not argv or not all(isinstance(a, str) for a in argv):
                raise InvalidInput(
                    f"[zones] {key} must be a list of arguments, "
                    f'e.g. {key} = ["/usr/local/bin/relay", "{key}", "{{zone}}"]'
                )
        if timeout_s <= 0:
            raise InvalidInput(f"[zones] timeout_s must be positive, not {timeout_s}")
        self.on_argv = tuple(on_argv)
        self.off_argv = tuple(off_argv)
        self.timeout_s = timeout_s

    def _label(self, channel: int) -> str:
        return f"amplifier relay {channel}" if channel == self.amp_channel else f"zone {channel}"

    def _switch(self, channel: int, on: bool) -> None:
        template = self.on_argv if on else self.off_argv
        argv = [part.replace("{zone}", str(channel)) for part in template]
        _run_hook(argv, _what(channel, on, channel == self.amp_channel), self.timeout_s)


def _run_hook(argv: list[str], what: Said, timeout_s: float) -> None:
    """Run ``argv`` in its own process group; kill the whole group on timeout."""
    program = argv[0]
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise ZoneError(
            N_("{what}: cannot run {program}: {reason}"),
            what=what,
            program=repr(program),
            reason=os_reason(exc),
        ) from None
    with proc:
        try:
            _, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ZoneError(
                N_("{what}: {program} did not finish within {s} s"),
                what=what,
                program=program,
                s=f"{timeout_s:g}",
            ) from None
    if proc.returncode != 0:
        lines = [line.strip() for line in err.decode("utf-8", "replace").splitlines()]
        reason = next((line for line in lines if line), None) or Lazy(N_("no error message"))
        if proc.returncode < 0:
            raise ZoneError(
                N_("{what}: {program} was killed by signal {signal}: {reason}"),
                what=what,
                program=program,
                signal=-proc.returncode,
                reason=reason,
            )
        raise ZoneError(
            N_("{what}: {program} exited with status {status}: {reason}"),
            what=what,
            program=program,
            status=proc.returncode,
            reason=reason,
        )


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()


def lc_frame(channel: int, on: bool) -> bytes:
    """The 4-byte command of an LC-type USB relay board (LCUS-1/2/4/8/16)."""
    if not 1 <= channel <= MAX_SERIAL_CHANNELS:
        raise ZoneError(f"relay channel {channel} is out of range (1..{MAX_SERIAL_CHANNELS})")
    state = 1 if on else 0
    return bytes((0xA0, channel, state, (0xA0 + channel + state) & 0xFF))


class SerialZones(TrackedZones):
    """An LC-type USB relay board on a serial port (any pyserial URL, e.g. ``loop://``).

    The port is opened on first use and re-opened after a failure (a board that
    was unplugged and plugged in again).
    """

    name = "serial"

    def __init__(
        self,
        port: str,
        baud: int = 9600,
        channels: int = 8,
        amp: int | None = None,
        *,
        settle_s: float = 0.0,
        timeout_s: float = 2.0,
    ) -> None:
        if not 1 <= channels <= MAX_SERIAL_CHANNELS:
            raise InvalidInput(
                f"[zones] channels must be 1..{MAX_SERIAL_CHANNELS} for a serial relay board"
            )
        if amp is not None and not 1 <= amp <= MAX_SERIAL_CHANNELS:
            raise InvalidInput(f"[zones] amp must be a relay channel 1..{MAX_SERIAL_CHANNELS}")
        super().__init__(channels=channels, amp=amp)
        self.port = port
        self.baud = baud
        self.settle_s = settle_s
        self.timeout_s = timeout_s
        self.name = f"serial:{port}"
        self._serial = None

    def open(self) -> None:
        """Open the port (idempotent)."""
        if self._serial is not None:
            return
        try:
            import serial
        except ImportError:
            raise ZoneError(N_("the pyserial package is missing: pip install pyserial")) from None
        try:
            self._serial = serial.serial_for_url(
                self.port,
                baudrate=self.baud,
                timeout=self.timeout_s,
                write_timeout=self.timeout_s,
            )
        except (serial.SerialException, ValueError, OSError) as exc:
            raise ZoneError(
                N_("cannot open relay port {port}: {reason}"), port=self.port, reason=str(exc)
            ) from None
        log.info("%s: relay port open at %d baud", self.name, self.baud)

    def _switch(self, channel: int, on: bool) -> None:
        frame = lc_frame(channel, on)
        self.open()
        from serial import SerialException

        try:
            self._serial.write(frame)
            self._serial.flush()
        except (SerialException, OSError, ValueError) as exc:
            self._release()
            raise ZoneError(
                N_("{what}: relay port {port} failed: {reason}"),
                what=_what(channel, on, channel == self.amp_channel),
                port=self.port,
                reason=str(exc),
            ) from None
        if self.settle_s > 0:
            time.sleep(self.settle_s)

    def _release(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except OSError as exc:
                log.warning("%s: closing the port: %s", self.name, exc)


def make_zones(settings: ZoneSettings) -> Zones:
    """The driver that ``[zones]`` in ``loa.toml`` asks for."""
    driver = (settings.driver or "none").strip().lower()
    if driver == "none":
        return NoZones()
    if driver == "command":
        if not settings.on or not settings.off:
            raise InvalidInput(
                '[zones] driver = "command" needs on = [...] and off = [...] '
                '(argument lists with "{zone}")'
            )
        return CommandZones(
            settings.on,
            settings.off,
            settings.timeout_s,
            channels=settings.channels,
            amp=settings.amp,
        )
    if driver == "serial":
        return SerialZones(
            settings.port,
            settings.baud,
            settings.channels,
            settings.amp,
            settle_s=settings.settle_s,
            timeout_s=settings.timeout_s,
        )
    raise InvalidInput(f"[zones] unknown driver {settings.driver!r}: use none, command or serial")


@contextmanager
def zones_session(zones: Zones) -> Iterator[Zones]:
    """All off on entry and on exit, also when the body raises.

    When the body raised, a failure of the final all off is logged and the body's
    exception goes on; otherwise that failure is raised.
    """
    zones.all_off()
    try:
        yield zones
    except BaseException:
        try:
            zones.all_off()
        except ZoneError as exc:
            log.error("%s: all off after an error failed: %s", zones.name, exc)
        raise
    zones.all_off()
