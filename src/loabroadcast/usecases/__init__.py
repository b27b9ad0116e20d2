"""Use-cases by capability, beside ``services.Station``: each write is one transaction that
bumps ``plan_version`` so the daemon re-plans."""
