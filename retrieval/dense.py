"""Dense retrieval: chunk vectors in Chroma through langchain-chroma.

Embedded persistent store under ``<index>/chroma`` by default; a Chroma server when
``settings.chroma_url`` is set. Each build writes a new collection whose name carries the
build id (recorded in the index directory), so swapping the index directory also swaps
the collection atomically, even on a shared server.

The collection is always opened with our embedding function: Chroma's own default would
download a model.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from policydesk.errors import PolicydeskError

CHROMA_DIR = "chroma"
COLLECTION_PREFIX = "policydesk_"


class ChromaUnavailableError(PolicydeskError):
    def __init__(self, url: str, problem: str):
        super().__init__(f"无法连接向量库 {url}，请检查 POLICYDESK_CHROMA_URL 或 Chroma 服务",
                         f"cannot reach Chroma at {url}: {problem}", field="POLICYDESK_CHROMA_URL")


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_client(settings, index_dir: Path):
    """A Chroma client: HTTP when ``settings.chroma_url`` is set, else embedded on disk."""
    import chromadb

    url = getattr(settings, "chroma_url", None)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            client = chromadb.HttpClient(host=parsed.hostname or "127.0.0.1",
                                         port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                                         ssl=parsed.scheme == "https", settings=_chroma_settings())
            client.heartbeat()
        except Exception as exc:  # connection refused, DNS, TLS … all mean the same to an operator
            raise ChromaUnavailableError(url, f"{type(exc).__name__}: {exc}") from exc
        return client
    path = Path(index_dir) / CHROMA_DIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def collection_name(build_id: str) -> str:
    # Chroma: 3–512 chars of [a-zA-Z0-9._-], starting and ending alphanumeric
    return f"{COLLECTION_PREFIX}{build_id}"


class DenseStore:
    """One Chroma collection of chunk vectors (cosine space)."""

    def __init__(self, client, name: str, embedder, *, create: bool = False):
        from langchain_chroma import Chroma

        self.client = client
        self.name = name
        self.vectorstore = Chroma(
            collection_name=name,
            embedding_function=embedder,
            client=client,
            collection_metadata={"hnsw:space": "cosine"} if create else None,
            create_collection_if_not_exists=create,
        )
        self._count: int | None = None  # counting costs a database query: once per open

    @property
    def collection(self):
        return self.vectorstore._collection

    def add(self, ids: list[str], vectors: np.ndarray, texts: list[str], metadatas: list[dict]) -> None:
        """Add precomputed vectors (the embedding cache makes rebuilds cheap)."""
        batch = max(1, min(1000, int(self.client.get_max_batch_size())))
        for i in range(0, len(ids), batch):
            self.collection.upsert(
                ids=ids[i:i + batch],
                embeddings=[v.tolist() for v in vectors[i:i + batch]],
                documents=texts[i:i + batch],
                metadatas=metadatas[i:i + batch],
            )
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = int(self.collection.count())
        return self._count

    def existing_ids(self, page: int = 5000) -> set[str]:
        """Every id in the collection (read in pages: a library holds ~10^5)."""
        ids: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the ``k`` nearest chunks, best first."""
        k = min(int(k), self.count())
        if k <= 0:
            return []
        results = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
            vector.tolist(), k=k)
        # langchain returns the raw distance; for the cosine space it is 1 - similarity
        return [(doc.id, 1.0 - float(distance)) for doc, distance in results]

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


def drop_stale_collections(client, keep: set[str]) -> list[str]:
    """On a shared server, remove our collections of builds no longer live or previous."""
    dropped = []
    for col in client.list_collections():
        name = col if isinstance(col, str) else getattr(col, "name", str(col))
        if name.startswith(COLLECTION_PREFIX) and name not in keep:
            try:
                client.delete_collection(name)
                dropped.append(name)
            except Exception:
                pass
    return dropped
