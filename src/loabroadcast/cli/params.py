"""Click parameter types for what officers type: dates, priorities, code lists."""

from __future__ import annotations

import click

from ..domain import Priority
from ..domain.parse import parse_date, split_codes


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


DATE = DateType()
PRIORITY = PriorityType()
CODES = CodesType()
