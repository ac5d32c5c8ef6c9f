"""widget.js and the H5 page's inline scripts must run in old WeChat WebViews: ES5 syntax
only, no newer built-ins, small, and nothing fetched from third parties."""
from __future__ import annotations

import re

import esprima
import pytest

from fastapi.testclient import TestClient

from api.app import STATIC, create_app
from policydesk.settings import get_settings

# esprima-python parses ES2017 whatever ecmaVersion says, so ES5 is enforced on the tree.
ES6_NODES = {"ArrowFunctionExpression", "ClassDeclaration", "ClassExpression", "TemplateLiteral",
             "TaggedTemplateExpression", "SpreadElement", "RestElement", "ObjectPattern", "ArrayPattern",
             "AssignmentPattern", "ForOfStatement", "YieldExpression", "AwaitExpression", "MetaProperty",
             "Super", "ImportDeclaration", "ExportNamedDeclaration", "ExportDefaultDeclaration"}
FORBIDDEN_APIS = [r"\?\.", r"\?\?", r"Object\.hasOwn\b", r"\.replaceAll\(", r"AbortSignal\.timeout",
                  r"\bPromise\b", r"\bfetch\(", r"\.includes\(", r"Array\.from\b", r"Object\.assign\b",
                  r"\.startsWith\(", r"\.endsWith\(", r"\bSymbol\b", r"\bMap\(", r"\bSet\(", r"document\.cookie"]


def es5_violations(source: str) -> list[str]:
    problems = []

    def visit(node):
        if isinstance(node, list):
            for n in node:
                visit(n)
            return
        if not hasattr(node, "__dict__"):
            return
        fields = vars(node)
        kind = fields.get("type")
        if kind in ES6_NODES:
            problems.append(kind)
        if kind == "VariableDeclaration" and node.kind != "var":
            problems.append(node.kind)
        if kind in ("FunctionDeclaration", "FunctionExpression") and (node.generator or node.isAsync):
            problems.append("generator/async function")
        if kind == "Property" and (node.shorthand or node.method or node.computed):
            problems.append("ES6 object literal property")
        for value in fields.values():
            if isinstance(value, list) or hasattr(value, "__dict__"):
                visit(value)

    try:
        tree = esprima.parseScript(source, {"ecmaVersion": 5})
    except esprima.Error as exc:
        return [f"syntax: {exc}"]
    visit(tree)
    return problems


def forbidden_apis(source: str) -> list[str]:
    code = re.sub(r"/\*.*?\*/|^\s*//.*$", "", source, flags=re.S | re.M)  # comments may mention them
    return [p for p in FORBIDDEN_APIS if re.search(p, code)]


@pytest.mark.parametrize("snippet, expected", [
    ("let a = 1;", "let"), ("const a = 1;", "const"), ("var f = (x) => x;", "ArrowFunctionExpression"),
    ("var s = `hi`;", "TemplateLiteral"), ("class A {}", "ClassDeclaration"), ("var {a} = o;", "ObjectPattern"),
    ("function f(a = 1) {}", "AssignmentPattern"), ("var o = {a};", "ES6 object literal property"),
    ("for (var x of y) {}", "ForOfStatement"), ("async function f() {}", "generator/async function"),
    ("(function () { if (x) { g(function () { let deep = 1; }); } })();", "let"),
    ("var o = a?.b;", "syntax"), ("var c = a ?? b;", "syntax"),
])
def test_the_checker_rejects_newer_syntax(snippet, expected):
    assert any(expected in p for p in es5_violations(snippet)), es5_violations(snippet)


def test_the_checker_accepts_plain_es5_and_flags_newer_apis():
    assert es5_violations("var a = [1, 2]; function f(x) { return x + 1; } var o = {a: 1};") == []
    assert forbidden_apis("x.replaceAll('a', 'b'); Object.hasOwn(o, 'k'); AbortSignal.timeout(5);") == [
        r"Object\.hasOwn\b", r"\.replaceAll\(", r"AbortSignal\.timeout"]


def served(path: str) -> str:
    """What the server sends: the static files with the hotline, topics and limits filled in."""
    with TestClient(create_app(get_settings(), get_assistant=lambda: None, warm_up=False)) as client:
        response = client.get(path)
    assert response.status_code == 200
    return response.text


def h5_inline_scripts() -> list[str]:
    return re.findall(r"<script>(.*?)</script>", served("/h5"), flags=re.S)


def test_widget_js_is_es5_without_newer_apis():
    source = served("/widget.js")
    assert "{{" not in source and "parseInt('500', 10)" in source and "12333" in source
    assert es5_violations(source) == []
    assert forbidden_apis(source) == []


def test_h5_inline_scripts_are_es5_without_newer_apis():
    scripts = h5_inline_scripts()
    assert len(scripts) == 2
    for source in scripts:
        assert es5_violations(source) == []
        assert forbidden_apis(source) == []


def test_sizes_stay_under_30_kb():
    assert len(served("/widget.js").encode("utf-8")) < 30 * 1024
    assert len(served("/h5").encode("utf-8")) < 30 * 1024


def test_no_iframe_and_no_third_party_urls():
    for text in [(STATIC / "widget.js").read_text(encoding="utf-8"), (STATIC / "h5.html").read_text(encoding="utf-8")]:
        assert "<iframe" not in text.lower() and "createElement('iframe')" not in text
        assert not re.search(r"https?://(?!HOST)", re.sub(r"/\*.*?\*/", "", text, flags=re.S))
