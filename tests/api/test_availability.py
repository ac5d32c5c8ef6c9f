"""A real `policydesk serve` (two workers by default): every worker killed at once, the
supervisor brings the service back within seconds; a client cannot pick its rate-limit key
with X-Forwarded-For when no proxy is named."""
from __future__ import annotations

import json
import os
import signal
import time

import httpx
import pytest

from cli.loadtest import ServerProcess

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_killing_every_worker_is_survived_and_spoofed_forwarded_for_is_ignored(served_home, tmp_path, artifacts_dir):
    server = ServerProcess(served_home, workers=2, log_path=tmp_path / "serve.log",
                           env={"POLICYDESK_RATE_LIMIT_IP": "3", "POLICYDESK_EXPOSE_WORKER": "1",
                                "POLICYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'avail.sqlite3'}"}).start()
    try:
        before = sorted(int(p) for p in server.wait_warm())   # the workers' own pids, from their replies
        assert len(before) == 2 and server.proc.pid not in before, (before, server.log_text()[-2000:])

        # uvicorn's proxy handling is off: the header does not change who the client is.
        codes = [httpx.post(server.url + "/api/ask", json={"question": "你好"}, timeout=30,
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(5)]
        assert codes == [200, 200, 200, 429, 429], codes

        for pid in before:          # every worker, the last one included
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        back = None
        while time.monotonic() - killed_at < 60:
            try:
                r = httpx.get(server.url + "/healthz", timeout=2)
                if r.status_code == 200:
                    back = time.monotonic() - killed_at
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        assert back is not None, "the service did not come back:\n" + server.log_text()[-2000:]
        assert back < 30, f"back after {back:.1f} s"
        after = {int(p) for p in server.wait_warm(timeout=120)}   # the workers answering now
        assert len(after) == 2 and not after & set(before), (before, after, server.log_text()[-2000:])
        (artifacts_dir / "availability.json").write_text(json.dumps({"workers_killed": 2, "back_after_s": round(back, 2)}))
    finally:
        server.stop()
