"""`policydesk bench --library DIR --json` keeps the contract of issue 16 (checked from
outside by its keys), here on the 40-file fixture with a tiny sample."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "library"
CONTRACT = ("documents", "articles", "chunks", "lexical_build_s", "embed_vectors_per_s_bare",
            "ingest_vectors_per_s", "dense_subset_chunks", "search_p50_ms", "search_p95_ms", "ask_p50_ms",
            "embed_query_ms", "peak_rss_mb", "projected_full_dense_s", "traps_passed", "traps_total")

pytestmark = pytest.mark.slow


def test_the_library_bench_prints_the_contract_keys(built_home):
    # built_home filled the session's vector cache with the corpus's clause vectors
    pytest.importorskip("ray", reason="the scale extra (ray[data]) is part of `make test`")
    result = CliRunner().invoke(cli, ["bench", "--library", str(FIXTURE), "--dense-limit", "32", "--sample", "16",
                                      "--workers-list", "1", "--repeats", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    missing = [k for k in CONTRACT if k not in data]
    assert not missing, missing
    assert data["library_documents"] > 20 and data["chunks"] > data["articles"] > 0
    assert set(data["ingest_vectors_per_s"]) == {"1"} and data["ingest_vectors_per_s"]["1"] > 0
    assert data["embed_vectors_per_s_bare"] > 0 and data["dense_subset_chunks"] == 32
    assert data["clause_vectors_embedded"] == 0        # from the caller's cache
    assert 0 < data["search_p50_ms"] <= data["search_p95_ms"]
    assert data["traps_total"] >= 20 and 0 <= data["traps_passed"] <= data["traps_total"]
    assert data["projected_full_dense_s"] > 0
