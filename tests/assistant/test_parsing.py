"""Colloquial Chinese numbers, dates and durations, resolved against an explicit today."""
from datetime import date

import pytest

from assistant.parsing import arabize, find_amounts, find_dates, find_durations
from policydesk.dates import add_months
from policydesk.numerals import cn_to_int

TODAY = date(2023, 3, 1)


@pytest.mark.parametrize("text,value", [
    ("一千五百", 1500), ("十二", 12), ("二十四", 24), ("两", 2), ("一万", 10000), ("二〇二三", 2023),
    ("三百", 300), ("十", 10),
])
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


def test_arabize_converts_quantities_but_keeps_words():
    assert arabize("每人一千五百元") == "每人1500元"
    assert arabize("最长二十四个月") == "最长24个月"
    assert arabize("推行一次办结，全省统一") == "推行一次办结，全省统一"


@pytest.mark.parametrize("text,expected", [
    ("贷款2023年5月20日到期", date(2023, 5, 20)),
    ("3月15号到期", date(2023, 3, 15)),
    ("明年三月底", date(2024, 3, 31)),
    ("下个月10号", date(2023, 4, 10)),
    ("2023-08-31", date(2023, 8, 31)),
    ("二〇二三年五月二十日", date(2023, 5, 20)),
    ("明天", date(2023, 3, 2)),
    ("今年二月底", date(2023, 2, 28)),
])
def test_dates_relative_to_today(text, expected):
    found = [d for d in find_dates(text, TODAY) if d.value]
    assert found and found[0].value == expected


def test_relative_dates_follow_the_given_today_not_the_clock():
    assert find_dates("明年三月底", date(2030, 7, 1))[0].value == date(2031, 3, 31)


@pytest.mark.parametrize("text", ["2023年2月30日", "2023-13-01", "明年3月"])
def test_impossible_or_incomplete_dates_are_reported_not_guessed(text):
    found = find_dates(text, TODAY)
    assert found and found[0].value is None and found[0].problem


@pytest.mark.parametrize("text,months", [
    ("18个月", 18), ("一年半", 18), ("七年", 84), ("交了12年", 144), ("3年零6个月", 42), ("半年", 6),
    ("两年", 24),
])
def test_durations(text, months):
    assert [d.months for d in find_durations(text)] == [months]


def test_calendar_years_are_not_durations():
    assert find_durations("2023年开始") == []
    assert find_durations("上半年") == []


def test_amounts():
    assert find_amounts("一千五百元和1.5万元") == [1500, 15000]


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_a_month_without_a_day_reads_as_that_months_end_for_a_graduation_date():
    """去年7月毕业: the benefits calculator reads the graduation date as the month's last day
    (once a crash: the question got the "系统暂时出了点问题" apology)."""
    from assistant.understand import understand

    u = understand("我是去年7月毕业的大学生，一直没找到工作，现在在送外卖，能享受什么补贴？", date(2023, 3, 1))
    assert u.slots.get("graduation_date") == "2022-07-31"
