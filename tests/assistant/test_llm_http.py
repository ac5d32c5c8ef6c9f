"""The optional model through a real HTTP server speaking the OpenAI chat protocol
(FastAPI + uvicorn on 127.0.0.1, started by the test): the guard keeps what is faithful,
however short, and throws away what is wrong or unsupported."""
import socket
import threading
import time
from datetime import date

import pytest
import uvicorn
from fastapi import FastAPI, Request

from assistant.service import Assistant, get_assistant
from assistant.services import Services
from policydesk.settings import get_settings

QUESTION = "爱心消费券每人多少钱"
TODAY = date(2023, 1, 10)


class ChatServer:
    """POST /v1/chat/completions answers with the queued replies, in order, and keeps
    every request it got."""

    def __init__(self):
        self.replies: list[str] = []
        self.requests: list[dict] = []
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def completions(request: Request):
            body = await request.json()
            self.requests.append(body)
            # a calculator-choosing call (with tools) gets no tool call; a rewrite its reply
            content = "" if body.get("tools") else (self.replies.pop(0) if self.replies else "")
            return {"id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion",
                    "created": int(time.time()), "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        assert self.server.started, "the fake chat server did not start"
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def chat_server():
    with ChatServer() as server:
        yield server


@pytest.fixture
def ask(indexed_home, chat_server, monkeypatch):
    monkeypatch.setenv("POLICYDESK_LLM_BASE_URL", f"http://127.0.0.1:{chat_server.port}/v1")
    monkeypatch.setenv("POLICYDESK_LLM_MODEL", "local-test-model")
    monkeypatch.setenv("POLICYDESK_LLM_TIMEOUT", "10")

    def ask(reply: str):
        chat_server.replies[:] = [reply]
        settings = get_settings()
        assistant = Assistant(settings, Services(settings, searcher=get_assistant().searcher))
        return assistant.ask(QUESTION, today=TODAY, log=False)
    return ask


def plain():
    return get_assistant().ask(QUESTION, today=TODAY, log=False)


def test_the_model_is_asked_over_http_with_the_deterministic_answer(ask, chat_server):
    deterministic = plain()
    n = len(chat_server.requests)
    ask("发放标准为每人1500元。[1]")
    request = next(r for r in chat_server.requests[n:] if not r.get("tools"))
    assert request["model"] == "local-test-model"
    roles = [m["role"] for m in request["messages"]]
    assert roles[0] == "system" and "user" in roles
    assert deterministic.answer.splitlines()[0] in request["messages"][-1]["content"]


def test_a_faithful_shorter_rewrite_is_kept(ask):
    answer = ask("根据规定，发放标准为每人1500元。[1]")
    assert answer.llm["accepted"] is True, answer.llm["reason"]
    assert answer.answer == "根据规定，发放标准为每人1500元。[1]"


def test_a_faithful_rewrite_without_markers_is_kept_and_cited(ask):
    answer = ask("发放标准为每人1500元。")
    assert answer.llm["accepted"] is True, answer.llm["reason"]
    assert answer.answer.startswith("发放标准为每人1500元[")   # the marker is put back
    assert "1500" in answer.citations[0]["quote"] or any("1500" in c["quote"] for c in answer.citations)


@pytest.mark.parametrize("reply,why", [
    ("根据规定，发放标准为每人2000元。[1]", "数字无依据"),
    ("发放标准为每人1500元。[9]", "无对应引文"),
    ("请以当地民政部门的通知为准。[1]", "答案中的数字被删去"),
])
def test_a_wrong_or_unsupported_rewrite_is_discarded(ask, reply, why):
    deterministic = plain()
    answer = ask(reply)
    assert answer.llm["accepted"] is False and why in answer.llm["reason"]
    assert answer.answer == deterministic.answer and "2000" not in answer.answer
