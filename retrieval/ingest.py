"""Ingest the corpus folder into the index: sources + catalog → clean article documents.

    corpus/sources/*.txt|md|pdf  --load--> raw text --split at bylines, clean--> articles
    corpus/catalog.yaml          --> id, title, publisher, date, region, tags, url per article,
                                 and validity (valid_from, valid_until, note, the supporting
                                 words, measures inside the article) where the text gives it
    corpus/statutes/**/*.md      --parse_statute--> one document per statute, its metadata
                                  (title, version date, issuing body, events, kind) read
                                  from the file itself; region 全国
    corpus/regions.yaml          --> the default region of uncatalogued sources
    $POLICYDESK_HOME/documents/  --> documents staff added (published and retired ones) and
                                 their overrides of corpus documents (retired, validity):
                                 see retrieval/registry.py

The index is built in a temporary folder beside ``settings.index_dir`` and swapped in with
two renames, so a failed run leaves the previous index as it was. Runs are incremental: a
source whose bytes and catalog entries did not change reuses its documents from the
previous index; if nothing at all changed the run does nothing.

Runs are serialised by a lock beside the index (two clerks publishing at once: the second
waits and then builds on the first). A run may carry ``changes`` to the registry (publish,
retire, new dates): they shape the build and are written to the registry only after the
build succeeded, just before the swap, so a failed or killed run changes nothing.

Bad input never stops the run: each problem becomes one line naming the file (Chinese and
English) and the other sources are still ingested. The run fails only when no document
at all could be produced."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import contextlib
import fcntl

from policydesk.errors import IngestError, PolicydeskError
from retrieval.articles import Article, split_articles
from retrieval.documents import (DOCS_FILE, DRAFT, MANIFEST_FILE, PUBLISHED, RETIRED, Document, read_documents,
                                 write_documents)
from retrieval.loaders import SUPPORTED_SUFFIXES, SUPPORTED_ZH, decode_text, load_source
from retrieval.indexing import build_search_index
from retrieval.managed import build_document, with_validity
from retrieval.regions import NATIONAL, load_regions
from retrieval.registry import CORPUS, DocumentRecord, DocumentRegistry
from retrieval.statutes import parse_statute

# Bump when cleaning or splitting changes what documents look like: forces a full rebuild.
INDEX_FORMAT_VERSION = 1
CATALOG_FILE = "catalog.yaml"
SOURCES_DIR = "sources"
STATUTES_DIR = "statutes"
STATUTE_SUFFIXES = (".md",)
_TITLE_MAX = 30


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file. ``level`` is ``error`` (file skipped) or ``warning``."""

    source: str
    message_zh: str
    message_en: str
    level: str = "error"
    line: int | None = None  # 1-based line in the file, when one is to blame

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def where_zh(self) -> str:
        return f"{self.source} 第 {self.line} 行" if self.line else self.source

    @property
    def where_en(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass(frozen=True)
class CatalogEntry:
    doc_id: str
    file: str  # relative to the corpus folder, forward slashes
    index: int
    title: str = ""
    publisher: str = ""
    date: str = ""
    region: str = ""  # "" = the corpus's default region (regions.yaml)
    tags: tuple[str, ...] = ()
    url: str = ""
    kind: str = ""
    valid_from: str = ""
    valid_until: str = ""
    validity_note: str = ""
    validity_quote: str = ""
    measure_specs: tuple[dict, ...] = ()


@dataclass
class IngestReport:
    index_dir: str
    documents: int = 0
    sources: list[dict] = field(default_factory=list)  # {source, status, doc_ids}
    problems: list[Problem] = field(default_factory=list)
    up_to_date: bool = False

    @property
    def ok(self) -> bool:
        """False only when nothing could be ingested."""
        return self.documents > 0

    def to_dict(self) -> dict:
        counts = {s: sum(1 for r in self.sources if r["status"] == s)
                  for s in ("ingested", "unchanged", "failed")}
        if self.up_to_date:
            zh = f"索引已是最新，无需更新（共 {self.documents} 篇文档）"
            en = f"index is up to date, nothing to do ({self.documents} documents)"
        elif self.ok:
            zh = (f"已收录 {self.documents} 篇文档：处理 {counts['ingested']} 个来源，"
                  f"未变跳过 {counts['unchanged']} 个，失败 {counts['failed']} 个")
            en = (f"{self.documents} documents: {counts['ingested']} sources processed, "
                  f"{counts['unchanged']} unchanged, {counts['failed']} failed")
        else:
            zh = "没有任何文档可以收录，原有索引保持不变"
            en = "nothing could be ingested; the previous index is unchanged"
        return {
            "ok": self.ok,
            "up_to_date": self.up_to_date,
            "documents": self.documents,
            "index_dir": self.index_dir,
            "sources": self.sources,
            "problems": [p.to_dict() for p in self.problems],
            "summary": zh,
            "summary_en": en,
        }


def print_report(data: dict) -> None:
    """Human output: one line per problem (Chinese, then English), then the summary."""
    for p in data.get("problems", []):
        label = "错误" if p["level"] == "error" else "警告"
        where_zh = f"{p['source']} 第 {p['line']} 行" if p.get("line") else p["source"]
        where_en = f"{p['source']}:{p['line']}" if p.get("line") else p["source"]
        print(f"{label} {where_zh}：{p['message_zh']}  [{where_en}: {p['message_en']}]")
    print(f"{data['summary']}  [{data['summary_en']}]")


# ---------------------------------------------------------------- catalog


def load_catalog(corpus_dir: Path) -> tuple[list[CatalogEntry], list[Problem], str]:
    """Entries of ``catalog.yaml`` (may be absent), problems found, and the file's sha256."""
    import yaml

    path = corpus_dir / CATALOG_FILE
    if not path.exists():
        return [], [], ""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        parsed = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [Problem(CATALOG_FILE, "目录文件不是 UTF-8 编码，已忽略其中的登记",
                            "catalog is not UTF-8; its entries are ignored")], digest
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f"第 {mark.line + 1} 行"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [Problem(CATALOG_FILE, f"目录文件 YAML 格式错误{('（' + where + '）') if where else ''}，"
                            "已忽略其中的登记，文件仍按自动生成的信息收录",
                            f"invalid YAML{(' at line ' + str(mark.line + 1)) if mark else ''}: "
                            f"{problem}; entries ignored, files ingested with derived metadata")], digest
    if parsed is None:
        return [], [], digest
    items = parsed.get("articles") if isinstance(parsed, dict) else parsed
    if not isinstance(items, list):
        return [], [Problem(CATALOG_FILE, "目录文件应包含 articles 列表，已忽略",
                            "catalog must contain an 'articles' list; ignored")], digest
    entries: list[CatalogEntry] = []
    problems: list[Problem] = []
    for n, item in enumerate(items, 1):
        entry, problem = _catalog_entry(item, n)
        if problem:
            problems.append(problem)
        if entry:
            entries.append(entry)
    return entries, problems, digest


def _catalog_entry(item, n: int) -> tuple[CatalogEntry | None, Problem | None]:
    where = f"{CATALOG_FILE} 第 {n} 条"
    where_en = f"{CATALOG_FILE} entry {n}"
    if not isinstance(item, dict):
        return None, Problem(where, "登记格式错误（应为键值对），已忽略", "entry is not a mapping; ignored")
    doc_id = str(item.get("id") or "").strip()
    file = str(item.get("file") or "").strip().replace("\\", "/")
    if not doc_id or not file:
        return None, Problem(where, "登记缺少 id 或 file，已忽略", f"{where_en}: missing id or file; ignored")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc_id):
        return None, Problem(where, f"编号 {doc_id} 只能包含字母、数字、点、横线和下划线，已忽略",
                             f"{where_en}: id {doc_id!r} must be letters, digits, . - _; ignored")
    try:
        index = int(item.get("index", 1))
        if index < 1:
            raise ValueError
    except (TypeError, ValueError):
        return None, Problem(where, f"篇序 index 应为正整数（{doc_id}），已忽略",
                             f"{where_en}: index must be a positive integer ({doc_id}); ignored")
    problem = None
    date = item.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.strftime("%Y-%m-%d")
    elif date:
        try:
            date = dt.date.fromisoformat(str(date).strip()).isoformat()
        except ValueError:
            problem = Problem(where, f"日期 {date} 不是 YYYY-MM-DD 格式（{doc_id}），改用自动识别的日期",
                              f"{where_en}: date {date!r} is not YYYY-MM-DD ({doc_id}); derived instead",
                              "warning")
            date = ""
    tags = item.get("tags") or ()
    if isinstance(tags, str):
        tags = [t for t in re.split(r"[,，、\s]+", tags) if t]
    validity = {}
    for key in ("valid_from", "valid_until"):
        value = item.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.strftime("%Y-%m-%d")
        validity[key] = str(value or "").strip()
    measures = item.get("measures") or []
    if not isinstance(measures, list) or not all(isinstance(m, dict) for m in measures):
        problem = problem or Problem(where, f"措施 measures 应为列表（{doc_id}），已忽略",
                                     f"{where_en}: measures must be a list ({doc_id}); ignored", "warning")
        measures = ()
    measures = tuple({k: (v.strftime("%Y-%m-%d") if isinstance(v, (dt.date, dt.datetime)) else v)
                      for k, v in m.items()} for m in measures)
    entry = CatalogEntry(
        doc_id=doc_id, file=file, index=index,
        title=str(item.get("title") or "").strip(),
        publisher=str(item.get("publisher") or "").strip(),
        date=date or "",
        region=str(item.get("region") or "").strip(),
        tags=tuple(str(t) for t in tags),
        url=str(item.get("url") or "").strip(),
        kind=str(item.get("kind") or "").strip(),
        validity_note=str(item.get("validity_note") or "").strip(),
        validity_quote=str(item.get("validity_quote") or "").strip(),
        measure_specs=measures,
        **validity,
    )
    return entry, problem


# ---------------------------------------------------------------- one source


def derived_doc_id(relpath: str, index: int) -> str:
    """A stable id for an uncatalogued article: the file stem as a slug plus the article number."""
    stem = Path(relpath).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if not stem.isascii() or not slug:
        slug = (slug + "-" if slug else "doc-") + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{index}"


def derived_title(text: str) -> str:
    """The first sentence, shortened: used when the catalog gives no title."""
    first = re.split(r"(?<=[。！？!?])", text.split("\n", 1)[0], maxsplit=1)[0].rstrip("。！？!?")
    return first if len(first) <= _TITLE_MAX else first[:_TITLE_MAX] + "…"


def derived_date(relpath: str, text: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", Path(relpath).name)
    if not m:
        m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return ""
    return ""


def ingest_source(path: Path, relpath: str, entries: list[CatalogEntry],
                  default_region: str = "") -> tuple[list[Document], list[Problem]]:
    """Documents of one source file; raises IngestError if the file cannot be read at all."""
    loaded = load_source(path, relpath)
    articles = split_articles(loaded.text, markdown=loaded.markdown)
    articles = [a for a in articles if a.text.strip()]
    if not articles:
        raise IngestError(relpath, "文件中没有可收录的正文", "no article text found")
    problems: list[Problem] = []
    by_index: dict[int, CatalogEntry] = {}
    for e in sorted(entries, key=lambda e: e.index):
        if e.index in by_index:
            problems.append(Problem(relpath, f"目录中第 {e.index} 篇登记了两次（{by_index[e.index].doc_id}、{e.doc_id}），"
                                    f"采用 {by_index[e.index].doc_id}",
                                    f"article {e.index} is catalogued twice ({by_index[e.index].doc_id}, "
                                    f"{e.doc_id}); using {by_index[e.index].doc_id}", "warning"))
            continue
        by_index[e.index] = e
    if len(articles) == 1 and len(by_index) > 1:
        first = min(by_index)
        problems.append(Problem(relpath, f"目录登记了 {len(by_index)} 篇，但版面中没有找到署名（如“据《某报》”），"
                                f"无法分篇，整版作为一篇（{by_index[first].doc_id}）收录",
                                f"catalog lists {len(by_index)} articles but no byline was found to split "
                                f"the page; ingested as one article ({by_index[first].doc_id})", "warning"))
        by_index = {1: by_index[first]}
    else:
        missing = sorted(i for i in by_index if i > len(articles))
        if missing:
            problems.append(Problem(relpath, f"目录登记了第 {'、'.join(map(str, missing))} 篇，但文件中只分出 "
                                    f"{len(articles)} 篇，这些登记未使用",
                                    f"catalog lists article(s) {missing} but the file splits into "
                                    f"{len(articles)}; those entries are unused", "warning"))
    documents = []
    for a in articles:
        doc = _document(a, by_index.get(a.index), relpath, default_region)
        entry = by_index.get(a.index)
        if entry is not None:
            doc, validity_problems = with_validity(doc, entry)
            problems += [Problem(relpath, f"{doc.doc_id}：{zh}", f"{doc.doc_id}: validity not used ({zh})", "warning")
                         for zh in validity_problems]
        documents.append(doc)
    return documents, problems


def _document(article: Article, entry: CatalogEntry | None, relpath: str, default_region: str = "") -> Document:
    text = article.text
    if entry is None:
        entry = CatalogEntry(doc_id=derived_doc_id(relpath, article.index), file=relpath, index=article.index)
    return Document(
        doc_id=entry.doc_id,
        title=entry.title or derived_title(text),
        publisher=entry.publisher or article.source_publisher,
        date=entry.date or derived_date(relpath, text),
        source=relpath,
        text=text,
        region=entry.region or default_region,
        tags=entry.tags,
        byline=article.byline,
        url=entry.url,
        kind=entry.kind,
    )


# ---------------------------------------------------------------- one statute


class StatuteProblems(IngestError):
    """A statute file that cannot be served: every problem with its line."""

    def __init__(self, relpath: str, problems: list[Problem]):
        first = problems[0]
        super().__init__(relpath, first.message_zh, first.message_en)
        self.problems = problems


def statute_doc_id(title: str, version_date: str | None) -> str:
    """Stable id of one version of a statute: the same title and version keep their id
    wherever the file is moved."""
    digest = hashlib.sha1(f"{title}\x00{version_date or ''}".encode("utf-8")).hexdigest()[:12]
    return f"statute-{digest}"


def ingest_statute(path: Path, relpath: str) -> tuple[list[Document], list[Problem]]:
    """The document of one statute file (corpus/statutes/). A file the parser cannot read
    whole (no articles, duplicated article number, broken history line, unknown kind)
    raises ``StatuteProblems`` listing each problem with its line; the file is skipped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(relpath, "无法读取文件", f"cannot read file: {exc.strerror or exc}") from None
    text, _encoding = decode_text(data, relpath)
    parsed = parse_statute(text, relpath)
    warnings = [Problem(relpath, zh, en, "warning", line) for line, zh, en in parsed.warnings]
    if parsed.problems:
        raise StatuteProblems(relpath, [Problem(relpath, zh + "，该文件已跳过", en + "; file skipped", "error", line)
                                        for line, zh, en in parsed.problems] + warnings)
    doc = Document(
        doc_id=statute_doc_id(parsed.title, parsed.version_date),
        title=parsed.title,
        publisher=parsed.issuer,
        date=parsed.date,
        source=relpath,
        text=parsed.text,
        region=NATIONAL,
        tags=(parsed.kind,),
        statute=parsed.statute,
        kind=parsed.kind or "",
        version_date=parsed.version_date or "",
        version_event=parsed.version_event or "",
        history=tuple({"date": h.date, "event": h.event, "text": h.text} for h in parsed.history),
        articles=tuple(parsed.articles),
    )
    return [doc], warnings


# ---------------------------------------------------------------- the corpus


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _entries_digest(entries: list[CatalogEntry]) -> str:
    payload = json.dumps(sorted((asdict(e) for e in entries), key=lambda d: (d["index"], d["doc_id"])),
                         ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _resolve_file(corpus_dir: Path, file: str) -> str:
    """Catalog paths are relative to corpus/; a bare name found in corpus/sources/ is accepted too."""
    file = file.lstrip("./") if file.startswith("./") else file
    if not (corpus_dir / file).exists() and (corpus_dir / SOURCES_DIR / file).exists():
        return f"{SOURCES_DIR}/{file}"
    return file


def _discover(corpus_dir: Path, entries: list[CatalogEntry]) -> tuple[list[str], list[Problem]]:
    """Source files (relative paths): everything under sources/ plus any catalogued file."""
    found: set[str] = set()
    problems: list[Problem] = []
    sources = corpus_dir / SOURCES_DIR
    if sources.is_dir():
        for path in sorted(sources.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            rel = path.relative_to(corpus_dir).as_posix()
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.add(rel)
            else:
                problems.append(Problem(rel, f"不支持的文件类型，已跳过（仅支持 {SUPPORTED_ZH}）",
                                        f"unsupported file type, skipped (only {' '.join(SUPPORTED_SUFFIXES)})",
                                        "warning"))
    statutes = corpus_dir / STATUTES_DIR
    if statutes.is_dir():
        for path in sorted(statutes.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            rel = path.relative_to(corpus_dir).as_posix()
            if path.suffix.lower() in STATUTE_SUFFIXES:
                found.add(rel)
            else:
                problems.append(Problem(rel, "法律法规目录只收录 .md 格式的条文文件，已跳过",
                                        "only .md statute files are read from statutes/; skipped", "warning"))
    missing: dict[str, list[str]] = {}
    for e in entries:
        path = corpus_dir / e.file
        if path.is_file():
            found.add(e.file)
        else:
            missing.setdefault(e.file, []).append(e.doc_id)
    for file, ids in sorted(missing.items()):
        problems.append(Problem(file, f"目录中登记的文件不存在（{'、'.join(ids)}），已跳过",
                                f"catalogued file does not exist ({', '.join(ids)}); skipped"))
    return sorted(found), problems


def _read_manifest(index_dir: Path) -> dict:
    try:
        with (index_dir / MANIFEST_FILE).open(encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _previous_documents(index_dir: Path) -> dict[str, Document]:
    try:
        return {d.doc_id: d for d in read_documents(index_dir / DOCS_FILE)}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _recover_interrupted_swap(index_dir: Path) -> None:
    """If a run died between its two renames, put the old index back before anything else."""
    leftovers = sorted(index_dir.parent.glob(f".{index_dir.name}.old-*"))
    if not index_dir.exists() and leftovers:
        os.replace(leftovers[-1], index_dir)
        leftovers = leftovers[:-1]
    for path in leftovers + sorted(index_dir.parent.glob(f".{index_dir.name}.building-*")):
        shutil.rmtree(path, ignore_errors=True)


# What shapes the index besides the sources: the code that cleans, splits, chunks and
# indexes, and the corpus word lists. A change to any of them rebuilds the index (vectors of
# unchanged text are still reused from the embedding cache).
_PIPELINE_CODE = ("loaders.py", "clean.py", "articles.py", "chunking.py", "normalize.py", "lexical.py",
                  "embedders.py", "dense.py", "indexing.py", "statutes.py", "documents.py")
_PIPELINE_LISTS = ("dictionary.txt", "stopwords.txt", "synonyms.txt", "regions.yaml")


def pipeline_fingerprint(corpus_dir: Path) -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [here / name for name in _PIPELINE_CODE] + [Path(corpus_dir) / n for n in _PIPELINE_LISTS]:
        digest.update(path.name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


INGEST_LOCK = ".ingest.lock"


@contextlib.contextmanager
def ingest_lock(index_dir: Path, progress=None):
    """One build at a time per index: an exclusive lock next to it (released by the OS if
    the process dies). A run that has to wait says so."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(index_dir.parent / INGEST_LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _stage(progress, "waiting", 0, 0, "等待另一项发布完成…")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _stage(progress, name: str, done: int, total: int, message: str = "") -> None:
    """Tell a progress sink (the publish job) where the run is; plain callables get nothing."""
    stage = getattr(progress, "stage", None)
    if callable(stage):
        stage(name, done, total, message)


def ingest_corpus(settings, corpus_dir: Path | None = None, progress=True, *,
                  changes: dict[str, dict] | None = None) -> IngestReport:
    """Build or update the index of ``corpus_dir`` and the staff-managed documents under
    ``settings.index_dir``. ``progress``: True (a bar on stderr), False, or a sink with
    ``stage(name, done, total, message)``. ``changes``: registry updates this run makes
    (``{doc_id: {field: value}}``), written only if the new index is swapped in."""
    corpus_dir = Path(corpus_dir or settings.corpus_dir)
    index_dir = Path(settings.index_dir)
    if not corpus_dir.is_dir():
        raise IngestError(str(corpus_dir), "政策来源目录不存在", "corpus folder does not exist")
    with ingest_lock(index_dir, progress):
        return _ingest_locked(settings, corpus_dir, index_dir, progress, dict(changes or {}))


def _ingest_locked(settings, corpus_dir: Path, index_dir: Path, progress, changes: dict[str, dict]) -> IngestReport:
    from tqdm import tqdm

    report = IngestReport(index_dir=str(index_dir))
    _recover_interrupted_swap(index_dir)
    registry = DocumentRegistry(settings.home)
    records = {r.doc_id: r for r in registry.all()}
    for doc_id, values in changes.items():
        base = records.get(doc_id) or registry.get(doc_id)
        records[doc_id] = replace(base, **values) if base else registry_default(doc_id, values)
    registry_digest = registry.digest(list(records.values()))

    entries, catalog_problems, catalog_digest = load_catalog(corpus_dir)
    default_region = load_regions(corpus_dir).default_region
    entries = [replace(e, file=_resolve_file(corpus_dir, e.file)) for e in entries]
    files, discover_problems = _discover(corpus_dir, entries)
    hashes = {rel: _sha256(corpus_dir / rel) for rel in files}

    manifest = _read_manifest(index_dir)
    fingerprint = pipeline_fingerprint(corpus_dir)
    same_setup = (manifest.get("format_version") == INDEX_FORMAT_VERSION
                  and manifest.get("embedder") == settings.embedder
                  and manifest.get("pipeline_sha256") == fingerprint
                  and manifest.get("chroma_url") == settings.chroma_url)
    previous_sources = manifest.get("sources", {}) if same_setup else {}
    if (same_setup and manifest.get("catalog_sha256") == catalog_digest
            and manifest.get("registry_sha256", registry.digest([])) == registry_digest
            and {k: v.get("sha256") for k, v in previous_sources.items()} == hashes
            and (index_dir / DOCS_FILE).exists()):
        report.up_to_date = True
        report.documents = int(manifest.get("documents", 0))
        report.problems = [Problem(**p) for p in manifest.get("problems", [])]
        report.sources = [{"source": rel, "status": "unchanged", "doc_ids": previous_sources[rel].get("doc_ids", [])}
                          for rel in files]
        if changes:
            registry.apply(changes)
        return report

    previous_docs = _previous_documents(index_dir) if previous_sources else {}
    entries_by_file: dict[str, list[CatalogEntry]] = {}
    for e in entries:
        entries_by_file.setdefault(e.file, []).append(e)
    problems = catalog_problems + discover_problems
    documents: list[Document] = []
    new_sources: dict[str, dict] = {}
    show_bar = progress is True
    for n, rel in enumerate(tqdm(files, desc="收录政策来源", unit="个", disable=not show_bar, file=sys.stderr)):
        _stage(progress, "load", n, len(files), "读取政策来源")
        file_entries = entries_by_file.get(rel, [])
        entries_digest = _entries_digest(file_entries)
        before = previous_sources.get(rel)
        if before and before.get("sha256") == hashes[rel] and before.get("entries_sha256") == entries_digest \
                and all(i in previous_docs for i in before.get("doc_ids", [])):
            docs = [previous_docs[i] for i in before["doc_ids"]]
            source_problems = [Problem(**p) for p in before.get("problems", [])]
            status = "unchanged" if docs else "failed"
        else:
            try:
                if _is_statute(rel):
                    docs, source_problems = ingest_statute(corpus_dir / rel, rel)
                else:
                    docs, source_problems = ingest_source(corpus_dir / rel, rel, file_entries, default_region)
                status = "ingested"
            except StatuteProblems as exc:
                docs, status, source_problems = [], "failed", exc.problems
            except IngestError as exc:
                docs, status = [], "failed"
                zh, en = exc.message_zh.split("：", 1)[-1], exc.message_en.split(": ", 1)[-1]
                source_problems = [Problem(rel, zh, en)]
        docs, dup_problems = _dedupe(docs, documents, rel)
        source_problems += dup_problems
        documents.extend(docs)
        problems.extend(source_problems)
        new_sources[rel] = {"sha256": hashes[rel], "entries_sha256": entries_digest,
                            "doc_ids": [d.doc_id for d in docs],
                            "problems": [p.to_dict() for p in source_problems if p not in dup_problems]}
        report.sources.append({"source": rel, "status": status, "doc_ids": [d.doc_id for d in docs]})

    documents, managed_problems = _with_registry(documents, records, registry)
    problems.extend(managed_problems)
    report.problems = problems
    if not documents:
        return report  # nothing to serve: keep whatever index exists
    new_manifest = {
        "format_version": INDEX_FORMAT_VERSION,
        "embedder": settings.embedder,
        "chroma_url": settings.chroma_url,
        "pipeline_sha256": fingerprint,
        "catalog_sha256": catalog_digest,
        "registry_sha256": registry_digest,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "documents": len(documents),
        "sources": new_sources,
        "problems": [p.to_dict() for p in problems],
    }
    _build_and_swap(documents, new_manifest, settings, index_dir, progress, corpus_dir,
                    before_swap=(lambda: registry.apply(changes)) if changes else None)
    report.documents = len(documents)
    return report


def registry_default(doc_id: str, values: dict):
    """A change to a corpus document that has no record yet."""
    return replace(DocumentRecord(doc_id=doc_id, origin=CORPUS, status=PUBLISHED), **values)


def _with_registry(documents: list[Document], records: dict, registry: DocumentRegistry) \
        -> tuple[list[Document], list[Problem]]:
    """Corpus documents with staff overrides applied (retired, validity), then the
    published and retired documents staff added. Drafts stay out of the index."""
    problems: list[Problem] = []
    out = []
    for doc in documents:
        record = records.get(doc.doc_id)
        if record is not None and not record.managed:
            doc, validity_problems = with_validity(doc, record)
            doc = replace(doc, status=record.status if record.status in (PUBLISHED, RETIRED) else doc.status,
                          kind=record.kind or doc.kind, replaced_by=record.replaced_by)
            problems += [Problem(doc.source, f"{doc.doc_id}：{zh}", f"{doc.doc_id}: override not used", "warning")
                         for zh in validity_problems]
        out.append(doc)
    taken = {d.doc_id for d in out}
    for record in sorted(records.values(), key=lambda r: (r.created_at, r.doc_id)):
        if not record.managed or record.status == DRAFT:
            continue
        where = f"documents/{record.doc_id}"
        if record.doc_id in taken:
            problems.append(Problem(where, f"文档编号 {record.doc_id} 已被政策来源目录中的文章使用，未收录",
                                    f"doc id {record.doc_id!r} is taken by a corpus document; skipped"))
            continue
        try:
            raw = registry.extracted_text(record.doc_id)
        except OSError:
            problems.append(Problem(where, "找不到该文档的文字（文件缺失），未收录", "extracted text missing; skipped"))
            continue
        built = build_document(record, raw)
        if not built.document.text.strip():
            problems.append(Problem(where, "文档没有正文，未收录", "document has no text; skipped"))
            continue
        problems += [Problem(where, zh, "validity not used", "warning") for zh in built.problems]
        out.append(built.document)
        taken.add(record.doc_id)
    return out, problems


def _dedupe(docs: list[Document], earlier: list[Document], rel: str) -> tuple[list[Document], list[Problem]]:
    """A doc_id already taken keeps its first owner; the newcomer gets its derived id."""
    taken = {d.doc_id for d in earlier}
    out, problems = [], []
    for n, doc in enumerate(docs, 1):
        if doc.doc_id in taken:
            new_id = derived_doc_id(rel, n)
            k = 2
            while new_id in taken:
                new_id, k = f"{derived_doc_id(rel, n)}-{k}", k + 1
            problems.append(Problem(rel, f"文档编号 {doc.doc_id} 重复（已被其他文章使用），本篇改用 {new_id}",
                                    f"duplicate doc id {doc.doc_id!r}; this article uses {new_id!r}", "warning"))
            doc = Document(**{**doc.__dict__, "doc_id": new_id})
        taken.add(doc.doc_id)
        out.append(doc)
    return out, problems


def _is_statute(relpath: str) -> bool:
    return relpath.startswith(STATUTES_DIR + "/")


def swap_in(building: Path, index_dir: Path, tag: str) -> None:
    """Put the finished index ``building`` in place of ``index_dir``; the old one comes back
    if the second rename fails (and ``_recover_interrupted_swap`` handles a kill between)."""
    old = index_dir.parent / f".{index_dir.name}.old-{tag}"
    if index_dir.exists():
        os.replace(index_dir, old)
    try:
        os.replace(building, index_dir)
    except OSError:
        if old.exists():
            os.replace(old, index_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _build_and_swap(documents: list[Document], manifest: dict, settings, index_dir: Path, progress,
                    corpus_dir: Path, before_swap=None) -> None:
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    building = index_dir.parent / f".{index_dir.name}.building-{tag}"
    building.mkdir(parents=True)
    try:
        write_documents(building / DOCS_FILE, documents)
        previous = index_dir if index_dir.exists() else None
        build_search_index(documents, building, settings, previous, progress, corpus_dir=corpus_dir)
        # The manifest goes last: an index folder with a manifest is a complete one.
        with (building / MANIFEST_FILE).open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2)
        _stage(progress, "swap", 0, 0, "启用新索引")
        if before_swap is not None:
            # The registry learns of the change (published, retired …) only now that the
            # index holding it is complete; the swap follows at once.
            before_swap()
        swap_in(building, index_dir, tag)
    except PolicydeskError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure must leave the old index and read as one line
        raise IngestError("索引", "建立索引失败，原有索引保持不变",
                          f"index build failed ({type(exc).__name__}: {exc}); previous index kept") from exc
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
