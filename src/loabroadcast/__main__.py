"""``python -m loabroadcast`` is ``loa``."""

from .cli import main

main()
