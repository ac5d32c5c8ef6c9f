"""Shared fixtures: every test gets its own POLICYDESK_HOME; the real corpus is ingested
once per session into a read-only home that read-only tests may point at."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.service import reset_assistant

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "sources" / "2022-12-30_shanxi-newspaper-page_employment-relief.txt"
ARTIFACTS = ROOT / "test-artifacts"
# Vectors are shared by every build of a test session and across sessions (the corpus with
# the statutes takes minutes to embed cold): the developer's POLICYDESK_EMBED_CACHE when
# set, else a folder under the project's (git-ignored) .policydesk/.
EMBED_CACHE = os.environ.get("POLICYDESK_EMBED_CACHE") or str(ROOT / ".policydesk" / "embed-cache")

# Tests must never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _clear_policydesk_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("POLICYDESK_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def temp_home(tmp_path, monkeypatch):
    """A fresh, empty POLICYDESK_HOME for each test (no index)."""
    _clear_policydesk_env(monkeypatch)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("POLICYDESK_HOME", str(home))
    monkeypatch.setenv("POLICYDESK_CORPUS", str(ROOT / "corpus"))
    monkeypatch.setenv("POLICYDESK_EMBED_CACHE", EMBED_CACHE)
    _reset_caches()
    yield home
    _reset_caches()


def _reset_caches():
    reset_assistant()


@pytest.fixture(scope="session")
def built_home(tmp_path_factory):
    """A home with the real corpus ingested once for the whole session. Treat as read-only."""
    from policydesk.settings import Settings
    from retrieval.ingest import ingest_corpus

    from dataclasses import replace

    home = tmp_path_factory.mktemp("built-home")
    old = os.environ.get("POLICYDESK_HOME")
    os.environ["POLICYDESK_HOME"] = str(home)
    try:
        settings = replace(Settings.from_env(), embed_cache=Path(EMBED_CACHE), corpus_dir=ROOT / "corpus")
        report = ingest_corpus(settings, ROOT / "corpus", progress=False)
        assert report.ok, report.to_dict()
    finally:
        if old is None:
            os.environ.pop("POLICYDESK_HOME", None)
        else:
            os.environ["POLICYDESK_HOME"] = old
    return home


@pytest.fixture
def indexed_home(built_home, monkeypatch):
    """Point this test at the session's ingested index (read-only use)."""
    monkeypatch.setenv("POLICYDESK_HOME", str(built_home))
    _reset_caches()
    return built_home


@pytest.fixture
def writable_indexed_home(built_home, tmp_path, monkeypatch):
    """A private copy of the ingested index, for tests that write (database, feedback, FAQ)."""
    home = tmp_path / "home-copy"
    shutil.copytree(built_home, home)
    monkeypatch.setenv("POLICYDESK_HOME", str(home))
    _reset_caches()
    return home


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every dependency is installed by `make test`, so a skipped test is a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where `make test` installs every dependency: {report.longrepr}"

