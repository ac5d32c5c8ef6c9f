"""The committed OpenAPI schema (api/openapi.json) is what the app serves; regenerate with
`python -m api.app` after changing the API on purpose."""
from __future__ import annotations

import json

from api.app import OPENAPI_FILE, openapi_text


def test_committed_schema_matches_the_app():
    assert OPENAPI_FILE.read_text(encoding="utf-8") == openapi_text(), \
        "API changed: run `python -m api.app` and commit api/openapi.json"


def test_schema_documents_the_contract(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/ask", "/api/search", "/api/calculators/{name}", "/api/feedback", "/healthz"} <= set(paths)
    ask = schema["components"]["schemas"]["AskRequest"]
    assert ask["required"] == ["question"] and {"session_id", "today"} <= set(ask["properties"])
    for code in ("400", "422", "429"):
        assert code in paths["/api/ask"]["post"]["responses"]
    assert "404" in paths["/api/calculators/{name}"]["post"]["responses"]
    assert client.get("/docs").status_code == 200


def test_committed_schema_is_valid_json_with_chinese_descriptions():
    schema = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    assert "民生政策助手" in schema["info"]["title"]


def test_docs_page_needs_no_cdn(client):
    page = client.get("/docs").text
    assert "cdn." not in page and "/docs-assets/swagger-ui-bundle.js" in page
    js = client.get("/docs-assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
