"""Real-time scheduling for the thread that feeds the sound card.

An office PC renders, browses and scans while it broadcasts. The thread that hands
frames to the sound card asks the kernel for a real-time policy (``SCHED_FIFO``) so a
busy CPU cannot make it late; where that is not allowed (no ``LimitRTPRIO``/
``CAP_SYS_NICE``, another OS) it falls back quietly to the normal policy. The systemd
unit grants it (``LimitRTPRIO=``). Measured on 2 cores with two busy processes and three
threads of this process holding the GIL: without it 33 device underruns in 8 airings,
with it none (see :mod:`loabroadcast.playback.device`).
"""

from __future__ import annotations

import os

#: Priority asked for: low among real-time threads (the sound server and the kernel's own
#: threads keep precedence), above every normal process. Must be <= LimitRTPRIO.
RT_PRIORITY = 8


def request_realtime(priority: int = RT_PRIORITY) -> bool:
    """Put the calling thread under ``SCHED_FIFO``; False (and nothing changed) if refused.

    One system call, no allocation, no logging: safe to call from an audio callback.
    """
    setter = getattr(os, "sched_setscheduler", None)
    if setter is None:
        return False
    try:
        setter(0, os.SCHED_FIFO, os.sched_param(priority))
    except (OSError, ValueError):
        return False
    return True
