"""The statute parser reads structure (title, history, headings, 条/款/项) from the
Markdown of ../shared/corpus/README.md and reports what it cannot read with its line."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.statutes import parse_statute, version_date_from_name

ROOT = Path(__file__).resolve().parents[2]
STATUTES = ROOT / "corpus" / "statutes"


def _real(name: str):
    path = next(STATUTES.rglob(f"{name}(*.md"))
    return parse_statute(path.read_text(encoding="utf-8"), path.relative_to(ROOT / "corpus").as_posix())


def test_labor_contract_law_structure():
    p = _real("劳动合同法")
    assert p.ok, p.problems
    assert p.title == "中华人民共和国劳动合同法" and p.statute == "《劳动合同法》"
    assert p.version_date == "2012-12-28" and p.version_event == "修正"
    assert p.kind == "法律" and p.issuer == "全国人民代表大会常务委员会"
    assert [(h.date, h.event) for h in p.history] == [("2007-06-29", "通过"), ("2012-12-28", "修正")]
    assert [a.ordinal for a in p.articles] == list(range(1, 99))
    a47 = p.article("第四十七条")
    assert a47.chapter == "第四章 劳动合同的解除和终止" and len(a47.paragraphs) == 3
    assert p.text[a47.start:a47.end].startswith("第四十七条 经济补偿按劳动者在本单位工作的年限")
    first = a47.paragraphs[0]
    assert p.text[first[0]:first[1]].startswith("经济补偿按劳动者")  # the number is not part of the 款
    a66 = p.article("第六十六条")
    assert a66.chapter == "第五章 特别规定" and a66.section == "第二节 劳务派遣"
    a38 = p.article("第三十八条")
    assert len(a38.items) == 6 and len(a38.paragraphs) == 2  # the items belong to the first 款
    lead = p.text[a38.paragraphs[0][0]:a38.paragraphs[0][1]]
    assert lead.startswith("用人单位有下列情形之一的") and "（六）" in lead
    assert "#" not in p.text and "INFO END" not in p.text and "\n\n" not in p.text


def test_every_shipped_statute_parses_cleanly():
    files = sorted(STATUTES.rglob("*.md"))
    assert len(files) == 26
    total = 0
    for path in files:
        p = parse_statute(path.read_text(encoding="utf-8"), path.relative_to(ROOT / "corpus").as_posix())
        assert p.ok, (path.name, p.problems)
        assert p.kind in ("法律", "行政法规", "司法解释", "部门规章"), path.name
        assert p.version_date and p.title
        for a in p.articles:
            assert p.text[a.start:a.end].startswith(a.number)
            assert all(a.start <= s < e <= a.end for s, e in a.paragraphs)
        total += len(p.articles)
    assert total > 1300


SAMPLE = """# 示例条例

# 第一编 总则编

2001年1月2日 国务院第9次常务会议通过

2003年4月5日 中华人民共和国国务院令第1号公布　

<!-- INFO END -->

### 第一章　一般规定

第一条　为了示范，制定本条例。

#### 第一节 适用范围

第二条 有下列情形之一的，适用本条例：

(一)甲；

（二）乙。

前款规定以外的，不适用。

第二条之一 补充规定。

第三条

单独成行的条号之后是正文。
"""


def test_sample_with_every_form():
    p = parse_statute(SAMPLE, "行政法规/示例 条例（试行）(2003-04-05).md")
    assert p.ok, p.problems
    assert p.title == "示例条例" and p.subtitle == "第一编 总则编"
    assert p.version_date == "2003-04-05" and p.version_event == "公布"
    assert p.kind == "行政法规" and p.issuer == "国务院"
    assert [a.number for a in p.articles] == ["第一条", "第二条", "第二条之一", "第三条"]
    a1, a2, a2b, a3 = p.articles
    assert a1.chapter == "第一章 一般规定" and a1.section == ""
    assert a2.section == "第一节 适用范围" and a2.chapter == "第一章 一般规定"
    assert p.text[a1.start:a1.end] == "第一条 为了示范，制定本条例。"  # full-width gap → one space
    assert [p.text[s:e] for s, e in a2.items] == ["(一)甲；", "（二）乙。"]
    assert [p.text[s:e] for s, e in a2.paragraphs] == ["有下列情形之一的，适用本条例：\n(一)甲；\n（二）乙。",
                                                         "前款规定以外的，不适用。"]
    assert a2b.ordinal == 2 and a2b.sub == 1
    assert [p.text[s:e] for s, e in a3.paragraphs] == ["单独成行的条号之后是正文。"]


@pytest.mark.parametrize("name, expected", [
    ("劳动合同法(2012-12-28).md", "2012-12-28"),
    ("statutes/司法解释/最高人民法院关于审理劳动争议案件适用法律问题的解释（一）(2020-12-29).md", "2020-12-29"),
    ("某 办法 （2019-03-02）.md", "2019-03-02"),
    ("劳动合同法.md", None),
    ("劳动合同法(2012-13-40).md", None),
])
def test_version_date_from_file_name(name, expected):
    assert version_date_from_name(name) == expected


def _lines_of(problems):
    return [line for line, _zh, _en in problems]


def test_no_articles_is_a_problem_with_a_line():
    p = parse_statute("# 空文件\n\n2001年1月2日 国务院令第1号公布\n\n<!-- INFO END -->\n\n只有一段说明。\n", "x(2001-01-02).md")
    assert not p.ok and "没有找到任何条文" in p.problems[0][1] and p.problems[0][0] >= 5


def test_duplicated_article_number_names_its_line():
    text = "# 重复\n\n2001年1月2日 国务院令第1号公布\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n"
    p = parse_statute(text, "x.md")
    assert _lines_of(p.problems) == [11] and "第二条" in p.problems[0][1] and "第 9 行" in p.problems[0][1]


def test_broken_history_line_names_its_line():
    text = "# 某法\n\n2001年1月2日 全国人民代表大会常务委员会通过\n\n不是日期开头的一行\n\n<!-- INFO END -->\n\n第一条 甲。\n"
    # a line after a history line continues it (wrapped); one before any date is broken
    broken = "# 某法\n\n不是日期开头的一行\n\n2001年1月2日 全国人民代表大会常务委员会通过\n\n<!-- INFO END -->\n\n第一条 甲。\n"
    assert parse_statute(text, "x.md").ok
    p = parse_statute(broken, "x.md")
    assert _lines_of(p.problems) == [3] and "沿革行" in p.problems[0][1]
    no_event = "# 某法\n\n2001年1月2日 全国人民代表大会常务委员会第9次会议\n\n<!-- INFO END -->\n\n第一条 甲。\n"
    p = parse_statute(no_event, "x.md")
    assert _lines_of(p.problems) == [3] and "事件" in p.problems[0][1]
    bad_date = "# 某法\n\n2001年2月30日 国务院令第1号公布\n\n<!-- INFO END -->\n\n第一条 甲。\n"
    assert _lines_of(parse_statute(bad_date, "x.md").problems) == [3]


def test_wrapped_history_line_is_joined():
    text = ("# 某条例\n\n2001年1月2日 某省第十届人民代表大会常务委员会第9次会议\n\n《关于修改〈某条例〉的决定》修正\n\n"
            "<!-- INFO END -->\n\n第一条 甲。\n")
    p = parse_statute(text, "x.md")
    assert p.ok and p.history[0].event == "修正" and p.kind == "地方性法规"
    assert p.issuer == "某省人民代表大会常务委员会"


def test_unknown_kind_is_a_problem_unless_the_folder_names_it():
    text = "# 无沿革\n\n<!-- INFO END -->\n\n第一条 甲。\n"
    p = parse_statute(text, "statutes/无沿革(2019-12-30).md")
    assert _lines_of(p.problems) == [1] and "类别" in p.problems[0][1]
    p = parse_statute(text, "statutes/行政法规/无沿革(2019-12-30).md")
    assert p.ok and p.kind == "行政法规" and p.issuer == "国务院"
