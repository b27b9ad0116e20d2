"""The domain's refusals: a ``ValueError`` that carries a message id and its parameters.

The domain is plain Python and knows nothing of the CLI, yet what it refuses (a time of
day, a date, a code an officer typed) is read by people, in their language. So it raises
``Invalid(N_("{text!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)"), text=text)``: still a
``ValueError`` for code that catches one, shown translated (``str(err)``), English on
request (``err.english``), and re-raised by a use-case without losing the id and the
parameters: ``raise InvalidInput.of(err)``. Only the standard library and ``errors``/
``i18n`` (both standard-library only) are imported.
"""

from __future__ import annotations

from ..errors import Explained


class Invalid(Explained, ValueError):
    """A value the domain cannot use, told as a catalog message id and its parameters."""


__all__ = ["Invalid"]
