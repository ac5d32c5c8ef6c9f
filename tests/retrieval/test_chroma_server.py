"""A Chroma server gives the same top passages as the embedded store."""
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from helpers import free_port, stop_process

from policydesk.settings import get_settings
from retrieval.documents import DOCS_FILE, load_documents
from retrieval.indexing import build_search_index
from retrieval.search import Searcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    exe = ROOT / ".venv" / "bin" / "chroma"
    if not exe.exists():
        pytest.skip("chroma CLI not installed")
    proc = subprocess.Popen([str(exe), "run", "--host", "127.0.0.1", "--port", str(port), "--path",
                             str(tmp_path / "chroma-data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        stop_process(proc)


@pytest.mark.server
def test_server_store_matches_embedded_store(indexed_home, chroma_server, tmp_path, monkeypatch):
    embedded = Searcher.open(get_settings())
    queries = ["爱心消费券每人多少钱", "试用期延长合法吗", "失业保险省级统筹", "零工市场"]
    expected = [[p.chunk_id for p in embedded.search(q, k=3)] for q in queries]
    embedded.close()

    home = tmp_path / "server-home"
    (home / "index").mkdir(parents=True)
    shutil.copy(indexed_home / "index" / DOCS_FILE, home / "index" / DOCS_FILE)
    monkeypatch.setenv("POLICYDESK_HOME", str(home))
    monkeypatch.setenv("POLICYDESK_CHROMA_URL", chroma_server)
    settings = get_settings()
    manifest = build_search_index(load_documents(settings.index_dir), settings.index_dir, settings,
                                  indexed_home / "index")
    assert manifest["store"] == "server" and not (settings.index_dir / "chroma").exists()
    served = Searcher.open(settings)
    assert [[p.chunk_id for p in served.search(q, k=3)] for q in queries] == expected
    served.close()
