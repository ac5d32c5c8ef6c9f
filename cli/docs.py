"""`policydesk docs …` — the documents of the index, and managing them as the staff
console's Documents tab does: add (a file or text on stdin), show the preview, set
metadata and validity, publish, retire, replace. Every change is in the audit log under
``--actor`` (default: the operating-system user, as ``cli:NAME``)."""
from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

import click

from cli.output import emit, handle_errors, json_option
from policydesk.dates import parse_day
from policydesk.errors import InputError
from policydesk.settings import get_settings

TEXT_OPENING = 400   # characters of each text in a `docs --json` listing

actor_option = click.option("--actor", default=None,
                            help="记入审计日志的操作人（默认 cli:系统用户名）/ who to record in the audit log")
today_option = click.option("--today", default=None, help="按哪一天判断有效期（默认今天）/ the day validity is judged on")
wait_option = click.option("--wait/--no-wait", default=True, show_default=True,
                           help="等发布完成再返回 / wait for the index to be rebuilt")


def _service():
    # loaded per command: `policydesk --help` and `calc` do not pay for the search stack
    from assistant.documents import DocumentService
    from assistant.service import get_assistant

    assistant = get_assistant()
    return DocumentService(get_settings(), assistant.store, assistant.services)


def _actor(actor: str | None) -> str:
    if actor:
        return actor.strip()[:64]
    try:
        return "cli:" + getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def _today(value):
    return parse_day(value, field="today") if value else dt.date.today()


def _job_out(job) -> dict:
    return job.to_dict() if hasattr(job, "to_dict") else dict(job)


def _finish(data: dict, as_json: bool, human) -> None:
    emit(data, as_json, human)
    job = data.get("job") or {}
    if job.get("state") == "failed":
        sys.exit(1)


@click.group(invoke_without_command=True)
@click.option("--status", "status", default="", help="只列出某状态：draft published retired expired")
@click.option("-q", "--query", default="", help="按编号、标题、发布单位、文种、地区筛选")
@click.option("--full-text", "full_text", is_flag=True,
              help="--json 时给出全文（默认每篇只给开头，见 text_chars）/ whole texts in --json")
@click.option("--progress", "progress", is_flag=True,
              help="只显示索引进度（文档、段落、向量 已完成/总数）/ index progress only")
@click.option("--drafts", is_flag=True, help="也列出草稿（未收录）/ include drafts (not in the index)")
@today_option
@json_option
@click.pass_context
@handle_errors
def docs(ctx, status, query, full_text, progress, drafts, today, as_json):
    """List the ingested documents (retired ones marked) with status, validity, chunks and
    citations served (--drafts: drafts too); subcommands add, publish, retire … them."""
    if ctx.invoked_subcommand is not None:
        return
    if progress:
        # a law library is searchable before its vectors are complete
        from retrieval.library_ingest import index_status

        emit(index_status(get_settings()), as_json, lambda data: click.echo(data["summary"]))
        return
    service = _service()
    if not drafts and status != "draft":
        from retrieval.documents import load_documents

        load_documents(get_settings().index_dir)   # no index yet: say how to build one
    rows = service.list(_today(today), query=query, status=status)
    if not drafts and status != "draft":
        rows = [r for r in rows if r["in_index"]]
    if as_json:
        docs_by_id = service.index_documents()
        out = []
        for row in rows:
            doc = docs_by_id.get(row["doc_id"])
            item = {**(doc.summary_dict() if doc is not None else {}), **row}
            text = item.get("text") or ""
            # 26 statutes are ~0.5 MB of text: a listing gives each text's opening (cut from
            # it, never rewritten) and its length; --full-text or `docs show` give it whole.
            item["text_chars"] = len(text)
            item["text_complete"] = full_text or len(text) <= TEXT_OPENING
            item["text"] = text if item["text_complete"] else text[:TEXT_OPENING]
            item["source"] = doc.source if doc is not None else ""
            out.append(item)
        emit(out, True)
        return

    from retrieval.library_ingest import index_status

    status = index_status(get_settings())

    def human(data):
        if status["state"] != "complete" or status["documents"]["total"] != status["documents"]["done"]:
            click.echo(status["summary"])  # a library still filling in, or files skipped
        for r in data:
            validity = ""
            if r["valid_from"] or r["valid_until"]:
                validity = f"{r['valid_from'] or '…'}～{r['valid_until'] or '…'}"
            click.echo(f"{r['doc_id']}\t{r['date']}\t{r['publisher']}\t{r['title']}\t({r['characters']} 字)"
                       f"\t{r['status_zh']}\t{validity}\t{r['chunks']} 段\t引用 {r['citations_served']} 次")

    emit(rows, False, human)


def _meta(title, publisher, date, region, kind, valid_from, valid_until, note, quote, url) -> dict:
    values = {"title": title, "publisher": publisher, "date": date, "region": region, "kind": kind,
              "valid_from": valid_from, "valid_until": valid_until, "validity_note": note, "validity_quote": quote,
              "url": url}
    return {k: v for k, v in values.items() if v is not None}


def meta_options(fn):
    for option in reversed([
        click.option("--title", default=None, help="标题"),
        click.option("--publisher", default=None, help="发布单位"),
        click.option("--date", default=None, help="发布日期 YYYY-MM-DD"),
        click.option("--region", default=None, help="地区（默认 山西）"),
        click.option("--kind", default=None, help="文种：通知、办法、解读、新闻……"),
        click.option("--valid-from", default=None, help="施行日期 YYYY-MM-DD"),
        click.option("--valid-until", default=None, help="截止日期 YYYY-MM-DD（过后回答会说明已结束）"),
        click.option("--note", default=None, help="有效期说明，例如：发放工作已于2023年2月底前完成"),
        click.option("--quote", default=None, help="正文中写明日期的原文（逐字）"),
        click.option("--url", default=None, help="原文链接"),
    ]):
        fn = option(fn)
    return fn


def _read_input(file: str) -> tuple[str | None, bytes | None, str | None]:
    """(file name, bytes) of FILE, or (None, None, text) for "-" (text on stdin)."""
    if file == "-":
        return None, None, sys.stdin.read()
    path = Path(file)
    if not path.is_file():
        raise InputError(f"找不到文件：{file[:200]}", "file not found", field="file")
    limit = get_settings().max_upload_bytes
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"文件“{path.name}”太大（{size / 1048576:.1f} MB），最大 {limit / 1048576:.0f} MB；"
                         "请拆分文件或压缩其中的图片后再上传", "file too large", field="file")
    return path.name, path.read_bytes(), None


def _preview_lines(preview: dict) -> None:
    c = preview["cleaning"]
    s = preview["structure"]
    click.echo(f"正文 {preview['characters']} 字，{preview['paragraphs']} 段；切分为 {len(preview['chunks'])} 个检索段落")
    click.echo(f"清理：原文 {c['raw_lines']} 行，接续断行 {c['joined_wraps']} 处，删除多余空格 {c['spaces_removed']} 个"
               + (f"，去除页眉页脚 {len(c['furniture_removed'])} 行" if c["furniture_removed"] else "")
               + ("（文字由 OCR 识别，请核对）" if c.get("ocr") else ""))
    if c["bylines"]:
        click.echo("署名：" + "；".join(c["bylines"]))
    click.echo(f"结构：章节 {len(s['chapters'])}，条文 {len(s['articles'])}，编号条目 {len(s['items'])}")
    for p in preview["problems"]:
        click.echo("提示：" + p)


@docs.command()
@click.argument("file")
@meta_options
@click.option("--doc-id", default=None, help="指定文档编号（默认由文件名生成）")
@click.option("--replaces", default=None, help="作为新版本替换这个文档（发布时旧版本撤下）")
@click.option("--publish", "publish_now", is_flag=True, help="添加后立即发布")
@actor_option
@json_option
@handle_errors
def add(file, title, publisher, date, region, kind, valid_from, valid_until, note, quote, url, doc_id, replaces,
        publish_now, actor, as_json):
    """Add FILE (.pdf .docx .txt .md; "-" reads text from stdin) as a draft; --publish
    publishes it at once. Prints {doc_id, status}."""
    service = _service()
    name, data, text = _read_input(file)
    meta = _meta(title, publisher, date, region, kind, valid_from, valid_until, note, quote, url)
    if publish_now:
        from assistant.documents import check_metadata

        check_metadata(meta, require=True)   # refuse before storing anything
    result = service.add(filename=name, data=data, text=text, meta=meta, actor=_actor(actor), doc_id=doc_id,
                         replaces=replaces)
    out = {"doc_id": result["doc_id"], "status": result["status"]}
    if publish_now:
        job = service.publish(result["doc_id"], _actor(actor))
        out["status"] = (service.registry.get(result["doc_id"]).status)
        out["job"] = _job_out(job)
    out["preview"] = {k: v for k, v in result["preview"].items() if k not in ("text", "chunks")}

    def human(d):
        click.echo(f"{d['doc_id']}\t{d['status']}")
        _preview_lines(result["preview"])
        if d.get("job", {}).get("state") == "failed":
            click.echo("发布失败：" + d["job"]["error"], err=True)

    _finish(out, as_json, human)


@docs.command()
@click.argument("doc_id")
@today_option
@json_option
@handle_errors
def show(doc_id, today, as_json):
    """One document: status, validity, counts, and for an added one the preview (cleaned
    text, what cleaning did, structure, chunks)."""
    data = _service().get(doc_id, _today(today))

    def human(d):
        click.echo(f"{d['doc_id']}\t{d['status_zh']}\t{d['title']}\t{d['publisher']}\t{d['date']}")
        if d["valid_from"] or d["valid_until"]:
            click.echo(f"有效期：{d['valid_from'] or '…'}～{d['valid_until'] or '…'} {d['validity_note']}")
        if d.get("preview"):
            _preview_lines(d["preview"])
        click.echo("")
        click.echo(d.get("text") or "")

    emit(data, as_json, human)


@docs.command(name="set")
@click.argument("doc_id")
@meta_options
@click.option("--measure", "measures", multiple=True,
              help="文中一项措施的有效期：'名称|定位原文|施行日期|截止日期|说明'（可重复；传 '' 清空）")
@wait_option
@actor_option
@json_option
@handle_errors
def set_(doc_id, title, publisher, date, region, kind, valid_from, valid_until, note, quote, url, measures, wait,
         actor, as_json):
    """Change metadata or validity of DOC_ID (a published document is re-indexed)."""
    meta = _meta(title, publisher, date, region, kind, valid_from, valid_until, note, quote, url)
    if measures:
        specs = []
        for text in measures:
            if not text.strip():
                continue
            parts = (text.split("|") + [""] * 5)[:5]
            specs.append({"label": parts[0], "anchor": parts[1], "valid_from": parts[2], "valid_until": parts[3],
                          "note": parts[4]})
        meta["measures"] = specs
    result = _service().update(doc_id, meta, _actor(actor), wait=wait)
    _finish(result, as_json, lambda d: click.echo(f"{d['doc_id']}\t{d['status']}"
                                                  + (f"\t{d['job']['state']}" if d.get("job") else "")))


@docs.command()
@click.argument("doc_id")
@wait_option
@actor_option
@json_option
@handle_errors
def publish(doc_id, wait, actor, as_json):
    """Publish the draft DOC_ID: the index is rebuilt with it (incrementally) and it is
    answerable when this returns. A failed run leaves the index as it was."""
    service = _service()
    job = service.publish(doc_id, _actor(actor), wait=wait)
    record = service.registry.get(doc_id)
    out = {"doc_id": doc_id, "status": record.status if record else "", "job": _job_out(job)}

    def human(d):
        if d["job"]["state"] == "failed":
            click.echo("发布失败：" + d["job"]["error"], err=True)
        else:
            click.echo(f"{d['doc_id']}\t{d['status']}")

    _finish(out, as_json, human)


@docs.command()
@click.argument("doc_id")
@click.option("--reason", default="", help="撤下原因（记入审计日志）")
@wait_option
@actor_option
@json_option
@handle_errors
def retire(doc_id, reason, wait, actor, as_json):
    """Retire DOC_ID: kept and marked, never cited to citizens again; 口径库 entries
    citing it are flagged for review."""
    service = _service()
    job = service.retire(doc_id, _actor(actor), reason, wait=wait)
    record = service.registry.get(doc_id)
    out = {"doc_id": doc_id, "status": record.status if record else "", "job": _job_out(job)}

    def human(d):
        if d["job"]["state"] == "failed":
            click.echo("撤下失败：" + d["job"]["error"], err=True)
        else:
            click.echo(f"{d['doc_id']}\t{d['status']}")

    _finish(out, as_json, human)


@docs.command(name="replace")
@click.argument("doc_id")
@click.argument("file")
@meta_options
@click.option("--publish", "publish_now", is_flag=True, help="立即发布新版本（旧版本同时撤下）")
@actor_option
@json_option
@handle_errors
def replace_(doc_id, file, title, publisher, date, region, kind, valid_from, valid_until, note, quote, url,
             publish_now, actor, as_json):
    """Add FILE as a new version of DOC_ID (it inherits DOC_ID's id history); publishing it
    retires DOC_ID in the same run."""
    service = _service()
    name, data, text = _read_input(file)
    meta = _meta(title, publisher, date, region, kind, valid_from, valid_until, note, quote, url)
    result = service.add(filename=name, data=data, text=text, meta=meta, actor=_actor(actor), replaces=doc_id)
    out = {"doc_id": result["doc_id"], "status": result["status"], "replaces": doc_id}
    if publish_now:
        out["job"] = _job_out(service.publish(result["doc_id"], _actor(actor)))
        out["status"] = service.registry.get(result["doc_id"]).status
    _finish(out, as_json, lambda d: click.echo(f"{d['doc_id']}\t{d['status']}\t替换 {doc_id}"))


@docs.command(name="delete")
@click.argument("doc_id")
@actor_option
@json_option
@handle_errors
def delete(doc_id, actor, as_json):
    """Delete the draft DOC_ID (published documents are retired, not deleted)."""
    _service().delete_draft(doc_id, _actor(actor))
    emit({"doc_id": doc_id, "deleted": True}, as_json, lambda d: click.echo(f"已删除草稿：{doc_id}"))


@docs.command()
@click.argument("job_id")
@json_option
@handle_errors
def job(job_id, as_json):
    """The state of a publish or retire run (stage, percent, error)."""
    data = _service().job(job_id).to_dict()
    emit(data, as_json, lambda d: click.echo(f"{d['job_id']}\t{d['state']}\t{d['percent']}%\t{d['error']}"))
