"""What an outside probe found, each now refused at the edge with a Chinese 4xx naming the
field, or closed: lone surrogates, huge numbers, far dates, malformed bodies, exception text
in steps, raw questions echoed, spoofed forwarded headers, the stray Swagger demo page."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from policydesk.settings import get_settings
from tests.api.test_api import assert_chinese_error


def raw_json(client, url, text: str):
    """POST a JSON text as typed (so a \\ud800 escape reaches the server as it is)."""
    return client.post(url, content=text.encode("utf-8"), headers={"content-type": "application/json"})


# -- text that is not text ------------------------------------------------------------------------
@pytest.mark.parametrize("body, field", [
    ('{"question": "\\ud800abc"}', "question"),
    ('{"question": "abc\\udc80"}', "question"),
    ('{"question": "a\\u0000b"}', "question"),
    ('{"question": "a\\u001bb"}', "question"),
    ('{"question": "爱心消费券", "today": "\\ud800"}', "today"),
])
def test_lone_surrogates_and_control_characters_are_422_naming_the_field(client, fake, body, field):
    assert_chinese_error(raw_json(client, "/api/ask", body), 422, field)
    assert fake.calls == []


def test_surrogates_in_search_feedback_and_calculators_are_422(client):
    r = client.get("/api/search?q=%ED%A0%80abc")   # UTF-8 of a surrogate: decoded as U+FFFD, never a 500
    assert r.status_code < 500 and "Traceback" not in r.text
    r = raw_json(client, "/api/feedback", '{"answer_id": "x", "rating": 1, "comment": "\\ud800"}')
    assert_chinese_error(r, 422, "comment")
    r = raw_json(client, "/api/calculators/voucher", '{"category": "\\ud800", "date": "2023-01-15"}')
    assert_chinese_error(r, 422, "category")


def test_invalid_utf8_in_a_json_body_is_a_client_error_not_a_system_error(client):
    r = client.post("/api/ask", content=b'{"question": "\xff\xfe"}', headers={"content-type": "application/json"})
    body = assert_chinese_error(r, 400)
    assert "系统" not in body["error"]


# -- numbers and dates -----------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["contract_months", "probation_months", "suspended_days", "extension_months"])
@pytest.mark.parametrize("value", ["1" + "0" * 400, '"' + "9" * 309 + '"'])
def test_huge_numbers_in_calculators_are_422_naming_the_field(real_client, field, value):
    r = raw_json(real_client, "/api/calculators/probation", f'{{"contract_months": 12, "{field}": {value}}}'
                 if field != "contract_months" else f'{{"contract_months": {value}}}')
    body = assert_chinese_error(r, 422, field)
    assert "至" in body["error"] and len(r.text) < 600


def test_loan_months_too_large_is_422(real_client):
    r = real_client.post("/api/calculators/loan-deferral",
                         json={"maturity": "2023-05-20", "pandemic_hardship": True, "months": 10 ** 30})
    assert_chinese_error(r, 422, "months")


@pytest.mark.parametrize("today", ["9999-06-30", "0001-01-15", "1949-12-31", "2100-01-01"])
def test_today_outside_1950_2099_is_400_not_an_error_status(client, fake, today):
    body = assert_chinese_error(client.post("/api/ask", json={"question": "爱心消费券", "today": today}), 400, "today")
    assert "1950" in body["error"] and fake.calls == []


def test_contradictory_flags_are_422(real_client):
    r = real_client.post("/api/calculators/loan-deferral",
                         json={"maturity": "2023-05-20", "pandemic_hardship": True, "no_pandemic_hardship": True})
    assert "矛盾" in assert_chinese_error(r, 422, "pandemic_hardship")["error"]


def test_negative_years_in_chat_are_refused_like_in_forms(real_client):
    r = real_client.post("/api/ask", json={"question": "我缴了-5年失业保险，被裁员了，已经登记失业，能领几个月失业金？",
                                           "today": "2023-03-01"})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "needs_more_info", body["answer"]
    assert "负数" in body["answer"] and body["calculator"] is None


# -- no exception text leaves the server --------------------------------------------------------
def test_a_failing_step_leaves_no_exception_text_in_the_reply_or_its_steps(real_client, monkeypatch):
    from assistant import pipeline

    def explode(answer, ctx):
        raise RuntimeError("secret detail /etc/passwd 13812345678")

    monkeypatch.setattr(pipeline, "STEPS", [(n, explode if n == "compose" else f) for n, f in pipeline.STEPS])
    r = real_client.post("/api/ask", json={"question": "爱心消费券每人多少钱"})
    assert r.status_code == 200 and r.json()["status"] == "error"
    assert "secret" not in r.text and "RuntimeError" not in r.text and "passwd" not in r.text
    step = next(s for s in r.json()["steps"] if s["step"] == "compose")
    assert step["error"] == "internal_error" and len(step["error_ref"]) == 12


# -- what the server echoes -------------------------------------------------------------------------
def test_ask_and_search_echo_the_question_only_masked(client):
    question = "我电话一三八一二三四五六七八，卡号6222021234567890123.谢谢，能领消费券吗"
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200
    assert "13812345678" not in r.text and "一三八一二三四五六七八" not in r.text
    assert "6222021234567890123" not in r.text and "能领消费券吗" in r.json()["question"]
    s = client.get("/api/search", params={"q": "电话13812345678 失业保险"})
    assert s.status_code == 200 and "13812345678" not in s.text and "失业保险" in s.json()["query"]


def test_error_messages_never_echo_pii(real_client):
    r = real_client.post("/api/calculators/voucher", json={"category": "13812345678", "date": "2023-01-15"})
    assert r.status_code == 422 and "13812345678" not in r.text and "category" in r.text


# -- forwarded headers -------------------------------------------------------------------------------
def _behind(monkeypatch, fake, peer: str, **env):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return TestClient(create_app(get_settings(), get_assistant=lambda: fake, warm_up=False), client=(peer, 5000))


@pytest.mark.parametrize("trust", [None, "1", "true"])
def test_forwarded_for_from_an_untrusted_peer_cannot_pick_the_rate_key(monkeypatch, fake, trust):
    env = {"POLICYDESK_RATE_LIMIT_IP": "3"}
    if trust:
        env["POLICYDESK_TRUST_PROXY"] = trust
    c = _behind(monkeypatch, fake, "127.0.0.1", **env)
    codes = [c.post("/api/ask", json={"question": "你好"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
             for i in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]


def test_a_named_proxy_is_believed_and_the_clients_own_left_part_ignored(monkeypatch, fake):
    c = _behind(monkeypatch, fake, "10.1.2.3", POLICYDESK_RATE_LIMIT_IP="3", POLICYDESK_TRUST_PROXY="10.0.0.0/8")
    codes = [c.post("/api/ask", json={"question": "你好"}, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
             for i in range(6)]
    assert codes == [200] * 6                     # six clients behind the proxy
    spoof = [c.post("/api/ask", json={"question": "你好"},
                    headers={"X-Forwarded-For": f"1.1.1.{i}, 198.51.100.7"}).status_code for i in range(5)]
    assert spoof == [200, 200, 200, 429, 429]      # the proxy's own entry (rightmost) is the client


# -- pages ------------------------------------------------------------------------------------------
def test_the_swagger_demo_page_is_gone_but_docs_work(client):
    assert client.get("/docs-assets/index.html").status_code == 404
    assert client.get("/docs-assets/swagger-initializer.js").status_code == 404
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs").status_code == 200


def test_h5_may_be_framed_only_by_itself_and_the_widget_allow_list(make_client):
    default = make_client().get("/h5").headers["content-security-policy"]
    assert "frame-ancestors 'self'" in default and "https://" not in default.split("frame-ancestors")[1]
    listed = make_client(POLICYDESK_CORS_ORIGINS="https://hrss.example.gov.cn, https://x.example;script-src *")
    csp = listed.get("/h5").headers["content-security-policy"]
    ancestors = csp.split("frame-ancestors", 1)[1]
    assert "https://hrss.example.gov.cn" in ancestors and "script-src *" not in csp


def test_calculator_ranges_are_published(client):
    calcs = {c["name"]: c for c in client.get("/api/calculators").json()["calculators"]}
    field = next(f for f in calcs["probation"]["fields"] if f["name"] == "contract_months")
    assert field["min"] == 1 and field["max"] == 600 and field["range_zh"] == "1 至 600个月"
    assert json.dumps(calcs, ensure_ascii=False)
