"""Build the search index beside the documents: chunks, BM25, vectors in Chroma.

Called by ``retrieval.ingest.ingest_corpus`` inside a fresh directory that is then swapped
in as the live index. Files written into ``out_dir``:

- ``chunks.jsonl``      one chunk per line (doc_id, char span, text, sentence spans)
- ``bm25/``             bm25s index over jieba tokens of the chunks
- ``embeddings.npy`` + ``embeddings.keys.json``  vector cache keyed by embedder name + text
  hash: the next build reuses vectors of unchanged chunks, so re-ingesting is cheap (with
  ``POLICYDESK_EMBED_CACHE`` set, every build on the machine also shares one folder of
  vectors: ``retrieval/vectorcache.py``)
- ``sentences.npy`` + ``sentences.json``  vectors of every sentence of the chunks of news
  and policy documents (for choosing the quoted sentences of an answer without embedding
  anything at question time). Statutes have none: their unit of quotation is the article
  or its 款, chosen by words and structure, which keeps a cold build affordable
- ``corpus-data/``      the word lists (dictionary, stop words, synonyms) and regions.yaml
  the index was built with, so search tokenizes exactly as the build did
- ``chroma/``           the embedded Chroma store (absent when a Chroma server is used)
- ``search.json``       build id, Chroma collection, embedder, counts, timings
"""
from __future__ import annotations

import json
import shutil
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from retrieval.chunking import Chunk, chunk_documents
from retrieval.dense import DenseStore, collection_name, open_client
from retrieval.embedders import get_embedder
from retrieval.lexical import CORPUS_LISTS, LexicalIndex, get_tokenizer
from retrieval.regions import REGIONS_FILE
from retrieval.vectorcache import PACK_SIZE, SharedVectorCache, cache_key

CHUNKS_FILE = "chunks.jsonl"
SEARCH_MANIFEST = "search.json"
CACHE_VECTORS = "embeddings.npy"
CACHE_KEYS = "embeddings.keys.json"
SENTENCE_VECTORS = "sentences.npy"
SENTENCE_SPANS = "sentences.json"
CORPUS_DATA = "corpus-data"
FORMAT_VERSION = 2


def _reporter(progress):
    if callable(progress):
        return progress
    if progress:
        return lambda msg: print(f"  · {msg}", file=sys.stderr, flush=True)
    return lambda msg: None


# Measured on the dev sets: prefixing the document title to each chunk (for BM25 or for
# the embedder) did not help recall@1 (dense alone fell from 0.77 to 0.71), so both
# retrievers see the chunk text of news and policy documents as quoted. A statute chunk is
# one article (or some of its 款): there the statute's name, the chapter and, for a later
# part of a long article, its opening 款 say what the article is about, so both retrievers
# see them before the text (the passage shown and quoted is still the text alone).
def statute_context(chunk: Chunk, doc) -> str:
    """The statute name, headings and (for a later piece of a long article) the article's
    first 款, as one line; "" outside statutes."""
    if not getattr(doc, "statute", ""):
        return ""
    article = doc.article_at(chunk.start)
    parts = [doc.statute.strip("《》")]
    if article is not None:
        parts += [h for h in (article.part, article.chapter, article.section) if h]
        if chunk.start > article.start and article.paragraphs:
            first = article.paragraphs[0]
            if not (first[0] <= chunk.start < first[1]):
                lead = doc.text[first[0]:first[1]].split("\n", 1)[0]
                parts.append(f"{article.number} {lead}")
            else:
                parts.append(article.number)
    return " ".join(parts)


def lexical_text(chunk: Chunk, doc) -> str:
    """What BM25 sees for a chunk."""
    context = statute_context(chunk, doc)
    return f"{context}\n{chunk.text}" if context else chunk.text


def dense_text(chunk: Chunk, doc) -> str:
    """What the embedder sees for a chunk."""
    context = statute_context(chunk, doc)
    return f"{context}\n{chunk.text}" if context else chunk.text


class EmbeddingCache:
    """Vectors at hand: the previous index's, plus the shared folder when one is set."""

    def __init__(self):
        self.vectors: dict[str, np.ndarray] = {}
        self.shared: SharedVectorCache | None = None
        self._shared_loaded = False
        self._unsaved: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, directory: Path | None, shared_root: Path | str | None = None,
             embedder_name: str | None = None) -> "EmbeddingCache":
        cache = cls()
        if shared_root and embedder_name:
            cache.shared = SharedVectorCache(shared_root, embedder_name)
        if directory is None:
            return cache
        keys_path, vec_path = Path(directory) / CACHE_KEYS, Path(directory) / CACHE_VECTORS
        if not (keys_path.exists() and vec_path.exists()):
            return cache
        try:
            keys = json.loads(keys_path.read_text(encoding="utf-8"))
            matrix = np.load(vec_path)
            if len(keys) == len(matrix):
                cache.vectors = {k: matrix[i] for i, k in enumerate(keys)}
        except (OSError, ValueError):
            pass  # a damaged cache only costs time
        return cache

    def fill_from_shared(self, wanted: list[str]) -> None:
        """Bring the shared folder's vectors in, once, if any wanted key is missing."""
        if self.shared is None or self._shared_loaded or all(k in self.vectors for k in wanted):
            return
        self._shared_loaded = True
        for k, v in self.shared.load().items():
            self.vectors.setdefault(k, v)

    def remember(self, key: str, vector: np.ndarray) -> None:
        self.vectors[key] = vector
        if self.shared is not None:
            self._unsaved[key] = vector
            if len(self._unsaved) >= PACK_SIZE:
                self.flush()

    def flush(self) -> None:
        """Write what was embedded since the last flush to the shared folder."""
        if self.shared is not None and self._unsaved:
            try:
                self.shared.write(self._unsaved)
            except OSError:
                pass  # a read-only or full cache folder only costs time next build
            self._unsaved = {}

    def compact_shared(self) -> None:
        if self.shared is not None and self._shared_loaded:
            try:
                self.shared.compact(self.vectors)
            except OSError:
                pass

    def save(self, directory: Path, keys: list[str]) -> None:
        keys = [k for k in dict.fromkeys(keys) if k in self.vectors]
        matrix = np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
        np.save(Path(directory) / CACHE_VECTORS, matrix.astype(np.float32))
        (Path(directory) / CACHE_KEYS).write_text(json.dumps(keys), encoding="utf-8")


def embed_with_cache(embedder, texts: list[str], cache: EmbeddingCache, report, batch: int = 32):
    """Vectors for ``texts``; only texts missing from the caches are embedded."""
    name = getattr(embedder, "name", type(embedder).__name__)
    keys = [cache_key(name, t) for t in texts]
    cache.fill_from_shared(keys)
    missing = list(dict.fromkeys(k for k in keys if k not in cache.vectors))
    by_key = {k: t for k, t in zip(keys, texts)}
    if missing:
        report(f"向量化 {len(missing)} 段（复用缓存 {len(set(keys)) - len(missing)} 段）")
    try:
        for i in range(0, len(missing), batch):
            part = missing[i:i + batch]
            if hasattr(embedder, "embed_documents_array"):
                vecs = embedder.embed_documents_array([by_key[k] for k in part])
            else:
                vecs = np.asarray(embedder.embed_documents([by_key[k] for k in part]), dtype=np.float32)
            for k, v in zip(part, vecs):
                cache.remember(k, np.asarray(v, dtype=np.float32))
    finally:
        cache.flush()  # what was embedded is kept even if the build stops here
    matrix = np.stack([cache.vectors[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)
    return matrix, keys, len(missing)


def copy_corpus_data(corpus_dir: Path | None, out_dir: Path) -> Path:
    """Copy the word lists and regions.yaml of ``corpus_dir`` into the index."""
    target = Path(out_dir) / CORPUS_DATA
    target.mkdir(parents=True, exist_ok=True)
    if corpus_dir is not None:
        for name in (*CORPUS_LISTS, REGIONS_FILE):
            source = Path(corpus_dir) / name
            if source.is_file():
                shutil.copyfile(source, target / name)
    return target


def read_search_manifest(index_dir: Path) -> dict | None:
    path = Path(index_dir) / SEARCH_MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_sentence_vectors(index_dir: Path) -> dict[tuple[str, int, int], np.ndarray]:
    spans_path, vec_path = Path(index_dir) / SENTENCE_SPANS, Path(index_dir) / SENTENCE_VECTORS
    if not (spans_path.exists() and vec_path.exists()):
        return {}
    spans = json.loads(spans_path.read_text(encoding="utf-8"))
    matrix = np.load(vec_path)
    return {(d, int(a), int(b)): matrix[i] for i, (d, a, b) in enumerate(spans)}


def read_chunks(index_dir: Path) -> list[Chunk]:
    with (Path(index_dir) / CHUNKS_FILE).open(encoding="utf-8") as fh:
        return [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]


def build_search_index(documents, out_dir, settings, previous_dir=None, progress=False, corpus_dir=None) -> dict:
    """Chunk ``documents``, index them for BM25 and dense search in ``out_dir``; returns
    counts and timings. Vectors of chunks unchanged since ``previous_dir`` (or found in the
    shared cache folder) are reused. The word lists come from ``corpus_dir`` (default: the
    configured corpus) and are copied into the index."""
    report = _reporter(progress)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    documents = list(documents)
    by_id = {d.doc_id: d for d in documents}
    lists_dir = copy_corpus_data(corpus_dir if corpus_dir is not None else getattr(settings, "corpus_dir", None),
                                 out_dir)

    t0 = time.perf_counter()
    chunks = chunk_documents(documents)
    with (out_dir / CHUNKS_FILE).open("w", encoding="utf-8") as fh:
        for chunk in chunks:
            fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    timings["chunk_s"] = time.perf_counter() - t0
    report(f"切分为 {len(chunks)} 段（{len(documents)} 篇文档）")

    t0 = time.perf_counter()
    tokenizer = get_tokenizer(lists_dir)
    token_lists = [tokenizer.tokenize(lexical_text(c, by_id[c.doc_id])) for c in chunks]
    LexicalIndex.build(token_lists).save(out_dir)
    timings["bm25_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    embedder = get_embedder(settings)
    embedder_name = getattr(embedder, "name", type(embedder).__name__)
    cache = EmbeddingCache.load(previous_dir, getattr(settings, "embed_cache", None), embedder_name)
    vectors, keys, embedded = embed_with_cache(
        embedder, [dense_text(c, by_id[c.doc_id]) for c in chunks], cache, report)
    texts = {d.doc_id: d.text for d in documents}
    spans = list(dict.fromkeys((c.doc_id, a, b) for c in chunks for a, b in c.sentences))
    sentence_vectors, sentence_keys, embedded_sentences = embed_with_cache(
        embedder, [texts[d][a:b] for d, a, b in spans], cache, report)
    np.save(out_dir / SENTENCE_VECTORS, sentence_vectors.astype(np.float32))
    (out_dir / SENTENCE_SPANS).write_text(json.dumps([list(s) for s in spans], ensure_ascii=False),
                                          encoding="utf-8")
    embedded += embedded_sentences
    keys = keys + sentence_keys
    cache.save(out_dir, keys)
    cache.compact_shared()
    timings["embed_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    build_id = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S") + "_" + uuid.uuid4().hex[:8]
    name = collection_name(build_id)
    previous = read_search_manifest(previous_dir) if previous_dir else None
    client = open_client(settings, out_dir)
    try:
        store = DenseStore(client, name, embedder, create=True)
        store.add([c.chunk_id for c in chunks], vectors, [c.text for c in chunks],
                  [{"doc_id": c.doc_id, "start": c.start, "end": c.end} for c in chunks])
        # On a server, the collection two builds back is read by nobody any more (the
        # previous one may still serve a worker that has not reloaded yet).
        if settings.chroma_url and previous and previous.get("previous_collection"):
            try:
                client.delete_collection(previous["previous_collection"])
            except Exception:
                pass
    finally:
        try:
            client.close()
        except Exception:
            pass
    timings["chroma_s"] = time.perf_counter() - t0

    manifest = {
        "format": FORMAT_VERSION,
        "build_id": build_id,
        "collection": name,
        "previous_collection": (previous or {}).get("collection"),
        "store": "server" if settings.chroma_url else "embedded",
        "chroma_url": settings.chroma_url,
        "embedder": embedder_name,
        "dim": int(vectors.shape[1]) if len(vectors) else 0,
        "documents": len(documents),
        "chunks": len(chunks),
        "sentences": len(spans),
        "embedded_now": embedded,
        "reused_vectors": len(set(keys)) - embedded,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    (out_dir / SEARCH_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    report(f"索引完成：{len(chunks)} 段，新向量 {embedded}，复用 {manifest['reused_vectors']}")
    return manifest
