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
from cli.docs import docs
from cli.output import emit, handle_errors, json_option
from cli.staff import staff
from policydesk.dates import parse_day
from policydesk.errors import InputError
from policydesk.settings import get_settings, threads_per_worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """民生政策助手 policydesk — answers Shanxi social-policy questions from the policy texts."""


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None,
              help="政策来源目录（默认 corpus/）/ corpus folder")
@click.option("--library", "library_dir", type=click.Path(file_okay=False), default=None,
              help="法规库目录（与政策来源一起收录，并行处理）/ a law library tree to ingest with the corpus")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="并行进程数（默认为 CPU 核数；需安装 policydesk[scale]）/ parallel workers (Ray)")
@click.option("--ray-address", default=None,
              help="Ray 集群地址（默认读取 RAY_ADDRESS；不设则在本机启动）/ Ray cluster address")
@click.option("--lexical-only", is_flag=True, help="只建全文索引，向量以后再补 / skip the vector phase")
@click.option("--dense-limit", type=click.IntRange(0, None), default=None,
              help="本次最多为多少段计算向量（按优先级）/ cap the chunks given vectors")
@json_option
@handle_errors
def ingest(corpus_dir, library_dir, workers, ray_address, lexical_only, dense_limit, as_json):
    """Build or update the index under $POLICYDESK_HOME from the corpus folder.

    A law library (a tree of statute Markdown, e.g. the LawRefBook collection) is read with
    --library DIR, or as --corpus DIR when DIR holds no catalog.yaml and no sources/: parsed
    and embedded in parallel on Ray, searchable by full text before its vectors are done,
    and resumable (run the same command again after a stop)."""
    from pathlib import Path

    from retrieval.ingest import ingest_corpus, print_report
    from retrieval.library_ingest import ingest_library, is_library_tree

    settings = get_settings()
    corpus = Path(corpus_dir) if corpus_dir else settings.corpus_dir
    library = Path(library_dir) if library_dir else None
    include_corpus = True
    if library is None and corpus_dir and is_library_tree(corpus):
        library, include_corpus = corpus, False
    if library is not None:
        # the project corpus's word lists serve a library ingested alone too
        report = ingest_library(settings, library, corpus_dir=corpus if include_corpus else settings.corpus_dir,
                                include_corpus=include_corpus,
                                workers=workers, ray_address=ray_address, dense=not lexical_only,
                                dense_limit=dense_limit, progress=not as_json)
    else:
        if workers or ray_address or dense_limit is not None:
            from policydesk.errors import InputError

            raise InputError("--workers、--ray-address、--dense-limit 只用于法规库（--library）",
                             "--workers/--ray-address/--dense-limit apply to a library (--library)",
                             field="library")
        report = ingest_corpus(settings, corpus, progress=not as_json)
    emit(report.to_dict(), as_json, print_library_report if library is not None else print_report)
    if not report.ok:
        sys.exit(1)


def print_library_report(data: dict) -> None:
    """Every skipped file on its own line; warnings (odd history lines …) only counted."""
    errors = [p for p in data["problems"] if p["level"] == "error"]
    for p in errors:
        click.echo(f"跳过 {p['source']}：{p['message_zh']}  [{p['message_en']}]")
    warnings = len(data["problems"]) - len(errors)
    if warnings:
        click.echo(f"另有 {warnings} 条提示（不影响收录，--json 可查看）")
    click.echo(f"{data['summary']}  [{data['summary_en']}]")


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
@click.option("--library", "library_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="测量整个法规库（建索引、向量化吞吐、检索延迟、陷阱题）/ bench a law library instead")
@click.option("--dense-limit", type=click.IntRange(0, None), default=2000, show_default=True,
              help="法规库：计算向量的段数上限 / library: chunks given vectors")
@click.option("--sample", type=click.IntRange(16, None), default=256, show_default=True,
              help="法规库：测吞吐用的段数 / library: chunks per throughput run")
@click.option("--workers-list", default="1,2", show_default=True, help="法规库：并行进程数 / library: Ray workers to time")
@click.option("--repeats", type=click.IntRange(1, None), default=40, show_default=True,
              help="法规库：检索与问答的计时次数 / library: timed searches and asks")
@click.option("--home", "bench_home", type=click.Path(file_okay=False), default=None,
              help="法规库：保留建好的索引于此目录（默认临时目录）/ library: keep the built home here")
@json_option
@handle_errors
def bench(scales, quick, with_api, library_dir, dense_limit, sample, workers_list, repeats, bench_home, as_json):
    """Measure index build, search/ask latency (p50/p95), cold start, memory, and growth.

    With --library DIR: the whole law library — lexical build time, bare and Ray ingest
    embedding throughput, a dense subset, search/ask latency, peak memory, projected full
    dense build, and the region/version traps of eval/traps.yaml."""
    from pathlib import Path

    if library_dir:
        from cli.library_bench import print_library_bench, run_library_bench

        result = run_library_bench(Path(library_dir), dense_limit=dense_limit, sample=sample,
                                   workers_list=parse_scales(workers_list), repeats=repeats,
                                   home=Path(bench_home) if bench_home else None, progress=not as_json)
        emit(result, as_json, print_library_bench)
        return
    from cli.bench import print_bench, run_bench

    result = run_bench(scales=parse_scales(scales), quick=quick,
                       with_api=with_api, progress=not as_json)
    emit(result, as_json, print_bench)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False), default=None, required=False)
@json_option
@handle_errors
def traps(file, as_json):
    """Check the region and version traps (default eval/traps.yaml) against the current index."""
    from cli.library_bench import TRAPS_FILE, print_traps, run_traps

    result = run_traps(file or TRAPS_FILE)
    emit(result, as_json, print_traps)
    if result["traps_passed"] != result["traps_total"]:
        sys.exit(1)


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
cli.add_command(docs)
cli.add_command(staff)


def main():
    from policydesk.privacy import install_log_masking

    install_log_masking()
    cli(prog_name="policydesk")


if __name__ == "__main__":
    main()
