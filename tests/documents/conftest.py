"""Fixtures for document management: a staff account in a private copy of the ingested
index, and sample policy files (a notice that is not in the corpus, as TXT, DOCX and PDF)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # doc_samples

STAFF_USER = "wang.clerk"
STAFF_PASSWORD = "clerk-test-password"


def add_staff(username: str = STAFF_USER, password: str = STAFF_PASSWORD) -> None:
    from assistant.service import get_assistant
    from assistant.staff import StaffAccounts

    StaffAccounts(get_assistant().store).set_password(username, password)


@pytest.fixture
def docs_home(writable_indexed_home):
    """A private copy of the ingested corpus with a staff account."""
    add_staff()
    add_staff("zhao.clerk", STAFF_PASSWORD)
    return writable_indexed_home


@pytest.fixture
def api(docs_home):
    """A TestClient over the real app (real assistant, real index) signed in as a clerk."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    app = create_app(get_settings(), get_assistant=get_assistant, warm_up=False)
    with TestClient(app) as client:
        client.auth = (STAFF_USER, STAFF_PASSWORD)
        yield client
