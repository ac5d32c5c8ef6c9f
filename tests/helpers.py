"""Helpers for tests that run the command line or start real servers."""
import socket
import subprocess
import sys
from pathlib import Path

# `policydesk` as this interpreter runs it: the function the console script calls
# (cli.main:main, see tests/test_layers.py), from the tree under test.
POLICYDESK = [sys.executable, "-m", "cli.main"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc, timeout: float = 10) -> None:
    """Terminate a server a test started, killing it if it does not stop in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def child_pids(pid: int) -> list[int]:
    """The child processes of ``pid`` (a server's workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            pids.append(int(entry.name))
    return sorted(pids)


def start_chroma_server(data_dir):
    """A Chroma server on a free 127.0.0.1 port storing under ``data_dir``: (process, url).
    The caller stops it with ``stop_process``; raises RuntimeError if it does not come up."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    exe = Path(sys.executable).parent / "chroma"
    port = free_port()
    proc = subprocess.Popen([str(exe), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_process(proc)
    raise RuntimeError("chroma server did not start")
