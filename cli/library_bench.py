"""`policydesk bench --library DIR`: what the whole law library costs on this machine, as
ratios that carry to others, and whether versions and regions stay right at that scale.

Measured in a fresh home (a temporary folder unless --home is given):

1. ``lexical_build_s``: walk + parse + chunk + tokenize on Ray (all cores) + BM25, until the
   index is live and searchable;
2. ``embed_vectors_per_s_bare``: the embedder alone in this process, default threads, on a
   sample of library chunks (after a warm-up batch);
3. ``ingest_vectors_per_s``: the vector phase as ingest runs it — N Ray actors with one
   single-process embedder each (threads = cores / N), Chroma writes included, actor start-up
   included — on the same sample, for each N in --workers-list;
4. the dense subset: the first ``--dense-limit`` chunks in priority order (project corpus,
   then the served regions' texts in force …) given vectors;
5. search p50/p95 (warm: each query embedded once before), ``ask`` p50 with new wording each
   time (the query embedding paid, as a citizen's question pays it), one query embedding;
6. the region/version traps of eval/traps.yaml; peak memory (this process and its children);
7. ``projected_full_dense_s`` = every chunk at the best measured ingest rate on this
   machine, and ``projected_cluster_s`` for clusters of N cores at the measured per-core rate.
"""
from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml

from policydesk.settings import PROJECT_ROOT, get_settings
from assistant.service import get_assistant, reset_assistant
from retrieval.documents import load_documents
from retrieval.embedders import new_embedder
from retrieval.indexing import read_chunks
from retrieval.library_ingest import _dense_texts, dense_order, fill_clause_vectors, fill_vectors, ingest_library
from retrieval.parallel import RayExecutor

TRAPS_FILE = PROJECT_ROOT / "eval" / "traps.yaml"
QUESTIONS_FILES = (PROJECT_ROOT / "eval" / "dev-own.yaml", PROJECT_ROOT.parent / "shared" / "eval" / "dev.yaml",
                   PROJECT_ROOT / "eval" / "statutes.yaml")
CLUSTER_CORES = (8, 32, 128)


def _say(progress, msg: str) -> None:
    if progress:
        print(f"  · {msg}", file=sys.stderr, flush=True)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))] * 1000, 2)


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


# ---------------------------------------------------------------------------------- traps


def run_traps(path: Path | str = TRAPS_FILE, k: int = 3) -> dict:
    """Check each trap of ``path`` against the index of the current POLICYDESK_HOME."""

    cases = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    assistant = get_assistant()
    searcher = assistant.searcher
    failures = []
    for case in cases:
        problems = _check_trap(case, assistant, searcher, k)
        if problems:
            failures.append({"id": case.get("id"), "question": case["question"], "problems": problems})
    return {"traps_total": len(cases), "traps_passed": len(cases) - len(failures), "failures": failures}


def _check_trap(case: dict, assistant, searcher, k: int) -> list[str]:
    import datetime as dt

    question = case["question"]
    day = case.get("today")
    day = dt.date.fromisoformat(str(day)) if day and not isinstance(day, dt.date) else day
    today = day.isoformat() if day else None
    answer = assistant.ask(question, today=day, log=False).to_dict()
    citations = answer["citations"]
    problems = []
    served = set(searcher.served)

    def region(doc_id):
        doc = searcher.documents.get(doc_id)
        return doc.region if doc else None

    if case.get("served_only"):
        passages = searcher.search(question, k=k, today=today)
        bad = [p.citation.title for p in passages if region(p.citation.doc_id) not in served]
        # a citation without a document is a calculator rule's reference to national law
        bad += [c.get("title") or c.get("statute") for c in citations
                if c.get("doc_id") and region(c["doc_id"]) not in served]
        if bad:
            problems.append(f"another region answered: {bad}")
    if case.get("elsewhere_first"):
        scores = searcher.lexical.scores(searcher.query_tokens(question))
        best = searcher.chunks[int(scores.argmax())].doc_id
        if region(best) in served:
            problems.append("not a trap: the best unfiltered lexical match is already served")
    if case.get("answered") and answer["declined"]:
        problems.append("declined")
    if case.get("declined") and not (answer["declined"] and not citations and "12333" in answer["answer"]):
        problems.append("not declined with the referral")
    law = case.get("law", "")
    mine = [c for c in citations if law and law in (c.get("title") or c.get("statute") or "")]
    head = "\n".join(answer["answer"].splitlines()[:2])
    if case.get("version"):
        if not mine or mine[0].get("version_date", mine[0]["date"]) != str(case["version"]):
            problems.append(f"version {case['version']} not cited first: {[c.get('version_date') for c in mine]}")
        elif case.get("historical") and not (mine[0].get("version_note") and "历史版本" in head):
            problems.append("an older version not labelled 历史版本")
    if case.get("current"):
        if not mine or any(c.get("version_date", c["date"]) != str(case["current"]) or c.get("version_note")
                           for c in mine):
            problems.append(f"not answered from the version in force {case['current']}")
    if case.get("not_held"):
        first = answer["answer"].splitlines()[0] if answer["answer"] else ""
        if not first.startswith(f"本库没有收录{case['not_held']}年"):
            problems.append("a version we do not hold was not said so")
    return problems


def print_traps(result: dict) -> None:
    for f in result["failures"]:
        print(f"✗ {f['id']} {f['question']}：{'；'.join(f['problems'])}")
    print(f"陷阱题通过 {result['traps_passed']}/{result['traps_total']}")


# ---------------------------------------------------------------------------------- bench


def _questions(limit: int = 60) -> list[str]:
    out: list[str] = []
    for path in QUESTIONS_FILES:
        if path.exists():
            for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                if isinstance(case, dict) and case.get("question"):
                    out.append(case["question"])
    random.Random(16).shuffle(out)
    return out[:limit] or ["失业保险金领取期限", "经济补偿怎么计算", "年休假几天"]


def _embed_query_ms(embedder, questions: list[str]) -> float:
    embedder.embed_query_array("预热")
    times = []
    for q in questions[:20]:
        t0 = time.perf_counter()
        embedder.embed_query_array(q + "？")
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 2)


def _bare_rate(texts: list[str]) -> float:
    """Vectors per second of one in-process embedder with its default threads."""

    embedder = new_embedder(get_settings().embedder, None)
    embedder.embed_documents_array(texts[:8])  # load and warm
    t0 = time.perf_counter()
    for i in range(0, len(texts), 64):
        embedder.embed_documents_array(texts[i:i + 64])
    return len(texts) / (time.perf_counter() - t0)


def _ingest_rate(settings, workers: int, sample: int, tmp: Path) -> float:
    """The vector phase as ingest runs it, on a home of its own sharing the live index."""

    home = tmp / f"workers-{workers}"
    home.mkdir()
    (home / "index").symlink_to(settings.index_dir)
    view = replace(settings, home=home, embed_cache=None)
    executor = RayExecutor(workers)
    try:
        t0 = time.perf_counter()
        state = fill_vectors(view, executor=executor, limit=sample, progress=False, clauses=False)
        elapsed = time.perf_counter() - t0
    finally:
        executor.shutdown()
    return state["embedded_now"] / elapsed if elapsed else 0.0


def run_library_bench(library_dir: Path, *, dense_limit: int = 2000, sample: int = 256,
                      workers_list=(1, 2), repeats: int = 40, home: Path | None = None,
                      progress: bool = True) -> dict:

    library_dir = Path(library_dir)
    tmp_ctx = tempfile.TemporaryDirectory(prefix="policydesk-library-bench-")
    tmp = Path(tmp_ctx.name)
    home = Path(home) if home else tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("POLICYDESK_HOME", "POLICYDESK_EMBED_CACHE")}
    os.environ["POLICYDESK_HOME"] = str(home)
    # vectors computed for the throughput samples are reused by the dense subset, nothing else
    os.environ["POLICYDESK_EMBED_CACHE"] = str(tmp / "embed-cache")
    result: dict = {"library": str(library_dir), "cores": os.cpu_count()}
    try:
        settings = get_settings()
        executor = RayExecutor(max(workers_list))
        try:
            _say(progress, "全文索引（解析、切分、分词、BM25）…")
            report = ingest_library(settings, library_dir, executor=executor, dense=False, progress=progress)
        finally:
            executor.shutdown()
        result.update(documents=report.documents, library_documents=report.library_documents,
                      articles=report.articles, chunks=report.chunks, failed_files=report.failed,
                      lexical_build_s=round(report.lexical_build_s, 1))
        documents = {d.doc_id: d for d in load_documents(settings.index_dir)}
        chunks = read_chunks(settings.index_dir)
        order = dense_order(documents, chunks, ("山西", "全国"))
        texts = _dense_texts(documents, chunks)
        sample_texts = [texts[i] for i in order[:sample]]
        _say(progress, f"单进程向量化（{len(sample_texts)} 段）…")
        result["embed_vectors_per_s_bare"] = round(_bare_rate(sample_texts), 2)
        result["ingest_vectors_per_s"] = {}
        for w in workers_list:
            _say(progress, f"Ray {w} 个向量化进程（{sample} 段）…")
            result["ingest_vectors_per_s"][str(w)] = round(_ingest_rate(settings, w, sample, tmp), 2)
        # The project corpus's clause vectors are no part of the throughput: from the caller's
        # vector cache when it has them (POLICYDESK_EMBED_CACHE), else embedded here.
        outer = saved.get("POLICYDESK_EMBED_CACHE")
        t0 = time.perf_counter()
        result["clause_vectors_embedded"] = fill_clause_vectors(
            replace(settings, embed_cache=Path(outer) if outer else settings.embed_cache), documents, chunks,
            progress=progress)
        result["clause_vectors_s"] = round(time.perf_counter() - t0, 1)
        _say(progress, f"向量子集（前 {dense_limit} 段）…")
        executor = RayExecutor(max(workers_list))
        try:
            state = fill_vectors(settings, executor=executor, limit=dense_limit, progress=progress)
        finally:
            executor.shutdown()
        result["dense_subset_chunks"] = int(state["vectors_done"])
        result["dense_subset_embed_s"] = state.get("embed_s")

        reset_assistant()
        assistant = get_assistant()
        questions = _questions()
        t0 = time.perf_counter()
        assistant.warm_up()
        result["searcher_load_s"] = round(time.perf_counter() - t0, 1)
        result["embed_query_ms"] = _embed_query_ms(assistant.searcher.embedder, questions)
        for q in questions:
            assistant.searcher.search(q, k=8)  # embed each query once: the warm path below
        search_times, ask_times, ask_cached = [], [], []
        for i in range(repeats):
            q = questions[i % len(questions)]
            t0 = time.perf_counter()
            assistant.searcher.search(q, k=8)
            search_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            assistant.ask(q, log=False)
            ask_cached.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            assistant.ask(q + "？" * (1 + i % 7) + "请问" * (i // 7 + 1), log=False)  # new wording
            ask_times.append(time.perf_counter() - t0)
        result.update(search_p50_ms=_pct(search_times, 0.5), search_p95_ms=_pct(search_times, 0.95),
                      ask_p50_ms=_pct(ask_times, 0.5), ask_p95_ms=_pct(ask_times, 0.95),
                      ask_cached_p50_ms=_pct(ask_cached, 0.5))
        _say(progress, "陷阱题…")
        traps = run_traps()
        result.update(traps_passed=traps["traps_passed"], traps_total=traps["traps_total"],
                      trap_failures=traps["failures"])
        result["peak_rss_mb"] = peak_rss_mb()
        rates = result["ingest_vectors_per_s"]
        best_w = max(workers_list, key=lambda w: rates[str(w)])
        best = rates[str(best_w)] or 1e-9
        per_core = best / best_w
        result["projected_full_dense_s"] = round(report.chunks / best)
        result["projected_cluster_s"] = {str(n): round(report.chunks / (per_core * n)) for n in CLUSTER_CORES}
        result["ratios"] = {
            "ingest_per_worker_vs_bare": {w: round(rates[w] / int(w) / result["embed_vectors_per_s_bare"], 2)
                                          for w in rates},
            "search_p95_goal_ms": 100, "ask_goal_ms": round(3 * result["embed_query_ms"], 1),
        }
        reset_assistant()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        tmp_ctx.cleanup()
    return result


def print_library_bench(r: dict) -> None:
    print(f"法规库：{r['documents']} 篇文档（法规库 {r['library_documents']}），{r['articles']} 条，{r['chunks']} 段；"
          f"跳过 {r['failed_files']} 个文件")
    print(f"全文索引建成 {r['lexical_build_s']} s；单进程向量化 {r['embed_vectors_per_s_bare']} 段/秒；"
          f"入库向量化 {r['ingest_vectors_per_s']} 段/秒（按进程数）")
    print(f"向量子集 {r['dense_subset_chunks']} 段；检索 p50/p95 {r['search_p50_ms']}/{r['search_p95_ms']} ms；"
          f"问答 p50 {r['ask_p50_ms']} ms（单次查询向量化 {r['embed_query_ms']} ms）")
    print(f"全部向量预计 {r['projected_full_dense_s']} s（本机）；集群 {r['projected_cluster_s']} s（按核数）；"
          f"峰值内存 {r['peak_rss_mb']} MB；陷阱题 {r['traps_passed']}/{r['traps_total']}")
