"""The JSON API: what a caller gets for good and for every kind of bad input."""
from __future__ import annotations

import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_chinese_error(response, status, field=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "error_en"}
    assert CJK.search(body["error"]), body
    assert "Traceback" not in response.text
    if field:
        assert body.get("field") == field, body
    return body


# -- /api/ask: protocol, with a fake assistant ------------------------------------------------
def test_ask_returns_the_answer_record_and_tags_the_channel(client, fake):
    r = client.post("/api/ask", json={"question": "爱心消费券每人多少钱", "session_id": "s-1", "channel": "h5"})
    assert r.status_code == 200
    body = r.json()
    assert {"answer", "citations", "declined", "calculator", "follow_up", "steps", "id"} <= set(body)
    # The body is the Answer record the assistant made and logged, unchanged, plus how
    # screens show it (rendered by assistant/render.py, not logged).
    view = body.pop("view")
    assert "1500元" in view["body_html"] and "《爱心消费券》" in view["citations_html"]
    logged = fake.store.get_conversation(body["id"])
    assert logged is not None and body == logged
    assert fake.calls == [{"question": "爱心消费券每人多少钱", "session_id": "s-1", "channel": "h5"}]
    client.post("/api/ask", json={"question": "再问一次"})
    assert fake.calls[-1]["channel"] == "api"


@pytest.mark.parametrize("payload, status, field", [
    ({}, 422, "question"),
    ({"question": ""}, 400, "question"),
    ({"question": "   "}, 400, "question"),
    ({"question": "问" * 501}, 400, "question"),
    ({"question": 123}, 422, "question"),
    ({"question": ["a"]}, 422, "question"),
    ({"question": "你好", "session_id": "含空格 的 id"}, 422, "session_id"),
    ({"question": "你好", "session_id": "x" * 200}, 422, "session_id"),
    ({"question": "你好", "channel": "sms"}, 422, "channel"),
])
def test_ask_rejects_bad_input_with_a_chinese_message(client, fake, payload, status, field):
    assert_chinese_error(client.post("/api/ask", json=payload), status, field)
    assert fake.calls == []


def test_question_length_cap_names_the_limit(client):
    body = assert_chinese_error(client.post("/api/ask", json={"question": "问" * 501}), 400, "question")
    assert "500" in body["error"]


def test_malformed_json_and_non_object_bodies(client):
    r = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert_chinese_error(r, 400)
    r = client.post("/api/ask", content='["爱心消费券"]'.encode(), headers={"content-type": "application/json"})
    assert_chinese_error(r, 422)
    r = client.post("/api/ask", content="question=爱心消费券".encode(),
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code in (400, 422) and CJK.search(r.json()["error"])


def test_body_over_the_cap_is_refused_before_the_route(make_client, fake):
    client = make_client(POLICYDESK_MAX_BODY_BYTES=2048)
    big = {"question": "你好", "comment": "x" * 5000}
    assert_chinese_error(client.post("/api/ask", json=big), 413)
    # Without a Content-Length header (chunked upload) the cap still holds.
    chunks = (b"x" * 1024 for _ in range(4))
    assert_chinese_error(client.post("/api/ask", content=chunks, headers={"content-type": "application/json"}), 413)
    assert fake.calls == []


def test_unknown_routes_and_methods_are_chinese_json(client):
    assert_chinese_error(client.get("/api/nothing-here"), 404)
    assert_chinese_error(client.get("/api/ask"), 405)


def test_bad_today_is_reported_on_the_field(real_client):
    assert_chinese_error(real_client.post("/api/ask", json={"question": "爱心消费券", "today": "明天吧"}), 422, "today")
    assert_chinese_error(real_client.post("/api/ask", json={"question": "爱心消费券", "today": "2023-02-30"}), 422, "today")


def test_an_internal_failure_is_a_chinese_500_without_traceback(make_client, fake):
    def boom(*a, **k):
        raise RuntimeError("secret detail 13812345678")
    fake.ask = boom
    from fastapi.testclient import TestClient

    c = TestClient(make_client().app, raise_server_exceptions=False)
    r = c.post("/api/ask", json={"question": "爱心消费券"})
    body = assert_chinese_error(r, 500)
    assert "13812345678" not in r.text and "secret" not in r.text
    assert "12333" in body["error"]


# -- search, calculators, feedback ------------------------------------------------------------
@pytest.mark.parametrize("query, status, field", [
    ("", 422, "q"),          # missing
    ("q=", 400, "q"),        # empty
    ("q=" + "查" * 600, 400, "q"),
    ("q=失业&k=0", 422, "k"),
    ("q=失业&k=abc", 422, "k"),
    ("q=失业&k=999", 422, "k"),
])
def test_search_rejects_bad_parameters(client, query, status, field):
    assert_chinese_error(client.get("/api/search?" + query), status, field)


def test_unknown_calculator_is_404_in_chinese_listing_the_real_ones(client):
    body = assert_chinese_error(client.post("/api/calculators/pension", json={}), 404, "name")
    assert "voucher" in body["error"] and "loan-deferral" in body["error"]


def test_calculator_inputs_must_be_an_object(client):
    assert_chinese_error(client.post("/api/calculators/voucher", json=["tekun"]), 422)


def test_feedback_validation(client, fake):
    answer = client.post("/api/ask", json={"question": "爱心消费券"}).json()
    assert_chinese_error(client.post("/api/feedback", json={"answer_id": answer["id"], "rating": 5}), 422, "rating")
    assert_chinese_error(client.post("/api/feedback", json={"rating": 1}), 422, "answer_id")
    assert_chinese_error(client.post("/api/feedback", json={"answer_id": "nope", "rating": 1}), 404, "answer_id")
    assert_chinese_error(client.post("/api/feedback", json={"answer_id": answer["id"], "rating": 1,
                                                            "comment": "长" * 1001}), 422, "comment")
    r = client.post("/api/feedback", json={"answer_id": answer["id"], "rating": -1,
                                           "comment": "没说清楚，我电话13812345678"})
    assert r.status_code == 200 and r.json()["ok"] is True
    stored = fake.store.list_feedback()
    assert stored[0]["answer_id"] == answer["id"] and stored[0]["rating"] == -1
    assert "13812345678" not in stored[0]["comment"]


def test_feedback_finds_answers_whose_id_looks_like_a_number(client, fake, monkeypatch):
    """A hex id with a 15-digit run once got 'masked' as an ID card number when logged."""
    import assistant.answer as answer_module

    monkeypatch.setattr(answer_module.uuid, "uuid4", lambda: type("U", (), {"hex": "8f584081058045689a6691a2d6360dd8"})())
    answer = client.post("/api/ask", json={"question": "爱心消费券", "session_id": "s-8f58408105804568"}).json()
    assert answer["id"] == "8f584081058045689a6691a2d6360dd8"
    assert client.post("/api/feedback", json={"answer_id": answer["id"], "rating": 1}).status_code == 200
    assert fake.store.list_conversations(session_id="s-8f58408105804568")


def test_a_session_id_carrying_a_phone_number_is_refused_not_stored(client, fake):
    r = client.post("/api/ask", json={"question": "爱心消费券", "session_id": "s-13812345678"})
    assert_chinese_error(r, 422, "session_id")
    assert "13812345678" not in r.text and fake.calls == []


# -- the real assistant over the ingested corpus ----------------------------------------------
def test_real_ask_answers_the_voucher_amount_with_a_citation(real_client):
    r = real_client.post("/api/ask", json={"question": "爱心消费券每人多少钱", "session_id": "api-test"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "1500" in body["answer"]
    assert body["citations"] and body["citations"][0]["title"]
    assert not body["declined"]


def test_real_search_returns_cited_passages(real_client):
    r = real_client.get("/api/search", params={"q": "创业担保贷款展期", "k": 3})
    assert r.status_code == 200
    passages = r.json()["passages"]
    assert 1 <= len(passages) <= 3
    assert all(p["citation"]["quote"] and p["citation"]["title"] for p in passages)


def test_real_calculator_matches_the_cli_contract(real_client):
    r = real_client.post("/api/calculators/voucher", json={"category": "tekun", "date": "2023-01-15"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["eligible"] is True and body["amount_yuan"] == 1500 and body["citations"]
    bad = real_client.post("/api/calculators/voucher", json={"category": "tekun", "date": "去年"})
    assert_chinese_error(bad, 422, "date")


def test_real_feedback_lands_in_the_store(real_client):
    answer = real_client.post("/api/ask", json={"question": "失业保险金能领多久"}).json()
    r = real_client.post("/api/feedback", json={"answer_id": answer["id"], "rating": 1})
    assert r.status_code == 200
    from assistant.service import get_assistant
    rows = get_assistant().store.list_feedback()
    assert [(f["answer_id"], f["rating"]) for f in rows] == [(answer["id"], 1)]


def test_healthz_reports_index_and_database(real_client):
    r = real_client.get("/healthz")
    assert r.status_code == 200 and r.json()["index"] is True and r.json()["database"] is True


def test_healthz_is_503_without_an_index(client):
    r = client.get("/healthz")  # the temp home is empty
    assert r.status_code == 503 and r.json() | {"warm": None} == {
        "status": "degraded", "index": False, "database": True, "warm": None}


@pytest.mark.parametrize("name, inputs, key, value", [
    ("severance", {"reason": "layoff", "service_years": 3, "monthly_wage": "6000"}, "amount_yuan", 18000),
    ("annual-leave", {"cumulative_years": 12, "today": "2024-03-01"}, "days", 10),
    ("overtime-pay", {"kind": "holiday", "daily_wage": 300, "days": 1}, "amount_yuan", 900),
    ("work-injury", {"grade": 7, "own_wage": 5000}, "lump_sum_yuan", 65000),
    ("arbitration-deadline", {"known_date": "2023-05-15"}, "deadline", "2024-05-15"),
])
def test_new_calculators_over_http_match_the_cli_contract(real_client, name, inputs, key, value):
    r = real_client.post(f"/api/calculators/{name}", json=inputs)
    assert r.status_code == 200, r.text
    assert r.json()[key] == value and r.json()["citations"] and r.json()["steps"]


@pytest.mark.parametrize("name, inputs, field", [
    ("severance", {"reason": "layoff", "service_years": -1}, "service_years"),
    ("severance", {"reason": "layoff", "start": "2024-06-30", "end": "2024-01-01"}, "end"),
    ("severance", {"reason": "layoff", "service_years": 3, "monthly_wage": 0}, "monthly_wage"),
    ("severance", {"reason": "layoff", "service_years": 3, "monthly_wage": 10 ** 12}, "monthly_wage"),
    ("severance", {"reason": "bored", "service_years": 3}, "reason"),
    ("work-injury", {"grade": 11}, "grade"),
    ("arbitration-deadline", {"known_date": "2023-02-29"}, "known_date"),
])
def test_bad_calculator_input_is_a_422_naming_the_field_in_both_languages(real_client, name, inputs, field):
    body = assert_chinese_error(real_client.post(f"/api/calculators/{name}", json=inputs), 422, field)
    assert field in body["error_en"]


def test_the_calculators_and_their_inputs_are_listed_and_documented(client):
    listed = client.get("/api/calculators").json()["calculators"]
    severance = next(c for c in listed if c["name"] == "severance")
    wage = next(f for f in severance["fields"] if f["name"] == "monthly_wage")
    assert wage["unit"] == "yuan" and wage["min"] == 1 and "元" in wage["range_zh"]
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/api/calculators/{name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    titles = [s["title"] for s in body["oneOf"]]
    assert any(t.startswith("severance") for t in titles) and len(titles) == len(listed)
    reason = next(s for s in body["oneOf"] if s["title"].startswith("severance"))["properties"]["reason"]
    assert "unlawful" in reason["enum"] and "违法" in reason["description"]
