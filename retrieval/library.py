"""A law library tree (the LawRefBook layout of shared/corpus/README.md) → documents.

Two steps, so the second can run in parallel (``retrieval.library_ingest`` runs it as Ray
tasks):

1. ``walk_library(root)`` lists the files, cheaply and in order: kind from the outermost known
   folder (``corpus/library.yaml``), region from a folder naming a province (全国 otherwise),
   version date from the file name ``名称(YYYY-MM-DD).md``. Bad entries — a symlink loop, a
   link leading outside the tree, a file over the size limit — are reported with their path,
   skipped and counted; nothing here raises for one bad file.
2. ``read_library_file(root, entry)`` reads and parses one file into a ``LibraryText``
   (document text, title, articles) or a problem (undecodable, empty, no articles …).

``assign_versions`` then orders the versions of one law (same name, same region): the
dated file of the latest date ≤ today is in force, earlier ones and undated copies are
历史版本 (an undated copy is older than every dated one, per the collection's convention).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policydesk.errors import IngestError
from policydesk.settings import PROJECT_ROOT
from retrieval.regions import NATIONAL, load_places
from retrieval.loaders import decode_text
from retrieval.statutes import parse_statute

LIBRARY_CONFIG = PROJECT_ROOT / "corpus" / "library.yaml"
_DATED_NAME = re.compile(r"^(?P<work>.+?)\s*[(（](?P<date>\d{4}-\d{2}-\d{2})[)）]$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<body>.*?)\n---\s*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class LibraryConfig:
    kinds: dict  # folder → {kind, legal}
    metadata_files: frozenset[str]
    hidden_flags: frozenset[str]
    max_file_bytes: int


@lru_cache(maxsize=2)
def load_config(path: str | None = None) -> LibraryConfig:
    import yaml

    data = yaml.safe_load(Path(path or LIBRARY_CONFIG).read_text(encoding="utf-8")) or {}
    kinds = {str(k): {"kind": str(v.get("kind") or k), "legal": bool(v.get("legal", True))}
             for k, v in (data.get("kinds") or {}).items()}
    return LibraryConfig(
        kinds=kinds,
        metadata_files=frozenset(data.get("metadata_files") or ()),
        hidden_flags=frozenset(data.get("hidden_flags") or ()),
        max_file_bytes=int(float(data.get("max_file_mb", 8)) * 2**20),
    )


@dataclass(frozen=True)
class LibraryProblem:
    """One file that could not be used: ``path`` relative to the library root."""

    path: str
    message_zh: str
    message_en: str
    level: str = "error"  # error: skipped; warning: kept

    def to_dict(self) -> dict:
        return {"source": self.path, "message_zh": self.message_zh, "message_en": self.message_en,
                "level": self.level}


@dataclass(frozen=True)
class LibraryEntry:
    """One file found in the tree (not yet read)."""

    relpath: str  # forward slashes, relative to the root (a link keeps the link's path)
    kind: str  # 法律 / 行政法规 / 司法解释 / … ; "" when no folder says
    legal: bool
    region: str  # 全国, or the province of a local-regulation folder
    work: str  # the file name without its version date: versions of one law share it
    version_date: str  # ISO date from the file name, "" for an undated copy
    size: int
    mtime_ns: int


@dataclass
class LibraryScan:
    root: Path
    entries: list[LibraryEntry] = field(default_factory=list)
    problems: list[LibraryProblem] = field(default_factory=list)
    skipped: dict = field(default_factory=dict)  # reason → count (metadata pages, dot files)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def parse_file_name(name: str) -> tuple[str, str]:
    """``劳动合同法(2012-12-28).md`` → (劳动合同法, 2012-12-28); undated → (name, "")."""
    stem = name[:-3] if name.lower().endswith(".md") else Path(name).stem
    m = _DATED_NAME.match(stem)
    if m:
        try:
            return m.group("work").strip(), dt.date.fromisoformat(m.group("date")).isoformat()
        except ValueError:
            pass
    return stem.strip(), ""


def classify(parts: tuple[str, ...], config: LibraryConfig | None = None) -> tuple[str, bool, str]:
    """(kind, legal, region) of a file from the folders above it. The outermost kind folder
    wins: 案例/民法典/x.md is a case write-up, not the 民法典."""
    config = config or load_config()
    places = load_places()
    kind, legal = "", True
    region = NATIONAL
    for folder in parts:
        if folder in config.kinds and not kind:
            kind, legal = config.kinds[folder]["kind"], config.kinds[folder]["legal"]
        found = places.region_of_folder(folder)
        if found:
            region = found
    return kind, legal, region


def walk_library(root: Path, config: LibraryConfig | None = None) -> LibraryScan:
    """Every Markdown/text file under ``root``, sorted by path, with its metadata."""
    config = config or load_config()
    root = Path(root)
    scan = LibraryScan(root=root)
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError):
        raise IngestError(str(root), "法规库目录不存在或无法访问", "library folder does not exist or cannot be read")
    if not real_root.is_dir():
        raise IngestError(str(root), "法规库路径不是目录", "library path is not a folder")
    seen_dirs: set[str] = set()

    def visit(directory: Path, rel_parts: tuple[str, ...]) -> None:
        real = os.path.realpath(directory)
        if real in seen_dirs:
            scan.problems.append(LibraryProblem("/".join(rel_parts) or ".", "目录链接构成循环，已跳过",
                                                "folder link loops back into the tree; skipped"))
            return
        seen_dirs.add(real)
        try:
            names = sorted(os.listdir(directory))
        except OSError as exc:
            scan.problems.append(LibraryProblem("/".join(rel_parts) or ".", "无法读取目录，已跳过",
                                                f"cannot list folder ({exc.strerror or exc}); skipped"))
            return
        for name in names:
            path = directory / name
            parts = rel_parts + (name,)
            rel = "/".join(parts)
            if name.startswith("."):
                scan.skip("dotfile")
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    # RuntimeError: a loop on older Pythons; OSError ELOOP or a dangling link
                    scan.problems.append(LibraryProblem(rel, "链接无法解析（循环链接或目标不存在），已跳过",
                                                        "link cannot be resolved (loop or missing target); skipped"))
                    continue
                if target != real_root and real_root not in target.parents:
                    scan.problems.append(LibraryProblem(rel, "链接指向法规库目录之外，已跳过",
                                                        "link points outside the library folder; skipped"))
                    continue
            if path.is_dir():
                visit(path, parts)
                continue
            if not path.is_file():
                scan.skip("not_a_file")
                continue
            if name in config.metadata_files:
                scan.skip("metadata")
                continue
            if path.suffix.lower() not in (".md", ".txt"):
                scan.problems.append(LibraryProblem(rel, "不支持的文件类型，已跳过（法规库只收 .md .txt）",
                                                    "unsupported file type, skipped (library takes .md .txt)",
                                                    "warning"))
                continue
            try:
                st = path.stat()
            except OSError as exc:
                scan.problems.append(LibraryProblem(rel, "无法读取文件，已跳过", f"cannot stat file ({exc}); skipped"))
                continue
            if st.st_size > config.max_file_bytes:
                limit = config.max_file_bytes // 2**20
                scan.problems.append(LibraryProblem(
                    rel, f"文件过大（{st.st_size / 2**20:.1f} MB，上限 {limit} MB），已跳过",
                    f"file too large ({st.st_size / 2**20:.1f} MB, limit {limit} MB); skipped"))
                continue
            kind, legal, region = classify(rel_parts, config)
            work, version_date = parse_file_name(name)
            scan.entries.append(LibraryEntry(rel, kind, legal, region, work, version_date,
                                             int(st.st_size), int(st.st_mtime_ns)))

    visit(real_root if not root.is_symlink() else root, ())
    return scan


# ------------------------------------------------------------------------------- one file


@dataclass
class LibraryText:
    """A file read and parsed: what becomes one Document."""

    entry: LibraryEntry
    sha256: str
    title: str
    text: str  # the cleaned document text every quote is cut from
    history: list = field(default_factory=list)  # [{date, event, text}]
    articles: int = 0
    history_date: str = ""  # latest date of the history lines (orders undated copies)
    problems: list[LibraryProblem] = field(default_factory=list)  # warnings; the file is kept
    parsed: object = None  # retrieval.statutes.ParsedStatute
    kind: str = ""


def library_doc_id(relpath: str) -> str:
    """Stable id of a library file: its path hashed (paths are Chinese, ids are ASCII)."""
    return "lib-" + hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:16]


def read_library_file(root: Path, entry: LibraryEntry) -> LibraryText:
    """Read and parse one file; raises IngestError (naming the path) when it is unusable."""

    rel = entry.relpath
    try:
        data = (Path(root) / rel).read_bytes()
    except OSError as exc:
        raise IngestError(rel, "无法读取文件", f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > load_config().max_file_bytes:
        raise IngestError(rel, "文件过大，已跳过", "file too large; skipped")
    digest = hashlib.sha256(data).hexdigest()
    text, _ = decode_text(data, rel)
    front = _FRONT_MATTER.match(text)
    if front:
        flags = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip().lower()
                 for line in front.group("body").splitlines() if ":" in line}
        if any(flags.get(f) == "true" for f in load_config().hidden_flags):
            raise HiddenPage(rel)
        text = text[front.end():]
    if not text.strip():
        raise IngestError(rel, "文件为空，没有可收录的文字", "file is empty: no text to ingest")
    parsed = parse_text(text, rel)
    if not parsed.text.strip():
        raise IngestError(rel, "文件为空，没有可收录的文字", "file is empty: no text to ingest")
    if entry.legal and not parsed.articles:
        raise IngestError(rel, "文件中没有找到条文（第…条），已跳过", "no articles (第…条) found; skipped")
    history = [{"date": h.date, "event": h.event, "text": h.text} for h in parsed.history]
    dates = sorted(h["date"] for h in history if h.get("date"))
    # In a library of thousands, an odd history line or an unnamed enacting body is noted,
    # not fatal: the articles are still the law's words. Only a text without them is skipped.
    problems = [LibraryProblem(rel, f"第 {line} 行：{zh}", f"line {line}: {en}", "warning")
                for line, zh, en in list(parsed.problems) + list(parsed.warnings)
                if parsed.articles or not entry.legal]
    title = parsed.title or entry.work
    kind = (parsed.kind or entry.kind) if entry.legal else entry.kind
    return LibraryText(entry=entry, sha256=digest, title=title, text=parsed.text, history=history,
                       articles=len(parsed.articles), history_date=dates[-1] if dates else "",
                       problems=problems, parsed=parsed, kind=kind)


class HiddenPage(IngestError):
    """A draft or template page of the collection (front matter ``draft: true``)."""

    def __init__(self, rel: str):
        super().__init__(rel, "草稿或模板页面，不是法规正文，已跳过", "draft or template page, not a text; skipped")


def parse_text(text: str, relpath: str):
    """The statute parser (title, history, cleaned text, articles with their spans)."""

    return parse_statute(text, relpath)


# ------------------------------------------------------------------------------- versions


def version_sort_key(version_date: str, history_date: str) -> tuple:
    """Dated versions after every undated copy; undated copies ordered by their history."""
    return (1, version_date, "") if version_date else (0, "", history_date or "")


def in_force(versions: list[tuple[str, str, str]], today: str) -> str | None:
    """Of ``(doc_id, version_date, history_date)`` versions of one law, the id in force on
    ``today``: the latest dated version not after today; with none dated yet, the newest
    undated copy (it is all we hold)."""
    dated = [v for v in versions if v[1] and v[1] <= today]
    if dated:
        return max(dated, key=lambda v: (v[1], v[0]))[0]
    undated = [v for v in versions if not v[1]]
    if undated:
        return max(undated, key=lambda v: (v[2] or "", v[0]))[0]
    return min(versions, key=lambda v: (v[1], v[0]))[0] if versions else None
