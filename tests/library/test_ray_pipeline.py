"""The library pipeline on Ray in local mode, on the 40-file fixture: parse in tasks, embed
in a pool of actors, write to Chroma in batches; a stopped or killed run resumes without
embedding anything twice; an unchanged library embeds nothing; a Chroma server works too."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import start_chroma_server, stop_process

from policydesk.settings import get_settings
from retrieval.library_ingest import EMBED_BATCH as CLI_BATCH
from retrieval.library_ingest import fill_vectors, ingest_library, open_shared_store, read_progress

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "library"
EMBED_BATCH = 16         # small batches keep these tests cheap
LIMIT = 4 * EMBED_BATCH  # chunks given vectors in these tests: several batches for two actors

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_executor():
    pytest.importorskip("ray", reason="the scale extra (ray[data]) is part of `make test`")
    from retrieval.parallel import RayExecutor

    executor = RayExecutor(2)
    yield executor
    executor.shutdown()


@pytest.fixture(autouse=True)
def no_shared_cache(monkeypatch):
    """These tests count what the actors embed: no vectors from the session's shared cache."""
    monkeypatch.delenv("POLICYDESK_EMBED_CACHE", raising=False)


def stored_ids(settings) -> list[str]:
    store = open_shared_store(settings)
    try:
        return store.collection.get(include=[])["ids"]
    finally:
        store.close()


def test_local_ray_listens_on_loopback_only_and_works_at_our_priority(ray_executor):
    psutil = pytest.importorskip("psutil")
    ray = ray_executor.ray
    worker = ray.get(ray.remote(lambda: os.getpid()).remote())     # a worker process up, too
    assert psutil.Process(worker).nice() == psutil.Process().nice()
    assert ray.util.get_node_ip_address() == "127.0.0.1"
    ours = {p.pid for p in psutil.Process().children(recursive=True)} | {os.getpid()}
    listening = [c for c in psutil.net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN and c.pid in ours]
    assert listening, "no Ray server found"
    wide = [(c.laddr.ip, c.laddr.port) for c in listening
            if c.laddr.ip not in ("127.0.0.1", "::1", "::ffff:127.0.0.1")]
    assert not wide, f"Ray listens beyond loopback: {wide}"


def test_parallel_ingest_embeds_in_actors_then_an_unchanged_library_embeds_nothing(ray_executor):
    settings = get_settings()
    report = ingest_library(settings, FIXTURE, include_corpus=False, executor=ray_executor,
                            dense_limit=LIMIT, progress=False, embed_batch=EMBED_BATCH)
    data = report.to_dict()
    assert data["executor"] == "ray" and data["workers"] == 2
    assert data["library_documents"] == 26 and data["failed"] == 7 and data["chunks"] > 500
    assert data["dense"]["embedded_now"] == LIMIT and data["dense"]["state"] == "partial"
    pids = ray_executor.actor_pids
    assert len(set(pids)) == 2 and os.getpid() not in pids   # one embedder per actor process
    ids = stored_ids(settings)
    assert len(ids) == len(set(ids)) == LIMIT
    assert read_progress(settings)["vectors_done"] == LIMIT

    again = ingest_library(settings, FIXTURE, include_corpus=False, executor=ray_executor,
                           dense_limit=LIMIT, progress=False, embed_batch=EMBED_BATCH)
    assert again.up_to_date and again.dense["embedded_now"] == 0
    assert len(stored_ids(settings)) == LIMIT


def test_a_stopped_fill_resumes_where_it_stopped_and_a_killed_actor_is_replaced(ray_executor):
    settings = get_settings()
    ingest_library(settings, FIXTURE, include_corpus=False, executor=ray_executor, dense=False, progress=False)
    first = fill_vectors(settings, executor=ray_executor, limit=2 * LIMIT, stop_after=1, progress=False,
                         batch_size=EMBED_BATCH)
    assert first["embedded_now"] == EMBED_BATCH and first["state"] == "stopped"

    killed = []

    def kill_one_actor(message: str) -> None:
        # after the first batch of this run is written, one embedding actor dies
        if message.startswith("向量 ") and not killed and ray_executor.actor_pids:
            os.kill(ray_executor.actor_pids[0], signal.SIGKILL)
            killed.append(ray_executor.actor_pids[0])

    second = fill_vectors(settings, executor=ray_executor, limit=2 * LIMIT, progress=kill_one_actor,
                          batch_size=EMBED_BATCH)
    assert killed, "the run finished before an actor could be killed"
    assert second["embedded_now"] == 2 * LIMIT - EMBED_BATCH       # nothing embedded twice
    ids = stored_ids(settings)
    assert len(ids) == len(set(ids)) == 2 * LIMIT                    # nothing lost


def test_a_killed_ingest_restarted_embeds_only_what_was_missing(ray_executor, tmp_path):
    settings = get_settings()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-c", "from cli.main import main; main()", "ingest", "--corpus", str(FIXTURE),
           "--workers", "2", "--dense-limit", str(3 * CLI_BATCH), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            progress = read_progress(settings) or {}
            done = progress.get("vectors_done") or 0
            if progress.get("state") == "filling" and done >= CLI_BATCH:
                break
            time.sleep(0.3)
        assert proc.poll() is None, "ingest ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)   # the driver and its local Ray processes
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    before = len(stored_ids(settings))
    assert CLI_BATCH <= before < 3 * CLI_BATCH
    resumed = ingest_library(settings, FIXTURE, include_corpus=False, executor=ray_executor,
                             dense_limit=3 * CLI_BATCH, progress=False)
    assert resumed.up_to_date                                         # the lexical index was complete
    assert resumed.dense["embedded_now"] == 3 * CLI_BATCH - before
    ids = stored_ids(settings)
    assert len(ids) == len(set(ids)) == 3 * CLI_BATCH


def test_vectors_of_another_build_come_from_the_shared_cache(ray_executor, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYDESK_EMBED_CACHE", str(tmp_path / "cache"))
    first = ingest_library(get_settings(), FIXTURE, include_corpus=False, executor=ray_executor,
                           dense_limit=EMBED_BATCH, progress=False, embed_batch=EMBED_BATCH)
    assert first.dense["embedded_now"] == EMBED_BATCH
    monkeypatch.setenv("POLICYDESK_HOME", str(tmp_path / "another-home"))
    second = ingest_library(get_settings(), FIXTURE, include_corpus=False, executor=ray_executor,
                            dense_limit=EMBED_BATCH, progress=False, embed_batch=EMBED_BATCH)
    assert second.dense["embedded_now"] == 0 and second.dense["from_cache"] == EMBED_BATCH
    assert len(stored_ids(get_settings())) == EMBED_BATCH


def test_search_uses_new_vectors_while_they_fill_in(ray_executor, monkeypatch):
    from retrieval import search as search_module
    from retrieval.search import Searcher

    settings = get_settings()
    ingest_library(settings, FIXTURE, include_corpus=False, executor=ray_executor, dense=False, progress=False)
    searcher = Searcher.open(settings)
    query = "失业保险金的领取期限"
    assert searcher.search(query, k=3) and all(p.dense_rank is None for p in searcher.search(query, k=3))
    monkeypatch.setattr(search_module, "DENSE_RELOAD_S", 0.0)
    fill_vectors(settings, executor=ray_executor, limit=LIMIT, progress=False, batch_size=EMBED_BATCH)
    # the searcher opened before the fill now sees its vectors: a chunk that got one is
    # found by its own words with a dense rank
    assert any(p.dense_rank is not None for p in searcher.search(query + "？", k=LIMIT))
    assert searcher.vector_ids and len(searcher.vector_ids) == LIMIT
    chunk = next(c for c in searcher.chunks if c.chunk_id in searcher.vector_ids and len(c.text) > 40)
    found = {p.chunk_id: p for p in searcher.search(chunk.text[:80], k=5)}
    assert chunk.chunk_id in found and found[chunk.chunk_id].dense_rank is not None
    searcher.close()


@pytest.mark.server
def test_vectors_go_to_a_chroma_server(ray_executor, tmp_path, monkeypatch):
    proc, url = start_chroma_server(tmp_path / "chroma-data")
    try:
        monkeypatch.setenv("POLICYDESK_CHROMA_URL", url)
        settings = get_settings()
        report = ingest_library(settings, FIXTURE, include_corpus=False, executor=ray_executor,
                                dense_limit=EMBED_BATCH, progress=False, embed_batch=EMBED_BATCH)
        assert report.dense["embedded_now"] == EMBED_BATCH
        assert not (settings.home / "vectors" / "chroma").exists()
        assert len(stored_ids(settings)) == EMBED_BATCH
        from retrieval.search import Searcher

        searcher = Searcher.open(settings)
        assert searcher.manifest["store"] == "server"
        embedded = set(stored_ids(settings))
        chunk = next(c for c in searcher.chunks if c.chunk_id in embedded and len(c.text) > 40)
        found = {p.chunk_id: p for p in searcher.search(chunk.text[:80], k=5)}
        assert chunk.chunk_id in found and found[chunk.chunk_id].dense_rank is not None
        searcher.close()
    finally:
        stop_process(proc)
    assert json.loads(json.dumps(report.to_dict()))["dense"]["vectors_done"] == EMBED_BATCH
