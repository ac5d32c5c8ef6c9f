"""A home with the project corpus plus the 40-file library fixture, indexed once per session
(lexical only: selection by region and version does not need vectors)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "library"


@pytest.fixture(scope="session")
def library_home(tmp_path_factory):
    from policydesk.settings import Settings
    from retrieval.library_ingest import ingest_library
    from retrieval.parallel import LocalExecutor

    home = tmp_path_factory.mktemp("library-home")
    old = {k: os.environ.get(k) for k in ("POLICYDESK_HOME", "POLICYDESK_CORPUS")}
    os.environ["POLICYDESK_HOME"] = str(home)
    os.environ["POLICYDESK_CORPUS"] = str(ROOT / "corpus")
    try:
        report = ingest_library(Settings.from_env(), FIXTURE, dense=False, executor=LocalExecutor(),
                                progress=False)
        assert report.ok and report.library_documents > 20, report.to_dict()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return home


@pytest.fixture
def library(library_home, monkeypatch):
    """Point this test at the library home (read-only use)."""
    from assistant.service import reset_assistant

    monkeypatch.setenv("POLICYDESK_HOME", str(library_home))
    reset_assistant()
    yield library_home
    reset_assistant()
