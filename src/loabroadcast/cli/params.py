"""Click parameter types for what officers type: dates, priorities, code lists."""

from __future__ import annotations

import click

from ..domain import Priority
from ..domain.audit import ObjectRef
from ..domain.parse import parse_date, split_codes
from ..i18n import _


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return parse_date(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)


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


DATE = DateType()
PRIORITY = PriorityType()
CODES = CodesType()
OBJECT = ObjectType()

# Every command that changes something takes --by: the audit trail's "who" (the station
# reads it from the command's parameters, see ``context.AppContext.actor``).
by_option = click.option(
    "--by",
    metavar="NAME",
    help="Who does this, for the audit trail (default: the computer's user name).",
)
