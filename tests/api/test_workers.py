"""Several workers behind one port: shared state in PostgreSQL, and nothing lost when a
worker is killed mid-request (SQLite in WAL mode)."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest

from cli.loadtest import ServerProcess, bench_api
from helpers import child_pids, free_port
from assistant.store import Store

pytestmark = [pytest.mark.server, pytest.mark.slow]


# -- worker killed with SIGKILL during load ------------------------------------------------------
def test_killing_a_worker_mid_load_loses_no_acknowledged_answer(served_home, tmp_path):
    home = tmp_path / "served-copy"
    shutil.copytree(served_home, home)
    db = home / "policydesk.sqlite3"
    db.unlink(missing_ok=True)
    server = ServerProcess(home, workers=2, log_path=tmp_path / "serve.log",
                           env={"POLICYDESK_RATE_LIMIT_IP": "0", "POLICYDESK_EXPOSE_WORKER": "1"}).start()
    try:
        victims = sorted(int(pid) for pid in server.wait_warm())  # pids the workers report
        assert len(victims) == 2 and set(victims) <= set(child_pids(server.proc.pid)), victims
        acknowledged: list[str] = []
        failures: list[str] = []
        log_steps: dict = {}
        after_kill: list[str] = []
        killed = threading.Event()
        stop = threading.Event()

        def load(n):
            with httpx.Client(timeout=30) as client:
                i = 0
                while not stop.is_set():
                    i += 1
                    try:
                        r = client.post(server.url + "/api/ask", json={"question": ["爱心消费券每人多少钱", "试用期最长几个月"][i % 2],
                                                                       "session_id": f"load-{n}"})
                    except httpx.HTTPError as exc:
                        failures.append(type(exc).__name__)  # the killed worker's connections
                        continue
                    if r.status_code != 200:
                        failures.append(f"{r.status_code}: {r.text[:200]}")
                    elif r.status_code == 200:
                        (after_kill if killed.is_set() else acknowledged).append(r.json()["id"])
                        log_steps[r.json()["id"]] = [st for st in r.json()["steps"] if st["step"] == "log"]

        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(victims[0], signal.SIGKILL)  # a worker of the server this test started
        killed.set()
        deadline = time.monotonic() + 60
        while len(after_kill) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        for t in threads:
            t.join()
        assert acknowledged, f"no answer before the kill: {failures[:5]}"
        assert after_kill, "the surviving worker stopped answering"
        assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200
    finally:
        server.stop()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = {row[0] for row in conn.execute("SELECT id FROM conversations")}
    finally:
        conn.close()
    missing = set(acknowledged + after_kill) - stored
    assert not missing, f"{len(missing)} answered requests missing from the log: {[log_steps.get(m) for m in missing][:3]}"


# -- PostgreSQL, two workers ---------------------------------------------------------------------
def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="module")
def postgres_url():
    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries missing under /usr/lib/postgresql/*/bin (make debian-test-deps)")
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    base = Path(tempfile.mkdtemp(prefix="pd-pg-", dir="/tmp"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        shutil.chown(base, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    os.chmod(base, 0o700)
    data, port = base / "data", free_port()
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                             "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
    log = open(base / "postgres.log", "wb")
    proc = subprocess.Popen(prefix + [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(base),
                                      "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                                 autocommit=True) as conn:
                conn.execute("CREATE DATABASE policydesk")
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError((base / "postgres.log").read_text(errors="replace"))
            time.sleep(0.3)
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/policydesk"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    shutil.rmtree(base, ignore_errors=True)


def test_two_workers_share_conversations_and_feedback_in_postgresql(served_home, postgres_url, tmp_path):
    server = ServerProcess(served_home, workers=2, log_path=tmp_path / "serve.log",
                           env={"POLICYDESK_DATABASE_URL": postgres_url, "POLICYDESK_EXPOSE_WORKER": "1",
                                "POLICYDESK_RATE_LIMIT_IP": "0"}).start()
    crossed = None
    try:
        server.wait_warm()  # a worker still warming just answers its first request later
        for n in range(40):  # fresh connections until one conversation spans both workers
            session = f"pg-{n}"
            first = httpx.post(server.url + "/api/ask", json={"question": "我能领多少爱心消费券", "session_id": session},
                               timeout=60)
            assert first.status_code == 200 and first.json()["follow_up"], first.text
            second = httpx.post(server.url + "/api/ask", json={"question": "特困人员", "session_id": session},
                                timeout=60)
            assert second.status_code == 200
            # The second turn is understood only with the first turn's state from the database.
            assert "1500" in second.json()["answer"], second.json()["answer"]
            if first.headers["x-policydesk-worker"] != second.headers["x-policydesk-worker"]:
                crossed = second.json()
                break
        assert crossed is not None, "no conversation was served by both workers"
        fb = httpx.post(server.url + "/api/feedback", json={"answer_id": crossed["id"], "rating": 1,
                                                            "session_id": crossed["session_id"]}, timeout=30)
        assert fb.status_code == 200
    finally:
        server.stop()
    store = Store(postgres_url)
    try:
        assert [(f["answer_id"], f["rating"]) for f in store.list_feedback()] == [(crossed["id"], 1)]
        turns = store.list_conversations(session_id=crossed["session_id"])
        assert len(turns) == 2 and {t["channel"] for t in turns} == {"api"}
        assert sorted(t["status"] for t in turns)[-1] == "needs_more_info"  # the first turn asked back
    finally:
        store.dispose()


# -- the benchmark policydesk bench calls ----------------------------------------------------------
def test_bench_api_reports_distinct_and_repeated_figures_and_the_ceiling(served_home):
    result = bench_api(workers=(1, 2), seconds=1.5, concurrency=2, home=served_home)
    assert [r["workers"] for r in result["runs"]] == [1, 2]
    for run in result["runs"]:
        for kind in ("distinct", "repeated"):
            figures = run[kind]
            assert figures["ok"] > 0 and figures["errors"] == 0, figures
            assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] and figures["rps"] > 0
        assert run["rps"] == run["distinct"]["rps"]          # the headline is the distinct figure
        wechat = run["distinct_with_wechat"]["wechat"]
        assert wechat["messages"] > 0 and wechat["errors"] == 0 and wechat["p99_ms"] > 0
        assert 1 <= run["warm_workers"] <= run["workers"] and run["threads_per_worker"] >= 1
    ceiling = result["ceiling"]
    assert ceiling["embedding_cpu_ms"] > 0 and ceiling["ceiling_rps"] == pytest.approx(
        ceiling["cpus"] * 1000 / ceiling["embedding_cpu_ms"], rel=0.01)
    # The benchmark used a throw-away database, not the home's conversation log.
    assert not any(r["question"] == "试用期最长几个月？" for r in
                   Store(f"sqlite:///{served_home / 'policydesk.sqlite3'}").list_conversations(limit=1000))


def test_distinct_questions_are_all_different():
    from cli.loadtest import distinct_questions

    questions = distinct_questions(3000)
    assert len(questions) == len(set(questions)) == 3000
