import logging

import pytest

from loabroadcast.cli.daemon import JournalFormatter


def record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("loabroadcast.daemon", level, __file__, 1, message, None, None)


@pytest.mark.parametrize(
    ("level", "journald", "expected"),
    [
        (logging.INFO, False, "INFO loabroadcast.daemon: started"),
        (logging.INFO, True, "<6>INFO loabroadcast.daemon: started"),
        (logging.WARNING, True, "<4>WARNING loabroadcast.daemon: started"),
        (logging.ERROR, True, "<3>ERROR loabroadcast.daemon: started"),
    ],
)
def test_one_line_per_event_with_a_journald_priority(level, journald, expected):
    assert JournalFormatter(journald).format(record(level, "started")) == expected


def test_multi_line_messages_stay_on_one_line():
    assert JournalFormatter(False).format(record(logging.ERROR, "a\nb")).count("\n") == 0
