"""Fixtures for the HTTP surfaces: a fake assistant for protocol-level tests (fast, no
index), and real `policydesk serve` processes against the session's ingested index."""
from __future__ import annotations

import shutil
import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cli.loadtest import ServerProcess
from assistant.answer import ANSWERED, Answer
from assistant.store import Store
from policydesk.settings import get_settings

CITATION = {"doc_id": "love-vouchers-2022", "title": "爱心消费券", "publisher": "山西日报",
            "date": "2022-12-30", "quote": "每人1500元"}


class FakeAssistant:
    """Answers every question the same way after ``delay`` seconds; records calls; logs to
    a real Store like the real assistant does."""

    def __init__(self, store: Store, delay: float = 0.0, text: str = "特困人员每人可领1500元爱心消费券。"):
        self.store = store
        self.delay = delay
        self.text = text
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def ask(self, question, *, session_id=None, today=None, channel="cli", log=True):
        with self.lock:
            self.calls.append({"question": question, "session_id": session_id, "channel": channel})
        if self.delay:
            time.sleep(self.delay)
        answer = Answer(question=question, session_id=session_id)
        answer.finish(ANSWERED, self.text, citations=[dict(CITATION)])
        if log:
            self.store.log_answer(answer.to_dict(), channel=channel)
        return answer

    def search(self, q, k=5):
        return {"query": q, "passages": []}

    def calculate(self, name, inputs):
        return {"name": name, "inputs": inputs}


@pytest.fixture
def store(temp_home):
    s = Store(f"sqlite:///{temp_home / 'test.sqlite3'}")
    yield s
    s.dispose()


@pytest.fixture
def fake(store):
    return FakeAssistant(store)


@pytest.fixture
def make_client(fake, monkeypatch):
    """make_client(**env) → TestClient over an app built with these POLICYDESK_* settings."""
    clients = []

    def make(sender=None, **env):
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        app = create_app(get_settings(), get_assistant=lambda: fake, sender=sender, warm_up=False)
        client = TestClient(app)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def real_client(writable_indexed_home):
    """The real assistant over the ingested corpus, in-process."""
    from assistant.service import get_assistant

    app = create_app(get_settings(), get_assistant=get_assistant, warm_up=False)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def served_home(built_home, tmp_path_factory):
    """A private copy of the ingested home for server processes (they write a database)."""
    home = tmp_path_factory.mktemp("served") / "home"
    shutil.copytree(built_home, home)
    return home


@pytest.fixture
def serve(tmp_path):
    """serve(home, workers=1, **env) → a started ServerProcess, stopped after the test."""
    servers = []

    def start(home, workers=1, **env):
        server = ServerProcess(home, workers=workers, env=env, log_path=tmp_path / f"serve-{len(servers)}.log")
        servers.append(server)
        return server.start()

    yield start
    for s in servers:
        s.stop()
