"""Click parameter types for what officers type: ids, dates, priorities, code lists.

Numbers and dates are bounded here, at the edge: an id of 21 digits or the year 9999 is
refused as bad usage in one line, never carried into the database or date arithmetic.
"""

from __future__ import annotations

import click

from ..domain import Priority
from ..domain.audit import ObjectRef
from ..domain.parse import MAX_DATE, MIN_DATE, check_code, parse_date, split_codes
from ..i18n import _

#: Ids are 32-bit integers in every database the station may use (SQLite, PostgreSQL).
MAX_ID = 2**31 - 1


class IdType(click.ParamType):
    """A row id: a whole number from 1 to 2,147,483,647."""

    name = "ID"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not text.isdecimal() or not text.isascii():
                shown = _("{value!r} is not an id (a whole number)").format(value=value)
                self.fail(shown, param, ctx)
            number = int(text[:30])  # more digits than any id: refused below, cheaply
        if not 1 <= number <= MAX_ID:
            shown = str(value).strip()
            if len(shown) > 24:
                shown = shown[:20] + "…"
            self.fail(
                _("{value} is not an id: ids are from 1 to {max}").format(value=shown, max=MAX_ID),
                param,
                ctx,
            )
        return number


class CountType(click.ParamType):
    """A whole number that fits the database (its meaning is checked by the service)."""

    name = "N"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(_("{value!r} is not a whole number").format(value=value), param, ctx)
        if not -MAX_ID <= number <= MAX_ID:
            self.fail(_("{value} is too large").format(value=str(value)[:24]), param, ctx)
        return number


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            day = parse_date(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)
        if not MIN_DATE <= day <= MAX_DATE:
            self.fail(
                _("{value} is out of range: dates from {first} to {last}").format(
                    value=value.strip(),
                    first=MIN_DATE.strftime("%d/%m/%Y"),
                    last=MAX_DATE.strftime("%d/%m/%Y"),
                ),
                param,
                ctx,
            )
        return day


class PriorityType(click.ParamType):
    name = "normal|priority|emergency"

    def convert(self, value, param, ctx):
        if isinstance(value, Priority):
            return value
        try:
            return Priority.parse(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)


class CodesType(click.ParamType):
    name = "CODE[,CODE…]"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        try:
            return split_codes(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)


class StationType(click.ParamType):
    """A station code, or ``all`` where every station makes sense."""

    name = "CODE"

    def __init__(self, every: bool = True):
        self.every = every
        if every:
            self.name = "CODE|all"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if self.every and text.lower() == "all":
            return "all"
        try:
            return check_code(text, "station")
        except ValueError as err:
            self.fail(str(err), param, ctx)


class StationsType(click.ParamType):
    """Station codes, comma-separated, or ``all``."""

    name = "CODE[,CODE…]|all"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        try:
            codes = split_codes(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)
        if [c.lower() for c in codes] == ["all"]:
            return ["all"]
        if "all" in (c.lower() for c in codes):
            self.fail(_("'all' stands alone: every station"), param, ctx)
        for code in codes:
            try:
                check_code(code, "station")
            except ValueError as err:
                self.fail(str(err), param, ctx)
        return codes


class DurationType(click.ParamType):
    """A relay's length: ``30m``, ``1h``, ``45s``, ``1h30m`` or ``HH:MM:SS`` (seconds)."""

    name = "LENGTH"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        from ..domain.content import BadValue, parse_duration

        try:
            return parse_duration(str(value))
        except BadValue as bad:
            self.fail(_(bad.code).format(**bad.params), param, ctx)


class ObjectType(click.ParamType):
    name = "KIND:KEY"

    def convert(self, value, param, ctx):
        if isinstance(value, ObjectRef):
            return value
        try:
            return ObjectRef.parse(value)
        except ValueError:
            text = _(
                "{value} is not an object: write KIND:KEY, e.g. msg:12, block:K1, slot:sang, "
                "calendar:3, dict:HTX, voice:NAME"
            )
            self.fail(text.format(value=repr(value)), param, ctx)


ID = IdType()
COUNT = CountType()
DATE = DateType()
PRIORITY = PriorityType()
CODES = CodesType()
OBJECT = ObjectType()
STATION = StationType()
STATION_CODE = StationType(every=False)
STATIONS = StationsType()


def station_option(f):
    """``--station CODE|all``: another station of the district's database than the
    folder's, or every one."""
    return click.option(
        "--station",
        type=STATION,
        help="Another station of the database (its code), or all (default: this folder's).",
    )(f)


DURATION = DurationType()

# Every command that changes something takes --by: the audit trail's "who" (the station
# reads it from the command's parameters, see ``context.AppContext.actor``).
by_option = click.option(
    "--by",
    metavar="NAME",
    help="Who does this, for the audit trail (default: the computer's user name).",
)
