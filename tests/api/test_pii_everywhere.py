"""The PII property test: identifiers in every written form, embedded in random text, sent
through every endpoint and the WeChat callback (plain and safe mode) of the real assistant;
then every response, every table of the database and every log line is scanned for the raw
values (and the OpenIDs). Figures go to test-artifacts/pii-scan.json."""
from __future__ import annotations

import json
import logging
import os
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.api.test_wechat_callback import WECHAT_ENV, fields, open_envelope, post_plain, post_safe
from tests.pii import PII_FORMS, leaks, pii_forms, surrounding_text

EXAMPLES_PER_KIND = int(os.environ.get("POLICYDESK_PII_EXAMPLES", "3"))
OPENIDS = st.from_regex(r"o[A-Za-z0-9_\-]{27}", fullmatch=True)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        line = self.format(record)
        if "http://testserver" not in line:   # the test's own HTTP client logging its requests
            self.lines.append(line)


@pytest.fixture
def logs():
    root = logging.getLogger()
    handler, old_level = Capture(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def wechat_xml(content: str, openid: str, msg_id: str | None) -> str:
    mid = f"<MsgId>{msg_id}</MsgId>" if msg_id else ""
    return (f"<xml><ToUserName><![CDATA[gh_policydesk]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content.replace(']]>', '')}]]></Content>{mid}</xml>")


def test_generated_pii_never_reaches_a_table_a_log_line_or_a_response(writable_indexed_home, monkeypatch, logs,
                                                                      artifacts_dir):
    from api.app import create_app
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    for name, value in {**WECHAT_ENV, "POLICYDESK_RATE_LIMIT_IP": "0", "POLICYDESK_RATE_LIMIT_OPENID": "1000",
                        "POLICYDESK_RATE_LIMIT_WECHAT_IP": "0"}.items():
        monkeypatch.setenv(name, value)
    client = TestClient(create_app(get_settings(), get_assistant=get_assistant, warm_up=False))
    sent: list[tuple[str, str, str]] = []      # (raw, written, form)
    openids: list[str] = []
    responses = {"count": 0}
    counter = iter(range(10 ** 9))

    def check(raw: str, openid: str, body: str, where: str, *, openid_allowed: bool = False):
        responses["count"] += 1
        assert not leaks(raw, body), f"{where} echoed {raw!r}: {body[:300]}"
        if not openid_allowed:
            assert openid not in body, f"{where} echoed the OpenID"

    def one_kind(kind: str):
        @settings(max_examples=EXAMPLES_PER_KIND, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(data=st.data())
        def run(data):
            n = next(counter)
            raw, written, form = data.draw(pii_forms(kinds=(kind,)))
            text = data.draw(surrounding_text(written))
            openid = data.draw(OPENIDS)
            sent.append((raw, written, form))
            openids.append(openid)
            session = f"pii-{n}"

            r = client.post("/api/ask", json={"question": "爱心消费券每人多少钱" + text, "session_id": session})
            check(raw, openid, r.text, "/api/ask")
            answer_id = r.json().get("id")
            r = client.post("/api/ask", json={"question": "我缴了三年失业保险" + text, "session_id": session})
            check(raw, openid, r.text, "/api/ask (dialog)")
            if answer_id:
                r = client.post("/api/feedback", json={"answer_id": answer_id, "rating": -1, "comment": text,
                                                       "session_id": session})
                check(raw, openid, r.text, "/api/feedback")
            r = client.get("/api/search", params={"q": "失业保险" + text, "k": 3})
            check(raw, openid, r.text, "/api/search")
            r = client.post("/api/calculators/voucher", json={"category": text, "date": "2023-01-15"})
            check(raw, openid, r.text, "/api/calculators (bad choice)")
            r = client.post("/api/calculators/unemployment", json={text[:60] or "x": 1})
            check(raw, openid, r.text, "/api/calculators (unknown input)")
            r = client.post("/api/ask", json={"question": "你好", "today": written})
            check(raw, openid, r.text, "/api/ask (today)")
            r = client.get("/api/search", params={"q": written, "k": "x" + written})
            check(raw, openid, r.text, "/api/search (bad k)")

            r = post_plain(client, wechat_xml("失业保险金能领多久" + text, openid, str(9_000_000 + n)))
            assert r.status_code == 200 and "失业保险" in fields(r.text)["Content"], r.text
            check(raw, openid, fields(r.text)["Content"], "/wechat plain")
            r = post_safe(client, wechat_xml(text or "你好", openid, str(8_000_000 + n)))
            assert r.status_code == 200, r.text
            reply = open_envelope(r.text)
            assert reply["ToUserName"] == openid      # the protocol addresses the reply to the sender
            check(raw, openid, reply["Content"], "/wechat safe")
            r = post_plain(client, wechat_xml("试用期最长几个月" + text, openid, None))
            check(raw, openid, r.text.replace(openid, ""), "/wechat (no MsgId)", openid_allowed=True)

        return run

    for kind in sorted(PII_FORMS):   # every kind of identifier, each in generated written forms
        one_kind(kind)()

    # -- every table, every row, every column ------------------------------------------------
    store = get_assistant().store
    rows_scanned, tables = 0, {}
    with store.engine.connect() as conn:
        meta = sa.MetaData()
        meta.reflect(bind=conn)
        for table in meta.sorted_tables:
            rows = conn.execute(sa.select(table)).fetchall()
            tables[table.name] = len(rows)
            for row in rows:
                rows_scanned += 1
                blob = json.dumps([str(v) for v in row], ensure_ascii=False)
                for raw, _written, _form in sent:
                    assert not leaks(raw, blob), f"table {table.name} holds {raw!r}: {blob[:300]}"
                for openid in openids:
                    assert openid not in blob, f"table {table.name} holds an OpenID"
    assert tables["conversations"] >= 4 * len(sent) and tables["feedback"] == len(sent)
    assert tables["wechat_messages"] == 3 * len(sent)

    # -- every log line ----------------------------------------------------------------------------
    for line in logs.lines:
        for raw, _written, _form in sent:
            assert not leaks(raw, line), f"log line holds {raw!r}: {line[:300]}"
        for openid in openids:
            assert openid not in line

    report = {"examples": len(sent), "pii_forms_tried": sorted({f for _r, _w, f in sent}),
              "pii_kinds": sorted({f.split("/")[0] for _r, _w, f in sent}), "responses_checked": responses["count"],
              "rows_scanned": rows_scanned, "rows_by_table": tables, "log_lines_scanned": len(logs.lines)}
    (artifacts_dir / "pii-scan.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "pii_forms_tried"}, ensure_ascii=False))
    assert len(report["pii_kinds"]) == len(PII_FORMS)
