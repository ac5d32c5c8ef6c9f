"""Start real ``policydesk serve`` processes on loopback and load-test ``/api/ask``.

``bench_api()`` is what ``policydesk bench`` reports: p50/p95 latency and requests/s with
one worker and with two, under a bounded Python load loop (threads + httpx). The servers
use the caller's index read-only and a throw-away SQLite database, so a benchmark never
writes into the real conversation log. The API tests start their servers with the same
``ServerProcess``."""
from __future__ import annotations

import json
import os
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

from policydesk.settings import get_settings

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


def load_loop(url: str, seconds: float, concurrency: int, questions=DEFAULT_QUESTIONS) -> dict:
    """``concurrency`` threads, each sending one request at a time until ``seconds`` pass."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    workers_seen: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(offset: int) -> None:
        i = offset
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline:
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
        "rps": round(ok / elapsed, 2) if elapsed > 0 else None,
        "seconds": round(elapsed, 2),
        "per_worker": sorted(workers_seen.values(), reverse=True),
    }


def bench_api(workers=(1, 2), seconds: float = 10.0, concurrency: int = 4, *, home: str | Path | None = None,
              questions=DEFAULT_QUESTIONS, progress: bool = False) -> dict:
    """p50/p95 and requests/s of POST /api/ask against real ``policydesk serve`` processes,
    once per worker count. ``home`` (default: the current POLICYDESK_HOME) must hold an index."""
    home = Path(home) if home else get_settings().home
    runs = []
    for n in workers:
        tmp = Path(tempfile.mkdtemp(prefix="pd-bench-"))
        env = {"POLICYDESK_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
               "POLICYDESK_RATE_LIMIT_IP": "0", "POLICYDESK_EXPOSE_WORKER": "1"}
        try:
            if progress:
                print(f"api bench: starting {n} worker(s)…", file=sys.stderr)
            with ServerProcess(home, workers=n, env=env, log_path=tmp / "serve.log") as server:
                t0 = time.monotonic()
                warm = server.wait_warm()
                cold_s = time.monotonic() - t0
                # One untimed pass so each worker's first-question costs are out of the figures.
                load_loop(server.url, min(2.0, seconds), concurrency, questions)
                result = load_loop(server.url, seconds, concurrency, questions)
            runs.append({"workers": n, "warm_workers": len(warm), "warm_wait_s": round(cold_s, 2), **result})
            if progress:
                print(f"  {n} worker(s): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                      f"{result['rps']} req/s", file=sys.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    out = {"endpoint": "POST /api/ask", "concurrency": concurrency, "seconds": seconds,
           "cpus": os.cpu_count(), "runs": runs}
    by_workers = {r["workers"]: r for r in runs}
    if 1 in by_workers and 2 in by_workers and by_workers[1]["rps"]:
        out["speedup_2_vs_1"] = round((by_workers[2]["rps"] or 0) / by_workers[1]["rps"], 2)
    return out


if __name__ == "__main__":
    print(json.dumps(bench_api(seconds=float(os.environ.get("BENCH_SECONDS", "5")), progress=True),
                     ensure_ascii=False, indent=2))
