"""Versions and regions with the library loaded: the version in force answers by default, an
older one only when the question names its year (and says so); another province's rules
never answer a Shanxi or place-less question."""
from __future__ import annotations

from datetime import date

import pytest

from assistant.service import get_assistant
from policydesk.settings import get_settings


def titles(passages):
    return [p.citation.title for p in passages]


def regions_of(searcher, passages):
    return {searcher.documents[p.citation.doc_id].region for p in passages}


def test_a_placeless_or_shanxi_question_never_gets_another_provinces_regulation(library):
    searcher = get_assistant().searcher
    for q in ("失业保险金的领取标准怎么确定", "太原失业了失业保险金领多久", "失业保险基金的来源有哪些"):
        found = searcher.search(q, k=8)
        assert found and regions_of(searcher, found) <= {"全国", "山西"}, (q, titles(found))
    # without the region rule the best lexical match would be a provincial regulation
    unfiltered = searcher.lexical.scores(searcher.query_tokens("失业保险金的领取标准怎么确定"))
    best = searcher.chunks[int(unfiltered.argmax())].doc_id
    assert searcher.documents[best].region != "全国"


def test_a_question_naming_another_province_is_declined_with_the_referral(library):
    answer = get_assistant().ask("广东省失业保险金的标准是多少", log=False).to_dict()
    assert answer["declined"] and answer["citations"] == [] and "12333" in answer["answer"]


def test_a_deployment_serving_guangdong_answers_from_its_regulation(library, monkeypatch):
    monkeypatch.setenv("POLICYDESK_REGIONS", "广东,全国")
    assert get_settings().regions == ("广东", "全国")
    answer = get_assistant().ask("广州失业保险金的标准怎么定", log=False).to_dict()
    assert not answer["declined"], answer["answer"]
    assert any(c["title"].startswith("广东省失业保险条例") for c in answer["citations"])
    shanxi = get_assistant().ask("山西的失业保险金标准怎么定", log=False).to_dict()
    assert shanxi["declined"]    # 山西 is not served by this deployment


def test_the_version_in_force_answers_by_default(library):
    searcher = get_assistant().searcher
    top = searcher.search("春节放假几天", k=3, today="2025-04-01")
    assert top and top[0].citation.date == "2024-11-10" and not top[0].citation.version_note
    assert all(p.citation.date != "2013-12-11" for p in top)
    # time is an input: before the 2024 version existed, the 2013 one was in force
    then = [p for p in searcher.search("全国年节及纪念日放假办法 春节放假几天", k=5, today="2020-01-01")
            if "放假办法" in p.citation.title]
    assert then and all(p.citation.date == "2013-12-11" and not p.citation.version_note for p in then)


def test_a_question_naming_a_year_gets_that_version_labelled_as_history(library):
    answer = get_assistant().ask("2013年的全国年节及纪念日放假办法规定春节放假几天", today=date(2025, 4, 1),
                                 log=False).to_dict()
    assert not answer["declined"]
    first = answer["citations"][0]
    assert first["date"] == "2013-12-11" and first["version_note"] == "历史版本（2013-12-11）"
    lines = answer["answer"].splitlines()
    assert "2013年" in lines[0] and "历史版本" in lines[0]
    # the answer line, then its source line: labelled as the old version it is
    assert lines[1].startswith("“") and "历史版本（2013-12-11）" in lines[2] and lines[2].startswith("——")


def test_a_year_we_hold_no_version_of_is_said_not_silently_replaced(library):
    answer = get_assistant().ask("2008年的劳动合同法对劳务派遣单位的注册资本有什么要求", today=date(2025, 4, 1), log=False).to_dict()
    assert not answer["declined"]
    assert answer["answer"].startswith("本库没有收录2008年施行的《中华人民共和国劳动合同法》版本")
    assert any("劳动合同法" in c["title"] for c in answer["citations"])


def test_an_undated_copy_is_an_older_version(library):
    searcher = get_assistant().searcher
    found = searcher.search("审理网络消费纠纷案件 格式条款", k=8, today="2025-04-01")
    dated = [p for p in found if "网络消费纠纷" in p.citation.title]
    assert dated and all(p.citation.date == "2022-03-01" for p in dated)


def test_progress_is_shown_while_vectors_are_missing(library):
    status = get_assistant().index_status()
    assert status["state"] == "lexical_ready" and status["vectors"]["done"] == 0
    assert status["vectors"]["total"] == status["chunks"]["total"] > 500
    assert "向量 0/" in status["summary"]


def test_healthz_reports_index_progress(library):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(get_settings())) as client:
        body = client.get("/healthz").json()
    progress = body["progress"]
    assert progress["state"] == "lexical_ready" and progress["vectors"]["done"] == 0
    assert progress["documents"]["done"] > 20 and "全文检索可用" in progress["summary"]
