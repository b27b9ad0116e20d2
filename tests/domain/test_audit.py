"""The audit trail's plain parts, table-driven: objects, changed fields, names, approvers,
version states."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time

import pytest

from loabroadcast.domain import Priority
from loabroadcast.domain.audit import ObjectRef, changes, clean_name, find_approver, jsonable
from loabroadcast.domain.versions import VersionState, state_of


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("msg:12", "msg", "12"),
        ("MSG:012", "msg", "12"),
        (" block:K1 ", "block", "K1"),
        ("slot:sang", "slot", "sang"),
        ("calendar:3", "calendar", "3"),
        ("dict:HTX", "dict", "HTX"),
        ("dict:T.Ư", "dict", "T.Ư"),
        ("dict:a:b", "dict", "a:b"),
        ("voice:vi_VN-vais1000-medium", "voice", "vi_VN-vais1000-medium"),
        ("station:schema", "station", "schema"),
    ],
)
def test_objects_parse(text, kind, key):
    ref = ObjectRef.parse(text)
    assert (ref.kind, ref.key) == (kind, key)
    assert ObjectRef.parse(str(ref)) == ref


@pytest.mark.parametrize(
    "text",
    [
        "msg12",
        "msg:",
        ":12",
        "user:x",
        "msg:abc",
        "msg:-1",
        "msg:١٢",
        "block:K 1",
        "",
        "calendar:x",
    ],
)
def test_bad_objects_are_refused(text):
    with pytest.raises(ValueError, match="is not an object"):
        ObjectRef.parse(text)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, {"name": "Khối 1", "zone": None}, (None, {"name": "Khối 1"})),
        ({"name": "Khối 1", "zone": 1}, None, ({"name": "Khối 1", "zone": 1}, None)),
        ({"a": 1, "b": 2}, {"a": 1, "b": 3}, ({"b": 2}, {"b": 3})),
        ({"a": 1}, {"a": 1}, ({}, {})),
        ({"a": None}, {"b": 2}, ({"b": None}, {"b": 2})),
        ({"s": ("K1",)}, {"s": ["K1"]}, ({}, {})),  # a tuple and a list hold the same
        (
            {"d": date(2026, 3, 10), "p": Priority.NORMAL},
            {"d": date(2026, 3, 11), "p": Priority.EMERGENCY},
            ({"d": "2026-03-10", "p": 0}, {"d": "2026-03-11", "p": 2}),
        ),
    ],
)
def test_only_changed_fields_are_kept(before, after, expected):
    assert changes(before, after) == expected


def test_values_become_json():
    moment = datetime(2026, 3, 9, 22, tzinfo=UTC)
    assert jsonable({"t": time(6, 30), "at": moment, "k": frozenset({"b", "a"})}) == {
        "t": "06:30:00",
        "at": "2026-03-09T22:00:00+00:00",
        "k": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Chị Lan", "Chị Lan"),
        ("  Chị   Lan ", "Chị Lan"),
        (unicodedata.normalize("NFD", "Nguyễn Văn A"), "Nguyễn Văn A"),
    ],
)
def test_names_are_stored_nfc_and_single_spaced(given, stored):
    assert clean_name(given) == stored


@pytest.mark.parametrize(
    ("given", "reason"),
    [("", "empty"), ("   ", "empty"), ("A\x00B", "control"), ("x" * 101, "long")],
)
def test_unusable_names(given, reason):
    with pytest.raises(ValueError, match=reason):
        clean_name(given)


APPROVERS = ("Nguyễn Văn A", "Trần Thị Bình")


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("nguyễn văn a", "Nguyễn Văn A"),
        ("NGUYỄN  VĂN  A", "Nguyễn Văn A"),
        (unicodedata.normalize("NFD", "trần thị bình"), "Trần Thị Bình"),
        ("Nguyen Van A", None),  # without its marks it is another name
        ("Trần Thị", None),
        ("", None),
    ],
)
def test_approvers_compare_nfc_and_case_insensitive(name, found):
    assert find_approver(name, APPROVERS) == found


T = datetime(2026, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("number", "airing", "approved_at", "rejected_at", "state"),
    [
        (1, 1, T, None, VersionState.APPROVED),
        (1, 2, T, None, VersionState.SUPERSEDED),
        (2, 1, None, None, VersionState.DRAFT),
        (2, 1, None, T, VersionState.REJECTED),
        (1, None, T, T, VersionState.REJECTED),  # approved, then taken off the air
        (1, None, None, None, VersionState.DRAFT),
    ],
)
def test_version_states(number, airing, approved_at, rejected_at, state):
    assert state_of(number, airing, approved_at, rejected_at) == state
