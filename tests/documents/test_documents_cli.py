"""`policydesk docs add / publish / retire` (the DESIGN.md contract: add → {doc_id, status}),
bad input exiting 2 with a Chinese message, two clerks publishing at once (two processes),
and a publish killed midway (the index and the registry stay as they were)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from doc_samples import NOTICE, QUESTION, TITLE

ROOT = Path(__file__).resolve().parents[2]
META = ["--title", TITLE, "--publisher", "山西省人力资源和社会保障厅", "--date", "2026-02-10"]


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result


def _cited(question: str, today: str) -> set[str]:
    result = _run("ask", question, "--today", today, "--json")
    assert result.exit_code == 0, result.output
    return {c["doc_id"] for c in json.loads(result.output)["citations"]}


def test_add_publish_ask_retire_on_the_command_line(docs_home, tmp_path):
    path = tmp_path / "grad-subsidy-2026.txt"
    path.write_text(NOTICE, encoding="utf-8")
    result = _run("docs", "add", str(path), *META, "--valid-until", "2026-06-30", "--publish", "--json",
                  "--actor", "zhao.clerk")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["doc_id"] == "grad-subsidy-2026" and out["status"] == "published"
    assert "grad-subsidy-2026" in _cited(QUESTION, "2026-04-01")
    listed = {d["doc_id"]: d for d in json.loads(_run("docs", "--json", "--today", "2026-04-01").output)}
    row = listed["grad-subsidy-2026"]
    assert row["status"] == "published" and row["valid_until"] == "2026-06-30" and row["chunks"] >= 1
    assert {"doc_id", "title", "publisher", "date", "source", "text"} <= set(row)
    # the human listing says 已失效 once the day is past valid_until
    human = _run("docs", "--today", "2026-07-01").output
    assert next(line for line in human.splitlines() if line.startswith("grad-subsidy-2026")).count("已失效") == 1

    result = _run("docs", "retire", "grad-subsidy-2026", "--reason", "补贴已发放完毕", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "retired", result.output
    assert "grad-subsidy-2026" not in _cited(QUESTION, "2026-04-01")
    listed = {d["doc_id"]: d for d in json.loads(_run("docs", "--json").output)}
    assert listed["grad-subsidy-2026"]["status"] == "retired"       # kept, marked

    from assistant.service import get_assistant

    audit = [(a["action"], a["actor"]) for a in get_assistant().store.audit_list() if a.get("target") == out["doc_id"]]
    assert ("doc_add", "zhao.clerk") in audit and ("doc_publish", "zhao.clerk") in audit
    assert any(action == "doc_retire" and actor.startswith("cli") for action, actor in audit)


def test_bad_input_exits_2_with_a_chinese_message(docs_home, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    result = _run("docs", "add", str(path), "--title", "通知", "--publisher", "人社厅", "--date", "2026-02-30",
                  "--publish")
    assert result.exit_code == 2 and "“发布日期”2026-02-30 是不存在的日期" in result.output
    assert "Traceback" not in result.output
    picture = tmp_path / "scan.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    result = _run("docs", "add", str(picture))
    assert result.exit_code == 2 and "不支持的文件类型 .jpg" in result.output
    result = _run("docs", "publish", "no-such-document")
    assert result.exit_code == 2 and "没有编号为" in result.output
    # nothing was stored by the refused adds
    listed = json.loads(_run("docs", "--drafts", "--json").output)
    assert listed == json.loads(_run("docs", "--json").output)
    assert not [d for d in listed if d["status"] == "draft"]


def _draft(text: str, title: str) -> str:
    from assistant.documents import DocumentService
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    service = DocumentService(get_settings(), get_assistant().store)
    return service.add(text=text, meta={"title": title, "publisher": "山西省人力资源和社会保障厅",
                                        "date": "2026-02-10"}, actor="test")["doc_id"]


def _cli_process(*args, prelude: str = "") -> subprocess.Popen:
    code = prelude + "\nfrom cli.main import main\nmain()\n"
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


PENSION = ("关于调整城乡居民基础养老金最低标准的通知\n\n经省政府同意，自2026年1月1日起，城乡居民基础养老金最低标准"
           "提高到每人每月185元。\n\n各地要确保按时足额发放到位。\n")


def test_two_clerks_publishing_at_once_both_land(docs_home):
    from retrieval.documents import load_documents
    from policydesk.settings import get_settings

    first = _draft(NOTICE, TITLE)
    second = _draft(PENSION, "关于调整城乡居民基础养老金最低标准的通知")
    procs = [_cli_process("docs", "publish", first, "--json", "--actor", "wang.clerk"),
             _cli_process("docs", "publish", second, "--json", "--actor", "zhao.clerk")]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (stdout, stderr) in zip(procs, outs):
        assert p.returncode == 0, stderr[-2000:]
        assert json.loads(stdout)["status"] == "published"
    # the second run built on the first: neither publish was lost
    ids = {d.doc_id for d in load_documents(get_settings().index_dir)}
    assert {first, second} <= ids
    assert first in _cited(QUESTION, "2026-04-01")
    assert second in _cited("城乡居民基础养老金最低标准是多少？", "2026-04-01")


SLOW_STORE = """
import os, time, retrieval.ingest as ingest, retrieval.indexing as indexing
real = indexing._stage
def slow(report, name, done=0, total=0, message=""):
    real(report, name, done, total, message)
    if name == "store":
        open(os.environ["MARKER"], "w").close()
        time.sleep(120)
indexing._stage = slow
"""


def test_a_publish_killed_midway_leaves_index_and_registry_intact(docs_home, tmp_path, monkeypatch):
    from assistant.documents import DocumentService
    from assistant.service import get_assistant
    from policydesk.settings import get_settings
    from retrieval.documents import DOCS_FILE

    settings = get_settings()
    doc_id = _draft(NOTICE, TITLE)
    before = (settings.index_dir / DOCS_FILE).read_bytes()
    marker = tmp_path / "at-store"
    monkeypatch.setenv("MARKER", str(marker))
    proc = _cli_process("docs", "publish", doc_id, prelude=SLOW_STORE)
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "the publish never reached the vector store"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)

    # the index is the one before; the document is still a draft; the job says it was cut off
    assert (settings.index_dir / DOCS_FILE).read_bytes() == before
    service = DocumentService(settings, get_assistant().store, get_assistant().services)
    assert service.registry.get(doc_id).status == "draft"
    [job] = service.registry.jobs(doc_id)
    assert job.state == "failed" and "中断" in job.error and "索引保持发布前的状态" in job.error
    assert doc_id not in _cited(QUESTION, "2026-04-01")
    assert any(settings.index_dir.parent.glob(f".{settings.index_dir.name}.building-*"))

    # publishing again works and cleans up what the killed run left
    job = service.publish(doc_id, "wang.clerk")
    assert job.state == "done", job.error
    assert not any(settings.index_dir.parent.glob(f".{settings.index_dir.name}.building-*"))
    assert doc_id in _cited(QUESTION, "2026-04-01")
