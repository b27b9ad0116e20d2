"""The words people read for the station's values: priorities, message statuses, as-run
statuses, a slot's days. ``--json`` keeps the English values (``Priority.label``,
``status.value``, ``Slot.days_label``); tables and sentences show these.

A short word that is also a column header (``priority``, ``approved``) is marked with a
context (``NC_``), so the catalog can say the value and the header differently.
Only the standard library (``domain`` and ``i18n`` are).
"""

from __future__ import annotations

from .domain.models import WEEKDAYS, AiringStatus, MessageStatus, Priority, Slot
from .i18n import N_, NC_, Lazy, _, dates, pgettext

PRIORITIES = {
    Priority.NORMAL: NC_("priority", "normal"),
    Priority.PRIORITY: NC_("priority", "priority"),
    Priority.EMERGENCY: NC_("priority", "emergency"),
}
MESSAGE_STATUSES = {
    MessageStatus.DRAFT: NC_("message status", "draft"),
    MessageStatus.APPROVED: NC_("message status", "approved"),
    MessageStatus.REJECTED: NC_("message status", "rejected"),
    MessageStatus.CANCELLED: NC_("message status", "cancelled"),
    MessageStatus.EXPIRED: NC_("message status", "expired"),
}
AIRING_STATUSES = {
    AiringStatus.CLAIMED: N_("claimed"),
    AiringStatus.PLAYING: N_("on air"),
    AiringStatus.PLAYED: N_("played"),
    AiringStatus.FAILED: N_("failed"),
    AiringStatus.INTERRUPTED: N_("interrupted"),
    AiringStatus.MISSED: N_("missed"),
    AiringStatus.PREEMPTED: N_("pre-empted"),
}
# a slot's days as typed (--days mon,wed): the catalog's short names (T2, T4)
SHORT_WEEKDAYS = (
    NC_("weekday", "mon"),
    NC_("weekday", "tue"),
    NC_("weekday", "wed"),
    NC_("weekday", "thu"),
    NC_("weekday", "fri"),
    NC_("weekday", "sat"),
    NC_("weekday", "sun"),
)
assert len(SHORT_WEEKDAYS) == len(WEEKDAYS)


def priority(value: Priority | int | str) -> str:
    """``khẩn cấp`` (``emergency`` in English) for a priority or its English label."""
    if isinstance(value, str):
        value = Priority[value.upper()]
    return pgettext("priority", PRIORITIES[Priority(value)])


def message_status(value: MessageStatus | str) -> str:
    """``đã duyệt`` (``approved``); a status this version does not know, as it is."""
    try:
        return pgettext("message status", MESSAGE_STATUSES[MessageStatus(value)])
    except ValueError:
        return str(value)


def airing_status(value: AiringStatus | str) -> str:
    """``đã phát`` (``played``); a status this version does not know, as it is."""
    try:
        return _(AIRING_STATUSES[AiringStatus(value)])
    except ValueError:
        return str(value)


def status_word(value: MessageStatus | str) -> Lazy | str:
    """A message status inside another message (an error's ``{status}``): translated where
    it is shown, English in logs."""
    try:
        return Lazy(MESSAGE_STATUSES[MessageStatus(value)], context="message status")
    except ValueError:
        return str(value)


def days(slot: Slot) -> str:
    """The days a slot runs: ``hằng ngày``, ``T2-T6``, ``T2,T4,T6``, or its date."""
    if slot.day is not None:
        return dates.day(slot.day)
    return days_label(slot.days_label)


def days_label(label: str) -> str:
    """``Slot.days_label`` (``daily``, ``weekdays``, ``mon,wed``) in the reader's words;
    anything else as it is."""
    if label == "daily":
        return _("daily")
    if label == "weekdays":
        return _("weekdays")
    names = label.split(",")
    if all(n in WEEKDAYS for n in names):
        return ",".join(pgettext("weekday", SHORT_WEEKDAYS[WEEKDAYS.index(n)]) for n in names)
    return label


__all__ = [
    "AIRING_STATUSES",
    "MESSAGE_STATUSES",
    "PRIORITIES",
    "airing_status",
    "days",
    "days_label",
    "message_status",
    "priority",
    "status_word",
]
