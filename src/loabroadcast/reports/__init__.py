"""Reports upward and the schedule to post (issue 15).

- ``rows``: pure functions from as-run rows and the plan to report rows (every figure
  defined in its docstring), the periodic report's summary; ``period``: months and ranges.
- ``present``: labels, cells and the ``--json`` shape, shared by every format.
- ``files``: careful ``--out`` (whole or nothing, no silent overwrite) and CSV.
- ``xlsx`` (openpyxl), ``chart`` (matplotlib, Agg), ``pdf`` and ``weekly`` (fpdf2 with
  DejaVu Sans from ``fonts/``, see ``pdfbase`` for why), ``week``: the week to post.

The use-case that reads the store is ``usecases.reports`` (plain SQL, ``store.report_reads``).
openpyxl, matplotlib and fpdf2 are imported inside the functions that use them, so
``loa --help`` and ``loa report --format csv`` never load them.
"""
