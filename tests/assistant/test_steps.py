"""Pipeline steps on their own, with a hand-made context (no index, no database)."""
from datetime import date

from assistant import render
from assistant.answer import Answer
from assistant.pipeline import Context
from assistant.services import Services
from assistant.steps import compose, faq, route
from assistant.understand import Understanding
from policydesk.settings import get_settings


class NoForeignPlaces:
    def foreign_places(self, query):
        return ["上海"] if "上海" in query else []


def context(intent, slots=None, problems=None, state=None):
    settings = get_settings()
    ctx = Context(services=Services(settings, searcher=NoForeignPlaces()), today=date(2023, 3, 1))
    ctx.understanding = Understanding(intent, slots or {}, problems or {})
    ctx.state = state or {}
    return ctx


def test_faq_similarity_ignores_particles_and_punctuation():
    assert faq.similarity("请问爱心消费券发多少钱？", "爱心消费券发多少钱") == 1.0
    assert faq.similarity("爱心消费券发多少钱", "试用期最长多久") < faq.MATCH_THRESHOLD


def test_route_asks_for_a_missing_date_and_remembers_what_it_has():
    answer, ctx = Answer("q", session_id="s"), context("loan-deferral", {"pandemic_hardship": True})
    detail = route.run(answer, ctx)
    assert detail["route"] == "follow_up" and detail["missing"][0] == "maturity"
    assert ctx.state["pending"]["slots"]["pandemic_hardship"] is True and ctx.state_changed


def test_route_assumes_unstated_conditions_and_says_which():
    answer, ctx = Answer("q"), context("unemployment", {"contribution_years": 6})
    detail = route.run(answer, ctx)
    assert detail["route"] == "calculator"
    assert set(detail["assumed"]) == {"involuntary", "registered"}
    assert ctx.calc_inputs == {"contribution_years": 6, "involuntary": True, "registered": True}


def test_route_declines_calculations_for_other_provinces():
    answer, ctx = Answer("上海失业金能领多久", normalized="上海失业金能领多久"), context("unemployment", {})
    route.run(answer, ctx)
    assert answer.declined and answer.citations == []


def test_route_sends_questions_without_a_calculator_to_search():
    answer, ctx = Answer("q"), context("search")
    assert route.run(answer, ctx)["route"] == "search"


def test_calculation_markers_map_one_to_one_to_citations():
    a = {"doc_id": "d", "quote": "甲"}
    b = {"statute": "《劳动合同法》", "article": "第十九条"}
    blocks, cites = compose.compose_calculation({
        "summary": "结果。", "citations": [a, b],
        "notes": [{"text": "注意。", "citations": [b]}], "next_step": "去办理。"})
    assert cites == [a, b]
    assert render.plain_text(blocks).splitlines() == ["结果。[1][2]", "· 注意。[2]", "办理方式：去办理。"]
