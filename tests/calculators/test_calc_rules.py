"""Rules are data: every parameter has unit, label and a reference; every corpus quote is a
verbatim substring of the cleaned, ingested document; dated values switch on their dates."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from calculators import CALCULATORS, rules
from calculators.registry import run_calculator
from calculators.rules import RuleError, all_references, param, parameters


def test_every_parameter_has_unit_label_reference_and_dated_values():
    params = parameters()
    assert len(params) >= 20
    for name, p in params.items():
        assert p.label.strip(), name
        assert p.unit in rules.UNIT_ZH, f"{name}: unknown unit {p.unit}"
        assert ("doc_id" in p.reference and p.reference["quote"]) or \
            ("statute" in p.reference and p.reference["article"]), name
        for key, _entry in p.values:
            assert isinstance(key, dt.date), name


def test_every_corpus_quote_exists_verbatim_in_the_cleaned_corpus(built_home):
    from retrieval.documents import load_documents

    documents = {d.doc_id: d for d in load_documents(built_home / "index")}
    checked = 0
    for where, ref in all_references():
        if "doc_id" not in ref:
            continue
        assert ref["doc_id"] in documents, f"{where}: unknown doc_id {ref['doc_id']}"
        assert ref["quote"] in documents[ref["doc_id"]].text, f"{where}: quote not found: {ref['quote']}"
        checked += 1
    assert checked >= 20


def _statute_articles() -> dict:
    """{(《short title》, 第N条): article text} of every statute file in corpus/statutes/,
    read with the ingest's own parser (calculators never import retrieval; the test may)."""
    from pathlib import Path

    from retrieval.statutes import parse_statute

    root = Path(__file__).resolve().parents[2] / "corpus"
    out = {}
    for path in sorted((root / "statutes").rglob("*.md")):
        parsed = parse_statute(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
        for article in parsed.articles:
            out[(parsed.statute, article.number)] = parsed.text[article.start:article.end]
    return out


def test_every_statute_reference_names_an_article_of_the_corpus_and_its_phrase_is_verbatim():
    articles = _statute_articles()
    assert len(articles) > 1000
    refs = [(where, r) for where, r in all_references() if "statute" in r]
    assert len({(r["statute"], r["article"]) for _, r in refs}) >= 25
    for where, r in refs:
        key = (r["statute"], r["article"])
        assert key in articles, f"{where}: no {key[0]}{key[1]} in corpus/statutes"
        if r.get("phrase"):
            assert r["phrase"] in articles[key], f"{where}: phrase not verbatim in {key[0]}{key[1]}: {r['phrase']}"
    assert not (rules.RULES_DIR / "statutes.yaml").exists()  # no typed copy of any statute


def test_a_retyped_phrase_is_caught():
    """The wording once typed from memory for 第十七条 is not the law's."""
    articles = _statute_articles()
    text = articles[("《失业保险条例》", "第十七条")]
    assert "累计缴费时间满1年不足5年的" in text
    assert "累计缴费满1年不足5年" not in text


def test_a_statute_reference_must_name_statute_and_article(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "x.rate:\n  label: 测试\n  unit: month\n  reference: {statute: 劳动合同法, article: 19}\n"
        "  values: {2020-01-01: 5}\n", encoding="utf-8")
    with pytest.raises(RuleError):
        rules.parameters(tmp_path)


def test_a_phrase_that_is_not_verbatim_is_caught():
    articles = _statute_articles()
    text = articles[("《劳动合同法》", "第四十七条")]
    assert "不满六个月的，向劳动者支付半个月工资的经济补偿" in text
    assert "不满六个月的，支付半个月工资的经济补偿" not in text   # a retyped paraphrase


@pytest.mark.parametrize("name", sorted(parameters()))
def test_each_effective_date_switches_the_value_on_that_day(name):
    """Both sides of every effective date: the day before reads the previous value."""
    p = parameters()[name]
    previous = None
    for key, entry in p.values:
        on_day = param(name, key)
        assert on_day.date_key == key and on_day.value == entry["value"]
        before = param(name, key - dt.timedelta(days=1))
        assert before.value == previous
        previous = entry["value"]


def test_param_returns_value_reference_and_date_key():
    v = param("loan_deferral.max_months", dt.date(2023, 5, 20))
    assert v.date_key == dt.date(2022, 12, 27)
    assert v.reference["doc_id"] == "entrepreneurship-action-2022"
    step = v.to_step()
    assert set(step) >= {"name", "label", "value", "unit", "date_key", "reference", "text"}
    assert param("loan_deferral.max_months", "2022-12-26").value is None


def test_a_null_value_ends_a_rule(tmp_path):
    (tmp_path / "benefit_programs.yaml").write_text("{}", encoding="utf-8")
    (tmp_path / "x.yaml").write_text(
        "x.rate:\n  label: 测试\n  unit: yuan\n  reference: {doc_id: d, quote: q}\n"
        "  values:\n    2020-01-01: 5\n    2021-01-01: null\n", encoding="utf-8")
    p = rules.parameters(tmp_path)["x.rate"]
    assert p.at("2020-06-01").value == 5
    assert p.at("2021-01-01").value is None


def test_a_parameter_without_reference_is_rejected(tmp_path):
    (tmp_path / "benefit_programs.yaml").write_text("{}", encoding="utf-8")
    (tmp_path / "x.yaml").write_text(
        "x.rate:\n  label: 测试\n  unit: yuan\n  reference: {}\n  values: {2020-01-01: 5}\n",
        encoding="utf-8")
    with pytest.raises(RuleError):
        rules.parameters(tmp_path)


CJK = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = {
    "loan-deferral": {"maturity": "2023-05-20", "pandemic_hardship": True, "months": 6},
    "voucher": {"category": "tekun", "smartphone": False},
    "unemployment": {"contribution_years": 6, "involuntary": True, "registered": True},
    "probation": {"contract_months": 24, "probation_months": 2, "suspended_days": 9, "extension_months": 2},
    "benefits": {"graduation_date": "2022-06-30", "employed": False, "loan_holder": True},
    "severance": {"reason": "unlawful", "start": "2019-03-01", "end": "2023-02-15", "monthly_wage": 30000,
                  "local_average_wage": 6000},
    "annual-leave": {"cumulative_years": 12, "joined": "2022-05-01", "left": "2023-02-10", "monthly_wage": 8000},
    "overtime-pay": {"kind": "workday", "monthly_wage": 6000, "hours": 40},
    "work-injury": {"grade": 5, "own_wage": 2000, "average_wage": 6000, "nursing": "most"},
    "arbitration-deadline": {"known_date": "2022-11-20"},
}


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_every_step_of_every_calculator_is_traced_in_chinese(name):
    result = run_calculator(name, EXAMPLES[name], today=dt.date(2023, 3, 1))
    params = [s for s in result["steps"] if s["kind"] == "parameter"]
    computed = [s for s in result["steps"] if s["kind"] == "compute"]
    assert params and computed, name
    for s in params:
        assert s["unit"] in rules.UNIT_ZH and CJK.search(s["label"]), s
        ref = s["reference"]
        assert ref.get("quote") or (ref.get("statute") and ref.get("article")), s
        assert s["date_key"] is not None or s["value"] is None, s
    assert all(CJK.search(s["text"]) for s in result["steps"]), result["steps"]
    assert result["citations"] and CJK.search(result["summary"])
