"""`policydesk eval FILE.yaml`: run a question set through the assistant (search and ask,
exactly as interfaces call them) and score it. Format and metrics:
../shared/eval/README.md.

Only focused evidence counts: a search passage longer than 300 characters, or an answer
citation whose quote is longer than 200, is a miss even if it contains the quote.

Answer form (over the evidence cases answered): ``first_citation_hit`` (the first
citation's quote holds the evidence), ``first_line_hit`` (the first non-empty line of the
answer holds it), ``answer_line_mean``/``answer_line_max`` (characters of that line) and
``reply_chars_mean`` — the characters a citizen sees before 展开 (render.shown_text: the
blocks not marked ``more``, with the follow-up question).

A dialog set (items with ``turns``) goes through the HTTP API with one session id per
dialog: the app in this process by default, or a running ``policydesk serve`` (``url``).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import yaml

from api.app import create_app
from assistant import render
from assistant.service import get_assistant
from policydesk.dates import parse_day
from policydesk.errors import InputError
from policydesk.settings import get_settings

MAX_PASSAGE_CHARS = 300
MAX_QUOTE_CHARS = 200
_WS = re.compile(r"\s+")


def _squash(text) -> str:
    return _WS.sub("", str(text or ""))


def _read_set(path) -> list:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取问题集 {path}：{exc}", f"cannot read question set {path}: {exc}",
                         field="file") from exc
    if not isinstance(data, list):
        raise InputError(f"问题集 {path} 应是一个列表", f"question set {path} must be a YAML list", field="file")
    return data


def is_dialog_set(path) -> bool:
    data = _read_set(path)
    return bool(data) and all(isinstance(item, dict) and "turns" in item for item in data)


TURN_EXPECTATIONS = ("answer_contains_any", "follow_up", "declined")


def load_dialogs(path) -> list[dict]:
    """Dialogs: ``{id, today, turns: [{q, answer_contains_any? | follow_up? | declined?}]}``."""
    dialogs = []
    for i, item in enumerate(_read_set(path), 1):
        turns = item.get("turns") if isinstance(item, dict) else None
        if not isinstance(turns, list) or not turns:
            raise InputError(f"第 {i} 个对话缺少 turns", f"dialog {i} has no turns", field="file")
        dialog = {"id": str(item.get("id") or f"dialog{i}"), "turns": []}
        if item.get("today") is not None:
            dialog["today"] = parse_day(item["today"], field="today")
        for j, turn in enumerate(turns, 1):
            if not isinstance(turn, dict) or not str(turn.get("q") or "").strip():
                raise InputError(f"对话 {dialog['id']} 第 {j} 轮缺少 q", f"dialog {dialog['id']} turn {j} has no q",
                                 field="file")
            dialog["turns"].append(dict(turn))
        dialogs.append(dialog)
    return dialogs


def load_cases(path) -> list[dict]:
    data = _read_set(path)
    cases = []
    for i, case in enumerate(data, 1):
        if not isinstance(case, dict) or not case.get("question"):
            raise InputError(f"第 {i} 条缺少 question", f"case {i} has no question", field="file")
        kinds = [k for k in ("evidence", "no_answer", "answer_contains_any") if k in case]
        if len(kinds) != 1:
            raise InputError(f"第 {i} 条（{case.get('id', '')}）须且只能有一种期望：evidence / no_answer / "
                             f"answer_contains_any", f"case {i} must have exactly one expectation", field="file")
        case = dict(case)
        case.setdefault("id", f"case{i}")
        case["kind"] = kinds[0]
        if case.get("today") is not None:
            case["today"] = parse_day(case["today"], field="today")
        cases.append(case)
    return cases


def _as_dict(obj) -> dict:
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return dict(obj)


def _evidence_rank(evidence: str, passages: list[dict]) -> int | None:
    needle = _squash(evidence)
    for rank, p in enumerate(passages, 1):
        text = p.get("text", "")
        if len(text) <= MAX_PASSAGE_CHARS and needle in _squash(text):
            return rank
    return None


def _citation_hit(evidence: str, citations: list[dict]) -> bool:
    needle = _squash(evidence)
    for c in citations or []:
        quote = c.get("quote") or ""
        if quote and len(quote) <= MAX_QUOTE_CHARS and needle in _squash(quote):
            return True
    return False


def first_line(text: str) -> str:
    """The first non-empty line of an answer, whitespace removed."""
    for line in str(text or "").split("\n"):
        if line.strip():
            return _squash(line)
    return ""


def run_eval(path, k: int = 3, url: str | None = None) -> dict:
    """Score the question set at ``path``; returns the summary of shared/eval/README.md
    (plus per-case ``results`` and the timing). A dialog set goes through the HTTP API."""
    if is_dialog_set(path):
        return run_dialogs(path, url=url)
    cases = load_cases(path)
    assistant = get_assistant()
    k = max(1, int(k))
    results, failures = [], []
    started = time.perf_counter()
    for case in cases:
        q = str(case["question"])
        result = {"id": case["id"], "question": q, "kind": case["kind"]}
        answer = _as_dict(assistant.ask(q, today=case.get("today"), log=False))
        declined = bool(answer.get("declined"))
        citations = answer.get("citations") or []
        result.update(declined=declined, answer=answer.get("answer", ""))
        if case["kind"] == "evidence":
            passages = _as_dict(assistant.search(q, k=k)).get("passages", [])
            rank = _evidence_rank(case["evidence"], passages)
            hit = (not declined) and _citation_hit(case["evidence"], citations)
            line = first_line(answer.get("answer", ""))
            result.update(rank=rank, citation_hit=hit, passed=bool(rank == 1 and hit),
                          first_citation_hit=(not declined) and _citation_hit(case["evidence"], citations[:1]),
                          first_line=line, first_line_hit=(not declined) and _squash(case["evidence"]) in line,
                          reply_chars=len(render.shown_text(answer)))
            if not hit or rank is None or rank > min(3, k):
                why = []
                if rank is None or rank > min(3, k):
                    why.append(f"证据不在前{min(3, k)}段" + (f"（第{rank}段）" if rank else ""))
                if declined:
                    why.append("误拒答")
                elif not hit:
                    why.append("回答引文未含证据")
                failures.append({"id": case["id"], "question": q, "kind": "evidence",
                                 "expected": case["evidence"], "rank": rank, "declined": declined,
                                 "reason": "；".join(why),
                                 "got": [c.get("quote", "")[:80] for c in citations][:3]})
        elif case["kind"] == "no_answer":
            ok = declined and not citations
            result["passed"] = ok
            if not ok:
                failures.append({"id": case["id"], "question": q, "kind": "no_answer",
                                 "reason": "应拒答却作答" if not declined else "拒答但附了引文",
                                 "got": answer.get("answer", "")[:120]})
        else:
            wanted = [str(x) for x in case["answer_contains_any"]]
            text = str(answer.get("answer", ""))
            ok = any(w in text for w in wanted)
            result["passed"] = ok
            if not ok:
                failures.append({"id": case["id"], "question": q, "kind": "answer_contains_any",
                                 "expected": wanted, "reason": "回答未含期望内容", "got": text[:160]})
        results.append(result)

    ev = [r for r in results if r["kind"] == "evidence"]
    na = [r for r in results if r["kind"] == "no_answer"]
    ac = [r for r in results if r["kind"] == "answer_contains_any"]

    def frac(n, d):
        return round(n / d, 4) if d else None

    answered = [r for r in ev if not r["declined"]]
    lines = [len(r["first_line"]) for r in answered]

    return {
        "file": str(path),
        "k": k,
        "cases": len(results),
        "evidence_cases": len(ev),
        "no_answer_cases": len(na),
        "answer_cases": len(ac),
        "recall_at_1": frac(sum(1 for r in ev if r["rank"] == 1), len(ev)),
        "recall_at_3": frac(sum(1 for r in ev if r["rank"] is not None and r["rank"] <= min(3, k)), len(ev)),
        "recall_at_k": frac(sum(1 for r in ev if r["rank"] is not None), len(ev)),
        "mrr": frac(sum(1.0 / r["rank"] for r in ev if r["rank"]), len(ev)),
        "answer_citation_hit": frac(sum(1 for r in ev if r["citation_hit"]), len(ev)),
        "false_decline_rate": frac(sum(1 for r in ev if r["declined"]), len(ev)),
        "no_answer_accuracy": frac(sum(1 for r in na if r["passed"]), len(na)),
        "answer_accuracy": frac(sum(1 for r in ac if r["passed"]), len(ac)),
        "first_citation_hit": frac(sum(1 for r in answered if r["first_citation_hit"]), len(answered)),
        "first_line_hit": frac(sum(1 for r in answered if r["first_line_hit"]), len(answered)),
        "answer_line_mean": round(sum(lines) / len(lines), 1) if lines else None,
        "answer_line_max": max(lines) if lines else None,
        "reply_chars_mean": round(sum(r["reply_chars"] for r in answered) / len(answered), 1) if answered else None,
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 2),
        "results": results,
    }


# -- dialogs ----------------------------------------------------------------------------------
class _ApiClient:
    """POST /api/ask, to the app in this process (rate limits off) or to a running server."""

    def __init__(self, url: str | None = None):
        if url:
            import httpx

            self._client = httpx.Client(base_url=url.rstrip("/"), timeout=60.0)
        else:
            from dataclasses import replace

            from fastapi.testclient import TestClient

            settings = replace(get_settings(), rate_limit_ip=0)
            self._client = TestClient(create_app(settings, warm_up=False))

    def ask(self, question: str, session_id: str, today) -> dict:
        body = {"question": question, "session_id": session_id}
        if today is not None:
            body["today"] = today.isoformat()
        response = self._client.post("/api/ask", json=body)
        if response.status_code != 200:
            return {"answer": "", "declined": False, "citations": [], "http_status": response.status_code,
                    "error": response.text[:200]}
        return response.json()

    def close(self) -> None:
        self._client.close()


def turn_problems(turn: dict, answer: dict) -> list[str]:
    """What a turn expected and did not get (empty = the turn passes)."""
    problems = []
    if answer.get("http_status"):
        return [f"HTTP {answer['http_status']}"]
    text = str(answer.get("answer") or "")
    declined = bool(answer.get("declined"))
    if turn.get("declined") and not declined:
        problems.append("应拒答却作答")
    if not turn.get("declined") and declined:
        problems.append("误拒答")
    if turn.get("follow_up") and not answer.get("follow_up"):
        problems.append("应追问缺失信息")
    wanted = turn.get("answer_contains_any")
    if wanted and not any(str(w) in text for w in wanted):
        problems.append("回答未含期望内容")
    return problems


def run_dialogs(path, url: str | None = None) -> dict:
    """Every dialog through POST /api/ask with its own session id; a dialog passes when
    every turn meets its expectations."""
    import uuid

    dialogs = load_dialogs(path)
    client = _ApiClient(url)
    results, failures = [], []
    started = time.perf_counter()
    try:
        for dialog in dialogs:
            session = f"eval-{dialog['id']}-{uuid.uuid4().hex[:8]}"
            turns = []
            for n, turn in enumerate(dialog["turns"], 1):
                answer = client.ask(str(turn["q"]), session, dialog.get("today"))
                problems = turn_problems(turn, answer)
                turns.append({"q": turn["q"], "answer": answer.get("answer", ""), "problems": problems,
                              "status": answer.get("status")})
                if problems:
                    failures.append({"id": f"{dialog['id']}#{n}", "question": turn["q"], "kind": "dialog",
                                     "expected": turn.get("answer_contains_any") or "",
                                     "reason": "；".join(problems), "got": str(answer.get("answer") or "")[:160]})
            results.append({"id": dialog["id"], "passed": not any(t["problems"] for t in turns), "turns": turns})
    finally:
        client.close()
    n_turns = sum(len(r["turns"]) for r in results)
    return {
        "file": str(path),
        "cases": len(results),
        "dialogs": len(results),
        "dialogs_passed": sum(1 for r in results if r["passed"]),
        "turns": n_turns,
        "turns_passed": sum(1 for r in results for t in r["turns"] if not t["problems"]),
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 2),
        "results": results,
    }


def print_summary(summary: dict) -> None:
    """One line per failing case, then the summary."""
    for f in summary.get("failures", []):
        expected = f.get("expected", "")
        if isinstance(expected, list):
            expected = " | ".join(expected)
        tail = f" 期望：{expected}" if expected else ""
        got = f.get("got")
        got = " / ".join(got) if isinstance(got, list) else (got or "")
        print(f"✗ {f['id']} [{f['kind']}] {f['question']} — {f['reason']}{tail}" + (f" 得到：{got}" if got else ""))

    def pct(key):
        value = summary.get(key)
        return "—" if value is None else f"{value:.3f}"

    if "dialogs" in summary:
        print(f"共 {summary['dialogs']} 段对话（{summary['turns']} 轮），通过 {summary['dialogs_passed']} 段、"
              f"{summary['turns_passed']} 轮，用时 {summary.get('seconds', 0)}s")
        return

    print(f"共 {summary['cases']} 题（证据 {summary['evidence_cases']}，拒答 {summary['no_answer_cases']}，"
          f"计算 {summary['answer_cases']}），失败 {len(summary.get('failures', []))}，用时 {summary.get('seconds', 0)}s")
    print(f"recall@1 {pct('recall_at_1')}  recall@3 {pct('recall_at_3')}  MRR {pct('mrr')}  "
          f"answer_citation_hit {pct('answer_citation_hit')}  false_decline_rate {pct('false_decline_rate')}  "
          f"no_answer_accuracy {pct('no_answer_accuracy')}  answer_accuracy {pct('answer_accuracy')}")

    def num(key):
        value = summary.get(key)
        return "—" if value is None else f"{value}"

    print(f"first_citation_hit {pct('first_citation_hit')}  first_line_hit {pct('first_line_hit')}  "
          f"answer_line_mean {num('answer_line_mean')}  answer_line_max {num('answer_line_max')}  "
          f"reply_chars_mean {num('reply_chars_mean')}")
