"""The unattended playout daemon (``loa daemon``): see :mod:`loabroadcast.daemon.app`."""

from .app import Daemon, DaemonOptions
from .reconcile import JOB_PREFIX, clock_jumped, desired_jobs, diff_jobs, job_id

__all__ = [
    "JOB_PREFIX",
    "Daemon",
    "DaemonOptions",
    "clock_jumped",
    "desired_jobs",
    "diff_jobs",
    "job_id",
]
