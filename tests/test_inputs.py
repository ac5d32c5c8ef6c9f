"""Checks at every edge: text that is valid Unicode without control characters, and the day
asked within 1950–2099."""
from __future__ import annotations

import datetime as dt

import pytest

from policydesk.errors import InputError
from policydesk.dates import optional_day, parse_day
from policydesk.inputs import check_text


@pytest.mark.parametrize("text", ["\ud800abc", "问题\udfff", "a\x00b", "a\x1bb", "\x7f", "x\u202ey", "\ufffe"])
def test_broken_or_control_characters_are_refused_naming_the_field(text):
    with pytest.raises(InputError) as info:
        check_text(text, "question")
    assert info.value.field == "question" and info.value.http_status == 422
    assert "问题" in info.value.message_zh


def test_nested_values_and_keys_are_checked_too():
    with pytest.raises(InputError):
        check_text({"category": ["ok", "\ud800"]}, "inputs")
    with pytest.raises(InputError):
        check_text({"\x00key": 1}, "inputs")
    assert check_text({"a": "多行\n文字\t可以"}, "inputs")


@pytest.mark.parametrize("raw", ["9999-06-30", "0001-01-15", "1949-12-31", "2100-01-01"])
def test_today_outside_1950_2099_is_refused(raw):
    with pytest.raises(InputError) as info:
        parse_day(raw, field="today")
    assert info.value.field == "today" and "1950" in info.value.message_zh and "2099" in info.value.message_zh


@pytest.mark.parametrize("raw", ["明天吧", "2023-02-30", "2023/03/01", "2023-3-1", "1" * 400])
def test_malformed_days_are_refused_without_echoing_more_than_a_little(raw):
    with pytest.raises(InputError) as info:
        parse_day(raw, field="today")
    assert len(info.value.message_zh) < 80


def test_good_days_and_absence():
    assert parse_day("1950-01-01") == dt.date(1950, 1, 1)
    assert parse_day("２０２３-０３-０１") == dt.date(2023, 3, 1)
    assert parse_day(dt.date(2099, 12, 31)) == dt.date(2099, 12, 31)
    assert optional_day(None) is None and optional_day("  ") is None
