"""The `policydesk` command line: a thin click layer. Docstrings are the --help texts.

Every command takes --json. Bad input exits 2 with one clear line (or {"error": ...}
with --json), never a traceback.

The layers each command needs are imported inside that command: loading the search stack
(numpy, langchain, the embedder: about 0.8 s) or uvicorn is paid by `ask`, `search`,
`ingest`, `serve` only, not by `calc`, `docs` or `--help`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant.render import citation_label, terminal_text
from cli.calc import calc
from cli.output import emit, handle_errors, json_option
from cli.staff import staff
from policydesk.dates import parse_day
from policydesk.errors import InputError
from policydesk.settings import get_settings, threads_per_worker
from retrieval.documents import load_documents


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """民生政策助手 policydesk — answers Shanxi social-policy questions from the policy texts."""


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None,
              help="政策来源目录（默认 corpus/）/ corpus folder")
@json_option
@handle_errors
def ingest(corpus_dir, as_json):
    """Build or update the index under $POLICYDESK_HOME from the corpus folder."""
    from retrieval.ingest import ingest_corpus, print_report

    settings = get_settings()
    report = ingest_corpus(settings, Path(corpus_dir) if corpus_dir else settings.corpus_dir,
                           progress=not as_json)
    emit(report.to_dict(), as_json, print_report)
    if not report.ok:
        sys.exit(1)


@cli.command()
@json_option
@handle_errors
def docs(as_json):
    """List the ingested documents."""
    documents = load_documents(get_settings().index_dir)

    def human(rows):
        for row in rows:
            click.echo(f"{row['doc_id']}\t{row['date']}\t{row['publisher']}\t{row['title']}\t({len(row['text'])} 字)")

    emit([d.summary_dict() for d in documents], as_json, human)


@cli.command()
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="返回段落数")
@json_option
@handle_errors
def search(query, k, as_json):
    """Ranked passages for QUERY, each with its citation."""
    from assistant.service import get_assistant

    result = get_assistant().search(query, k=k)

    def human(data):
        for i, p in enumerate(data["passages"], 1):
            click.echo(f"[{i}] {p['score']:.4f} {citation_label(p['citation'])}")
            click.echo(f"    {p['text']}")

    emit(result, as_json, human)


@cli.command()
@click.argument("question")
@click.option("--today", default=None, help="提问日期 YYYY-MM-DD（默认今天）")
@click.option("--session", "session_id", default=None, help="会话 ID（多轮对话）")
@json_option
@handle_errors
def ask(question, today, session_id, as_json):
    """Answer QUESTION from the policy texts, with citations."""
    from assistant.service import get_assistant

    day = parse_day(today, field="today") if today else None
    answer = get_assistant().ask(question, session_id=session_id, today=day)

    emit(answer.to_dict(), as_json, lambda data: click.echo(terminal_text(data)))


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-k", "k", type=click.IntRange(1, 50), default=3, show_default=True)
@click.option("--url", default=None,
              help="对话集发往正在运行的服务（如 http://127.0.0.1:8000）；默认在本进程内走 HTTP 接口 / "
                   "send a dialog set to a running `policydesk serve` instead of the app in this process")
@json_option
@handle_errors
def eval_command(file, k, url, as_json):
    """Run a question set (shared/eval format) and print failures and a summary.

    A dialog set (items with `turns`) goes through POST /api/ask, one session id per dialog."""
    from cli.evaluation import print_summary, run_eval

    summary = run_eval(file, k=k, url=url)
    emit(summary, as_json, print_summary)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="工作进程数；2 个以上时主进程会重启意外退出的进程 / worker processes (a supervisor restarts any that die)")
@click.option("--threads", default=None, type=click.IntRange(1, 64),
              help="每个进程的计算线程数（默认：CPU 核数 ÷ 进程数）/ compute threads per worker (default: cores ÷ workers)")
@json_option
@handle_errors
def serve(host, port, workers, threads, as_json):
    """Serve the JSON API, the WeChat H5 page, widget.js and the WeChat callback.

    Forwarded headers (X-Forwarded-For) are believed only from the proxies named in
    POLICYDESK_TRUST_PROXY; uvicorn's own proxy handling is off, so a client cannot choose
    its address by sending the header."""
    import os

    import uvicorn

    threads = threads or threads_per_worker(workers)
    os.environ["OMP_NUM_THREADS"] = str(threads)       # the embedder's OpenMP pool, per worker
    if as_json:
        click.echo(json.dumps({"host": host, "port": port, "workers": workers, "threads": threads}))
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=False, forwarded_allow_ips="", server_header=False,
                timeout_graceful_shutdown=10, log_level="info")


@cli.command()
@click.option("--scales", default="1,10,100", show_default=True, help="corpus size multipliers")
@click.option("--quick", is_flag=True, help="fewer repetitions")
@click.option("--api/--no-api", "with_api", default=True, help="also load-test /api/ask")
@json_option
@handle_errors
def bench(scales, quick, with_api, as_json):
    """Measure index build, search/ask latency (p50/p95), cold start, memory, and growth."""
    from cli.bench import print_bench, run_bench

    result = run_bench(scales=parse_scales(scales), quick=quick,
                       with_api=with_api, progress=not as_json)
    emit(result, as_json, print_bench)


def parse_scales(text: str) -> list[int]:
    """"1,10,100" → [1, 10, 100]; each a whole number from 1 to 1000, repeats dropped."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 1000:
            raise InputError(f"规模应为 1 到 1000 的整数，用逗号分隔：{part}",
                             f"--scales takes whole numbers 1..1000, comma-separated: {part!r}", field="scales")
        if int(part) not in out:
            out.append(int(part))
    if not out:
        raise InputError("请至少给出一个规模，例如 --scales 1,10", "--scales is empty", field="scales")
    return out


cli.add_command(calc)
cli.add_command(staff)


def main():
    from policydesk.privacy import install_log_masking

    install_log_masking()
    cli(prog_name="policydesk")


if __name__ == "__main__":
    main()
