"""Protection of the public endpoint: rate limits shared by workers, CORS allow-list,
PII kept out of logs and the database."""
from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from api.app import create_app
from api.protection import AccessLogRedactor, redact_path
from policydesk.settings import get_settings


def test_rate_limit_per_ip_is_429_in_chinese_with_retry_after(make_client, fake):
    client = make_client(POLICYDESK_RATE_LIMIT_IP="3")
    codes = [client.post("/api/ask", json={"question": f"问题{i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 200]
    r = client.get("/api/search", params={"q": "失业"})  # all API calls share the IP budget
    assert r.status_code == 429
    assert "频繁" in r.json()["error"] and r.headers["retry-after"] == "60"
    assert len(fake.calls) == 3


def test_rate_counts_are_shared_by_workers_through_the_database(fake, monkeypatch):
    """Two app instances over one database behave like two uvicorn workers."""
    monkeypatch.setenv("POLICYDESK_RATE_LIMIT_IP", "4")
    workers = [TestClient(create_app(get_settings(), get_assistant=lambda: fake, warm_up=False)) for _ in range(2)]
    codes = [workers[i % 2].post("/api/ask", json={"question": "你好"}).status_code for i in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]


def test_health_page_and_static_files_are_not_rate_limited(make_client):
    client = make_client(POLICYDESK_RATE_LIMIT_IP="1")
    for _ in range(3):
        assert client.get("/h5").status_code == 200
        assert client.get("/widget.js").status_code == 200
        assert client.get("/healthz").status_code in (200, 503)


def test_cors_allows_only_listed_origins(make_client):
    client = make_client(POLICYDESK_CORS_ORIGINS="https://hrss.example.gov.cn, https://www.example.cn")
    allowed = "https://hrss.example.gov.cn"
    pre = client.options("/api/ask", headers={"Origin": allowed, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == allowed
    assert "access-control-allow-credentials" not in pre.headers
    r = client.post("/api/ask", json={"question": "你好"}, headers={"Origin": allowed})
    assert r.headers["access-control-allow-origin"] == allowed

    evil = "https://evil.example.com"
    pre = client.options("/api/ask", headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 400 and "access-control-allow-origin" not in pre.headers
    r = client.post("/api/ask", json={"question": "你好"}, headers={"Origin": evil})
    assert "access-control-allow-origin" not in r.headers


def test_no_cross_origin_access_by_default(client):
    r = client.post("/api/ask", json={"question": "你好"}, headers={"Origin": "https://hrss.example.gov.cn"})
    assert "access-control-allow-origin" not in r.headers


def test_error_replies_carry_cors_headers_so_the_widget_can_show_them(make_client):
    origin = "https://hrss.example.gov.cn"
    client = make_client(POLICYDESK_CORS_ORIGINS=origin, POLICYDESK_MAX_BODY_BYTES=100)
    r = client.post("/api/ask", json={"question": "问" * 200}, headers={"Origin": origin})
    assert r.status_code == 413 and r.headers["access-control-allow-origin"] == origin


def test_questions_are_stored_with_pii_masked(client, fake):
    client.post("/api/ask", json={"question": "我身份证110101199003074518，电话13812345678，能领消费券吗"})
    row = fake.store.list_conversations()[0]
    assert "110101199003074518" not in row["question"] and "13812345678" not in row["question"]
    assert "能领消费券吗" in row["question"]


def test_access_log_lines_never_show_query_values():
    assert redact_path("/api/search?q=%E5%A4%B1%E4%B8%9A&k=3") == "/api/search?q=…&k=…"
    assert redact_path("/wechat?signature=abc&openid=oUser1") == "/wechat?signature=…&openid=…"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/api/search?q=我的电话13812345678", "1.1", 200), None)
    AccessLogRedactor().filter(record)
    assert "13812345678" not in record.getMessage() and "/api/search?q=…" in record.getMessage()


def test_responses_are_marked_nosniff_and_the_h5_page_has_a_strict_csp(client):
    r = client.get("/h5")
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = r.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1]
