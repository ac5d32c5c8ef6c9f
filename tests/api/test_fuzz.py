"""Fuzzing the HTTP surface in-process with Hypothesis, from the app's real OpenAPI schemas
and the real calculator fields: schema-valid values mixed with hostile ones (lone
surrogates, control characters, 400-digit numbers, NaN, far dates, nested junk, broken
JSON and bytes). Any 5xx, any exception text in a body, or an answer with status "error"
fails. The run is bounded (about 900 requests; POLICYDESK_FUZZ_SCALE multiplies it) and
its figures go to test-artifacts/fuzz-report.json."""
from __future__ import annotations

from decimal import Decimal

import json
import os
import re
import time

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st

from api.messages import WECHAT_ERROR
from tests.api.test_wechat_callback import WECHAT_ENV, post_plain, post_safe

SCALE = float(os.environ.get("POLICYDESK_FUZZ_SCALE", "1"))
EXCEPTION_TEXT = re.compile(r"Traceback|File \"|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\bline \d+, in\b")
STATS = {"requests": 0, "by_endpoint": {}, "status": {}, "5xx": 0, "failures": []}


def _examples(n: int) -> int:
    return max(5, int(n * SCALE))


# -- hostile values ---------------------------------------------------------------------------
SPECIAL_TEXT = st.sampled_from([
    "\ud800", "a\udc80b", "\x00", "\x1b[31m", "\u202e", "\ufffe", "1" * 400, "9" * 309, "-5", "-0", "1e400",
    "NaN", "Infinity", "９９９９-０６-３０", "9999-06-30", "0001-01-15", "1949-12-31", "2100-01-01", "2023-02-30",
    "一千五百元", "缴了-5年", "负三年", "![](https://x.example/p.png)", "[点此](https://evil.example)",
    "<script>alert(1)</script>", "]]><xml>", "%00", "../../etc/passwd", "${jndi:x}", "{{7*7}}", "' OR 1=1 --",
    "问" * 501, "爱心消费券每人多少钱", "试用期最长几个月", "tekun", "true", "是", "", " ", "\n",
])
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=60)
TEXT = st.one_of(SPECIAL_TEXT, ANY_TEXT, st.text(max_size=30))
NUMBER = st.one_of(st.integers(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
                   st.sampled_from([10 ** 400, -(10 ** 400), 2 ** 63, -1, 0, 1, 600, 601]),
                   st.floats(allow_nan=True, allow_infinity=True))
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JSON_VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(TEXT, inner, max_size=4)), max_leaves=8)


def _from_schema(schema: dict, components: dict):
    """A strategy for values that satisfy a JSON schema (the subset FastAPI emits)."""
    if "$ref" in schema:
        return _from_schema(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "anyOf" in schema:
        return st.one_of([_from_schema(s, components) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("pattern"):
            base = st.from_regex(schema["pattern"], fullmatch=True)
        else:
            base = st.text(max_size=min(schema.get("maxLength", 80), 80))
        if schema.get("maxLength"):
            base = base.filter(lambda s, n=schema["maxLength"]: len(s) <= n)
        return base
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(_from_schema(schema.get("items", {}), components), max_size=3)
    if kind == "object" and "properties" in schema:
        return _object(schema, components, hostile=False)
    return JSON_VALUE


def _object(schema: dict, components: dict, hostile: bool = True):
    """An object of the schema's properties, each schema-valid or (sometimes) hostile; a
    required property sometimes missing; sometimes an extra key."""
    props = schema.get("properties", {})
    required = set(schema.get("required", []))

    @st.composite
    def build(draw):
        out = {}
        for name, sub in props.items():
            if name not in required and draw(st.booleans()):
                continue
            if name in required and hostile and draw(st.integers(0, 19)) == 0:
                continue
            valid = _from_schema(sub, components)
            out[name] = draw(st.one_of(valid, JSON_VALUE, TEXT) if hostile else valid)
        if hostile and draw(st.integers(0, 9)) == 0:
            out[draw(TEXT)] = draw(JSON_VALUE)
        return out

    return build()


def _encode(draw, value) -> bytes:
    """JSON as a client might send it: ASCII-escaped (so lone surrogates travel), sometimes
    with NaN, sometimes cut short, sometimes not JSON at all."""
    mode = draw(st.integers(0, 19))
    if mode == 0:
        return draw(st.binary(max_size=80))
    text = json.dumps(value, ensure_ascii=True, allow_nan=True)
    if mode == 1:
        return text[: draw(st.integers(0, max(0, len(text) - 1)))].encode()
    return text.encode()


# -- the app under test -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_app(built_home, tmp_path_factory, artifacts_dir):
    import shutil

    from api.app import create_app
    from assistant.service import get_assistant, reset_assistant
    from policydesk.settings import get_settings

    home = tmp_path_factory.mktemp("fuzz") / "home"
    shutil.copytree(built_home, home)
    saved = {k: os.environ.get(k) for k in ("POLICYDESK_HOME", *WECHAT_ENV, "POLICYDESK_RATE_LIMIT_IP",
                                            "POLICYDESK_RATE_LIMIT_OPENID", "POLICYDESK_RATE_LIMIT_WECHAT_IP")}
    os.environ.update({"POLICYDESK_HOME": str(home), **WECHAT_ENV, "POLICYDESK_RATE_LIMIT_IP": "0",
                       "POLICYDESK_RATE_LIMIT_OPENID": "0", "POLICYDESK_RATE_LIMIT_WECHAT_IP": "0"})
    reset_assistant()
    app = create_app(get_settings(), get_assistant=get_assistant, warm_up=False)
    client = TestClient(app, raise_server_exceptions=False)
    started = time.monotonic()
    yield client
    STATS["seconds"] = round(time.monotonic() - started, 1)
    (artifacts_dir / "fuzz-report.json").write_text(json.dumps(STATS, ensure_ascii=False, indent=2), encoding="utf-8")
    print("\nfuzz:", json.dumps({k: v for k, v in STATS.items() if k != "failures"}, ensure_ascii=False))
    client.close()
    reset_assistant()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def temp_home():
    """The fuzz tests share one module-wide home (see fuzz_app) instead of one per test."""
    yield None


def check(response, endpoint: str) -> None:
    STATS["requests"] += 1
    STATS["by_endpoint"][endpoint] = STATS["by_endpoint"].get(endpoint, 0) + 1
    code = str(response.status_code)
    STATS["status"][code] = STATS["status"].get(code, 0) + 1
    body = response.text
    problem = None
    if response.status_code >= 500:
        STATS["5xx"] += 1
        problem = "5xx"
    elif EXCEPTION_TEXT.search(body):
        problem = "exception text: " + EXCEPTION_TEXT.search(body).group(0)
    elif endpoint == "/api/ask" and response.status_code == 200 and response.json().get("status") == "error":
        problem = "answer with status error"
    elif endpoint == "/wechat" and WECHAT_ERROR in body:
        problem = "WeChat reply is the system-failure apology"
    elif 400 <= response.status_code < 500 and "application/json" in response.headers.get("content-type", ""):
        err = response.json().get("error", "")
        if not re.search(r"[\u4e00-\u9fff]", err):
            problem = "client error without a Chinese message"
    if problem:
        STATS["failures"].append({"endpoint": endpoint, "status": response.status_code, "problem": problem,
                                  "body": body[:300]})
    assert problem is None, f"{endpoint} → {response.status_code}: {problem}: {body[:500]}"


FUZZ = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


# -- the endpoints ------------------------------------------------------------------------------
def test_fuzz_ask(fuzz_app):
    from api.app import openapi_schema

    schema = openapi_schema()
    components = schema["components"]["schemas"]

    @settings(max_examples=_examples(150), **FUZZ)
    @given(data=st.data())
    def run(data):
        body = data.draw(_object(components["AskRequest"], components))
        check(fuzz_app.post("/api/ask", content=_encode(data.draw, body),
                            headers={"content-type": "application/json"}), "/api/ask")

    run()


def test_fuzz_feedback(fuzz_app):
    from api.app import openapi_schema

    components = openapi_schema()["components"]["schemas"]
    known = fuzz_app.post("/api/ask", json={"question": "爱心消费券每人多少钱"}).json()["id"]

    @settings(max_examples=_examples(100), **FUZZ)
    @given(data=st.data())
    def run(data):
        body = data.draw(_object(components["FeedbackRequest"], components))
        if data.draw(st.booleans()):
            body["answer_id"] = known
        check(fuzz_app.post("/api/feedback", content=_encode(data.draw, body),
                            headers={"content-type": "application/json"}), "/api/feedback")

    run()


def test_fuzz_search(fuzz_app):
    @settings(max_examples=_examples(100), **FUZZ)
    @given(q=st.one_of(TEXT, st.none()), k=st.one_of(st.none(), st.integers(-5, 50), TEXT))
    def run(q, k):
        params = {}
        if q is not None:
            params["q"] = q.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        if k is not None:
            params["k"] = str(k).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        check(fuzz_app.get("/api/search", params=params), "/api/search")

    run()


def _calculator_inputs():
    from calculators.registry import CALCULATORS

    @st.composite
    def build(draw):
        name = draw(st.one_of(st.sampled_from(sorted(CALCULATORS)), st.sampled_from(["loan_deferral", "pension"]),
                              st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_", min_size=1, max_size=12)))
        spec = CALCULATORS.get(name.replace("_", "-"))
        body = {}
        if spec is not None:
            for f in spec.fields:
                if draw(st.integers(0, 2)) == 0:
                    continue
                valid = {
                    "date": st.one_of(st.dates().map(lambda d: d.isoformat()),
                                      st.sampled_from(["2023-05-20", "2023年5月20日", "2023/5/20"])),
                    "int": st.one_of(st.integers(int(f.min or 0), int(f.max or 100)), st.integers().map(str)),
                    "float": st.one_of(st.floats(f.min or 0, f.max or 100), st.integers(-100, 1000)),
                    "money": st.one_of(st.floats(f.min or 0, f.max or 100), st.decimals(Decimal(str(f.min or 0)), Decimal(str(f.max or 100)),
                                                                                   places=2).map(str),
                                       st.sampled_from(["6000", "6000元", "1e3", "-1", "0.001"])),
                    "bool": st.one_of(st.booleans(), st.sampled_from(["是", "否", "true", "0", "maybe"])),
                    "choice": st.sampled_from([c.value for c in f.choices] + [c.label_zh for c in f.choices]),
                }[f.type]
                key = draw(st.sampled_from([f.name, f.name.replace("_", "-"), "--" + f.name.replace("_", "-")]))
                body[key] = draw(st.one_of(valid, SCALAR, JSON_VALUE))
                if f.type == "bool" and draw(st.integers(0, 4)) == 0:
                    body[draw(st.sampled_from([f"no_{f.name}", f"not_{f.name}", *f.false_aliases]))] = draw(SCALAR)
        if draw(st.integers(0, 9)) == 0:
            body[draw(TEXT)] = draw(JSON_VALUE)
        if draw(st.integers(0, 19)) == 0:
            body = draw(JSON_VALUE)
        return name, body

    return build()


def test_fuzz_calculators_with_the_real_field_names(fuzz_app):
    from urllib.parse import quote

    @settings(max_examples=_examples(300), **FUZZ)
    @given(data=st.data())
    def run(data):
        name, body = data.draw(_calculator_inputs())
        check(fuzz_app.post("/api/calculators/" + quote(name, safe=""), content=_encode(data.draw, body),
                            headers={"content-type": "application/json"}), "/api/calculators/{name}")

    run()


def test_fuzz_wechat_callback(fuzz_app):
    @settings(max_examples=_examples(120), **FUZZ)
    @given(data=st.data())
    def run(data):
        def cdata(t):
            return "<![CDATA[" + t.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("]]>", "") + "]]>"

        parts = {"ToUserName": cdata("gh_policydesk"), "FromUserName": cdata(data.draw(st.text(max_size=30))),
                 "CreateTime": str(data.draw(st.integers(-10, 10 ** 12))),
                 "MsgType": cdata(data.draw(st.sampled_from(["text", "event", "image", "voice", ""]))),
                 "Content": cdata(data.draw(TEXT)), "Event": cdata(data.draw(st.sampled_from(["subscribe", "x"]))),
                 "MsgId": str(data.draw(st.integers(0, 2 ** 64)))}
        keep = {k: v for k, v in parts.items() if data.draw(st.integers(0, 5)) > 0}
        xml = "<xml>" + "".join(f"<{k}>{v}</{k}>" for k, v in keep.items()) + "</xml>"
        mode = data.draw(st.integers(0, 9))
        if mode == 0:
            r = fuzz_app.post("/wechat?signature=x&timestamp=1&nonce=2", content=data.draw(st.binary(max_size=200)))
        elif mode < 4:
            r = post_safe(fuzz_app, xml)
        else:
            r = post_plain(fuzz_app, xml.encode("utf-8") if mode < 9 else data.draw(st.binary(max_size=300)))
        check(r, "/wechat")

    run()


def test_fuzz_any_path_and_method(fuzz_app):
    @settings(max_examples=_examples(100), **FUZZ)
    @given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
           path=st.one_of(st.sampled_from(["/api/ask", "/api/search", "/api/calculators", "/api/feedback", "/healthz",
                                           "/h5", "/widget.js", "/wechat", "/docs", "/openapi.json",
                                           "/docs-assets/index.html", "/docs-assets/../../etc/passwd"]),
                          st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/._-%", max_size=30).map(lambda p: "/" + p)),
           body=st.binary(max_size=100))
    def run(method, path, body):
        r = fuzz_app.request(method, path, content=body if method not in ("GET", "HEAD", "OPTIONS") else None)
        if method == "HEAD":
            STATS["requests"] += 1
            assert r.status_code < 500
            return
        check(r, method + " *")

    run()


def test_fuzz_found_nothing_and_reports_its_figures():
    assert STATS["requests"] >= 500 * min(1.0, SCALE) and STATS["5xx"] == 0 and not STATS["failures"]
