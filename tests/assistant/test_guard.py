"""The numeric guard: numbers and dates need support from citations or the calculator."""
from assistant import guard

CITES = [{"doc_id": "love-vouchers-2022", "quote": "发放标准为每人1500元", "date": "2022-12-30",
          "title": "爱心消费券"}]


def test_numbers_from_the_quote_pass_in_arabic_or_chinese():
    assert guard.check("每人1500元[1]", CITES, None) == []
    assert guard.check("每人一千五百元[1]", CITES, None) == []
    assert guard.check("每人1,500元", CITES, None) == []


def test_changed_amount_is_caught_in_either_script():
    assert guard.check("每人2000元", CITES, None) == ["2000"]
    assert guard.check("每人两千元", CITES, None) == ["2000"]


def test_dates_are_checked_whole():
    calc = {"result": {"latest_maturity": "2024-05-20"}}
    assert guard.check("最晚可展期至2024年5月20日", [], calc) == []
    # every part of this date is allowed on its own, the date itself is not
    assert guard.check("最晚可展期至2024年5月1日", [], {"result": {"a": "2024-05-20", "b": 1}}) == ["2024-05-01"]


def test_markers_are_not_numbers_but_must_survive():
    assert guard.check("见[1][2]", [], None) == []
    assert guard.marker_problems("改写[1]", "原文[1][2]", 2) == ["[2] 丢失"]
    assert guard.marker_problems("改写[1][3]", "原文[1]", 2) == ["[3] 无对应引文"]


def test_hotline_is_allowed():
    assert guard.check("请拨打12333", [], None) == []
