"""Fixtures for ingestion tests: temporary corpus folders built from the seed page.

The search index (chunks, BM25, vectors) is another module's job; here it is replaced by a
recorder so each ingest takes milliseconds. One test in test_cli.py runs the real thing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from policydesk.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "sources" / "2022-12-30_shanxi-newspaper-page_employment-relief.txt"
SEED_IDS = ["unemployment-pooling-2023", "entrepreneurship-action-2022", "love-vouchers-2022",
            "court-stable-employment-2022"]


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def search_index_calls(monkeypatch):
    """Replace retrieval.indexing.build_search_index by a recorder of its calls."""
    import retrieval.ingest as ingest

    calls: list[dict] = []

    def fake_build(documents, out_dir, settings, previous_dir, progress, corpus_dir=None):
        calls.append({"doc_ids": [d.doc_id for d in documents], "out_dir": Path(out_dir),
                      "previous_dir": previous_dir})
        (Path(out_dir) / "search-index.marker").write_text("built", encoding="utf-8")

    monkeypatch.setattr(ingest, "build_search_index", fake_build)
    return calls


@pytest.fixture
def settings(temp_home, search_index_calls) -> Settings:
    return Settings.from_env()


def seed_catalog(file: str = "sources/seed.txt", **overrides) -> dict:
    """The real catalog's entries, pointed at ``file``."""
    data = yaml.safe_load((ROOT / "corpus" / "catalog.yaml").read_text(encoding="utf-8"))
    for entry in data["articles"]:
        entry["file"] = file
        entry.update(overrides)
    return data


@pytest.fixture
def make_corpus(tmp_path):
    """make_corpus(files={"sources/x.txt": str|bytes}, catalog=dict|str|None) -> corpus dir."""
    counter = {"n": 0}

    def make(files: dict[str, str | bytes] | None = None, catalog=None, with_seed: bool = True) -> Path:
        counter["n"] += 1
        corpus = tmp_path / f"corpus{counter['n']}"
        (corpus / "sources").mkdir(parents=True)
        if with_seed:
            shutil.copy(SEED, corpus / "sources" / "seed.txt")
            shutil.copy(ROOT / "corpus" / "regions.yaml", corpus / "regions.yaml")  # default region 山西
        for rel, content in (files or {}).items():
            path = corpus / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if catalog is None and with_seed:
            catalog = seed_catalog()
        if catalog is not None:
            text = catalog if isinstance(catalog, str) else yaml.safe_dump(catalog, allow_unicode=True)
            (corpus / "catalog.yaml").write_text(text, encoding="utf-8")
        return corpus

    return make
