"""Messages stored for later (the as-run log's reasons): an id and parameters as JSON,
read back in the reader's language, English on request, robust to what they hold."""

from __future__ import annotations

import errno
import json

import pytest

from loabroadcast.errors import AudioError, Conflict, os_reason
from loabroadcast.i18n import N_, NP_, Lazy, said, set_language
from loabroadcast.i18n.records import dumps, loads, record
from loabroadcast.labels import status_word


def _round_trip(message):
    text = dumps(message)
    assert isinstance(json.loads(text), dict)
    return loads(text)


@pytest.mark.parametrize(
    ("message", "en", "vi"),
    [
        (
            AudioError(
                N_("cannot read {file}: {reason}"),
                file="x.wav",
                reason=os_reason(OSError(errno.EACCES, "Permission denied")),
            ),
            "cannot read x.wav: Permission denied",
            "không đọc được x.wav: không có quyền truy cập",
        ),
        (
            Conflict(
                N_("message {id} is {status}; it cannot be edited"),
                id=3,
                status=status_word("cancelled"),
            ),  # fmt: skip
            "message 3 is cancelled; it cannot be edited",
            "tin 3 đang ở trạng thái đã hủy; không sửa được nữa",
        ),
        (
            said(
                "{what}: {reason}",
                what=said("cannot read audio file {file}", file="a.mp3"),
                reason="moov atom not found",
            ),  # fmt: skip
            "cannot read audio file a.mp3: moov atom not found",
            "không đọc được tệp âm thanh a.mp3: moov atom not found",
        ),
        (
            Conflict(
                NP_(
                    "slot {code} is used by message {ids}; cancel or edit it first",
                    "slot {code} is used by messages {ids}; cancel or edit them first",
                ),
                code="toi",
                ids="3, 4",
                n=2,
            ),  # fmt: skip
            "slot toi is used by messages 3, 4; cancel or edit them first",
            "khung giờ toi đang được tin 3, 4 dùng; hãy hủy hoặc sửa tin đó trước",
        ),
        (Lazy("cancelled", "message status"), "cancelled", "đã hủy"),
    ],
)
def test_a_stored_message_reads_in_either_language(message, en, vi):
    back = _round_trip(message)
    set_language("en")
    assert str(back) == en
    set_language("vi")
    assert str(back) == vi
    assert back.english == en


def test_plain_text_is_not_a_message():
    assert record("no space left") is None and dumps(ValueError("x")) is None
    assert loads(None) is None and loads("") is None
    assert loads("the daemon stopped (an old row's English text)") is None


def test_a_message_from_an_older_version_still_shows():
    """The id of a stored message may be gone from the catalog, or lost a field: the
    English is shown rather than nothing."""
    old = loads(json.dumps({"id": "relay {zone} is stuck on {port}", "params": {"zone": 3}}))
    set_language("vi")
    assert str(old) == "relay {zone} is stuck on {port}"
    assert loads(json.dumps({"id": "sink gone"})).english == "sink gone"
