"""Document management for the bureau: add (upload or paste), preview, edit, publish,
retire and replace policy documents. The staff console's Documents tab, `policydesk docs …`
and the staff API call this one service, so each behaves the same and every change lands
in the audit log (who, when, what).

- Adding reads the file (PDF text layer or OCR, DOCX, TXT/MD) into text, checks it (size,
  type, real text, not a duplicate of a document we hold) and stores a draft; the preview
  shows the cleaned text, what cleaning did, the structure and the chunks.
- Publishing runs the incremental ingest (retrieval.ingest) with the draft marked
  published; the registry says so only once the new index is built, so a failed or killed
  run leaves index and registry as they were. Runs are serialised (two clerks at once: the
  second builds on the first). Progress goes to a job file the console's bar reads.
- Retiring keeps the document (marked 已撤下, searchable for staff) and takes it out of
  every citizen answer; the 口径库 entries citing it are flagged for review. Replacing
  publishes a new version that inherits the old one's id history and retires the old one
  in the same run.
- Validity (valid_from / valid_until, a note, the text's own words; or one measure inside
  the document, located by words of its paragraph) is checked here and reaches answers
  through the index."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import threading
from pathlib import Path

from policydesk.errors import InputError, PolicydeskError
from policydesk.inputs import check_text
from policydesk.privacy import mask_pii
from retrieval.documents import DOCS_FILE, DRAFT, PUBLISHED, RETIRED, load_documents
from retrieval.indexing import CHUNKS_FILE
from retrieval.ingest import ingest_corpus
from retrieval.loaders import SUPPORTED_SUFFIXES, SUPPORTED_ZH, load_bytes, sniff
from retrieval.managed import preview as build_preview, shingles, similarity, text_fingerprint
from retrieval.registry import CORPUS, PASTE, UPLOAD, DOC_ID, DocumentRecord, DocumentRegistry, Job, now
from retrieval.validity import ENDED, NOT_STARTED, ended_anywhere, locate_measure, state_on

log = logging.getLogger("policydesk.documents")

DUPLICATE_SIMILARITY = 0.9
MAX_TITLE, MAX_SHORT, MAX_NOTE = 200, 40, 500
MAX_PASTE_CHARS = 500_000

STATUS_ZH = {DRAFT: "草稿", PUBLISHED: "已发布", RETIRED: "已撤下", "expired": "已失效", "upcoming": "尚未施行"}
FIELD_ZH = {"title": "标题", "publisher": "发布单位", "date": "发布日期", "region": "地区", "kind": "文种",
            "valid_from": "施行日期", "valid_until": "截止日期", "validity_note": "有效期说明",
            "validity_quote": "有效期依据原文", "doc_id": "文档编号", "file": "文件", "text": "正文",
            "reason": "原因", "url": "原文链接", "measures": "措施"}
EXTRACTION = {".pdf": "pdf", ".docx": "docx", ".md": "md", ".txt": "text"}


class DuplicateDocumentError(InputError):
    """The upload is (nearly) the same text as a document we already hold: offer to replace."""

    def __init__(self, existing_id: str, title: str, status: str):
        super().__init__(
            f"与已有文档《{title}》（编号 {existing_id}，{STATUS_ZH.get(status, status)}）内容相同，未重复添加。"
            f"如要用新文件更新该文档，请选择“替换”该文档。",
            f"duplicate of existing document {existing_id}", field="file", status=409)
        self.existing_id = existing_id

    def to_dict(self) -> dict:
        return {**super().to_dict(), "duplicate_of": self.existing_id}


def _bad(field: str, zh: str, en: str, status: int = 400) -> InputError:
    return InputError(zh, f"{field}: {en}", field=field, status=status)


# -- metadata checks --------------------------------------------------------------------------
_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def check_day(value, field: str, *, required: bool = False) -> str:
    """An ISO day that exists (2023-02-30 does not) within 1950–2099; "" when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _bad(field, f"请填写“{FIELD_ZH[field]}”（YYYY-MM-DD）", "required")
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(check_text(str(value), field, FIELD_ZH[field])).strip()
        text = text.translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
        if not _ISO.fullmatch(text):
            raise _bad(field, f"“{FIELD_ZH[field]}”格式不对：{text[:20]}，请用 YYYY-MM-DD（例如 2023-03-01）",
                       "not YYYY-MM-DD")
        y, m, d = (int(x) for x in text.split("-"))
        try:
            day = dt.date(y, m, d)
        except ValueError:
            raise _bad(field, f"“{FIELD_ZH[field]}”{text} 是不存在的日期"
                              f"{'（' + str(m) + '月没有' + str(d) + '日）' if 1 <= m <= 12 else '（没有' + str(m) + '月）'}",
                       "no such day") from None
    if not dt.date(1950, 1, 1) <= day <= dt.date(2099, 12, 31):
        raise _bad(field, f"“{FIELD_ZH[field]}”{day.isoformat()} 超出范围，只能是 1950 年到 2099 年之间的日期",
                   "out of range")
    return day.isoformat()


def _short(meta: dict, field: str, limit: int, *, required: bool = False) -> str:
    value = meta.get(field)
    value = "" if value is None else str(check_text(str(value), field, FIELD_ZH[field])).strip()
    if required and not value:
        raise _bad(field, f"请填写“{FIELD_ZH[field]}”", "required")
    if len(value) > limit:
        raise _bad(field, f"“{FIELD_ZH[field]}”太长（最多 {limit} 字）", f"longer than {limit}")
    return mask_pii(value)


def check_metadata(meta: dict, *, require: bool) -> dict:
    """The metadata fields staff give, checked: each failure an InputError naming the field
    in Chinese. ``require`` (publishing) makes title, publisher and date mandatory."""
    out = {}
    if "title" in meta or require:
        out["title"] = _short(meta, "title", MAX_TITLE, required=require)
    if "publisher" in meta or require:
        out["publisher"] = _short(meta, "publisher", MAX_SHORT * 2, required=require)
    if "date" in meta or require:
        out["date"] = check_day(meta.get("date"), "date", required=require)
    for field in ("region", "kind"):
        if field in meta:
            out[field] = _short(meta, field, MAX_SHORT)
    if "url" in meta:
        url = _short(meta, "url", 500)
        if url and not re.match(r"https?://", url):
            raise _bad("url", "“原文链接”应以 http:// 或 https:// 开头", "not an http(s) URL")
        out["url"] = url
    out.update(check_validity(meta))
    return out


def check_validity(meta: dict) -> dict:
    out = {}
    for field in ("valid_from", "valid_until"):
        if field in meta:
            out[field] = check_day(meta.get(field), field)
    if out.get("valid_from") and out.get("valid_until") and out["valid_until"] < out["valid_from"]:
        raise _bad("valid_until", f"“截止日期”{out['valid_until']} 早于“施行日期”{out['valid_from']}",
                   "valid_until before valid_from")
    for field in ("validity_note", "validity_quote"):
        if field in meta:
            out[field] = _short(meta, field, MAX_NOTE)
    if "measures" in meta:
        measures = meta.get("measures") or []
        if not isinstance(measures, list) or not all(isinstance(m, dict) for m in measures):
            raise _bad("measures", "“措施”应为列表，每项含 label、anchor、valid_from、valid_until", "not a list")
        checked = []
        for m in measures:
            item = {"label": _short(m, "label", MAX_SHORT) if "label" in m else "",
                    "anchor": str(check_text(str(m.get("anchor") or ""), "measures", "措施定位文字")).strip()[:200],
                    "anchor_end": str(m.get("anchor_end") or "").strip()[:200],
                    "note": _short({"validity_note": m.get("note")}, "validity_note", MAX_NOTE),
                    "quote": _short({"validity_quote": m.get("quote")}, "validity_quote", MAX_NOTE)}
            if not item["anchor"]:
                raise _bad("measures", "每项措施都要填写“定位文字”（该措施所在段落中的一句原文）", "anchor required")
            item["valid_from"] = check_day(m.get("valid_from"), "valid_from")
            item["valid_until"] = check_day(m.get("valid_until"), "valid_until")
            if item["valid_from"] and item["valid_until"] and item["valid_until"] < item["valid_from"]:
                raise _bad("measures", f"措施“{item['label'] or item['anchor'][:20]}”的截止日期早于施行日期",
                           "measure ends before it starts")
            checked.append(item)
        out["measure_specs"] = checked
    return out


def _check_doc_id(doc_id: str) -> str:
    doc_id = str(check_text(doc_id or "", "doc_id", "文档编号")).strip()
    if not DOC_ID.fullmatch(doc_id):
        raise _bad("doc_id", "“文档编号”只能由字母、数字、点、横线和下划线组成（最多 80 个字符），并以字母或数字开头",
                   "bad doc_id")
    return doc_id


# -- the service ------------------------------------------------------------------------------
class JobProgress:
    """The sink an ingest reports to: every stage change written to the job file."""

    def __init__(self, registry: DocumentRegistry, job: Job):
        self.registry, self.job = registry, job
        self._last = 0.0

    def __call__(self, message: str) -> None:   # free-text lines of the build
        pass

    def stage(self, name: str, done: int, total: int, message: str = "") -> None:
        job = self.job
        new_stage = name != job.stage
        job.state = "running"
        job.stage, job.done, job.total = name, int(done), int(total)
        job.message = message or job.message
        t = now()
        if new_stage or t - self._last > 0.2 or done == 0:
            self._last = t
            self.registry.save_job(job)


class DocumentService:
    def __init__(self, settings, store, services=None):
        self.settings = settings
        self.store = store
        self.services = services
        self.registry = DocumentRegistry(settings.home)

    # -- reading ----------------------------------------------------------------------------
    def index_documents(self) -> dict:
        try:
            return {d.doc_id: d for d in load_documents(self.settings.index_dir)}
        except PolicydeskError:
            return {}

    def chunk_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        path = Path(self.settings.index_dir) / CHUNKS_FILE
        try:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    m = re.search(r'"doc_id": "([^"]+)"', line)
                    if m:
                        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        except OSError:
            pass
        return counts

    def list(self, today: dt.date | None = None, *, query: str = "", status: str = "",
             kind: str = "", region: str = "") -> list[dict]:
        """Every document: the index's (published, retired) and the drafts, newest first,
        each with status, validity on ``today``, chunks and citations served."""
        today = today or dt.date.today()
        docs = self.index_documents()
        records = {r.doc_id: r for r in self.registry.all()}
        chunks = self.chunk_counts()
        try:
            cited = self.store.citation_counts()
        except Exception:  # noqa: BLE001 - counts are a nicety
            cited = {}
        rows = []
        for doc in docs.values():
            rows.append(self._row(doc.doc_id, doc, records.get(doc.doc_id), today, chunks, cited))
        for record in records.values():
            if record.doc_id not in docs and record.managed:
                rows.append(self._row(record.doc_id, None, record, today, chunks, cited))
        # the index's order (as `policydesk docs` always listed), then drafts, newest first
        rows = [r for r in rows if _matches(r, query, status, kind, region)]
        drafts = sorted((r for r in rows if not r["in_index"]), key=lambda r: -(r.get("updated_at") or 0))
        return [r for r in rows if r["in_index"]] + drafts

    def _row(self, doc_id, doc, record, today, chunks, cited) -> dict:
        source = doc if doc is not None else record
        status = doc.status if doc is not None else record.status
        if record is not None and record.managed and doc is None and record.status != DRAFT:
            status = record.status       # published in the registry, the index not rebuilt yet
        vf, vu = (source.valid_from, source.valid_until)
        state = state_on(vf, vu, today)
        display = status
        if status == PUBLISHED and state == ENDED:
            display = "expired"
        elif status == PUBLISHED and state == NOT_STARTED:
            display = "upcoming"
        lineage = list(getattr(source, "lineage", ()) or ())
        return {
            "doc_id": doc_id,
            "title": source.title,
            "kind": source.kind,
            "publisher": source.publisher,
            "date": source.date,
            "region": source.region,
            "status": status,
            "status_zh": STATUS_ZH.get(display, display),
            "state": display,
            "valid_from": vf,
            "valid_until": vu,
            "validity_note": source.validity_note,
            "validity_state": state,
            "measures": [dict(m) for m in (doc.measures if doc is not None else ())] if doc is not None
            else list(record.measure_specs or []),
            "measures_ended": bool(doc is not None and state != ENDED and ended_anywhere(doc, today)),
            "chunks": chunks.get(doc_id, 0),
            "citations_served": sum(cited.get(i, 0) for i in [doc_id]),
            "citations_served_lineage": sum(cited.get(i, 0) for i in [*lineage, doc_id]),
            "origin": getattr(source, "origin", CORPUS) if doc is not None else record.origin,
            "in_index": doc is not None,
            "replaces": getattr(source, "replaces", ""),
            "replaced_by": (record.replaced_by if record is not None else "") or getattr(doc, "replaced_by", ""),
            "lineage": lineage,
            "characters": len(doc.text) if doc is not None else 0,
            "last_error": record.last_error if record is not None else "",
            "updated_at": record.updated_at if record is not None else 0,
            "created_by": record.created_by if record is not None else "",
            "published_by": record.published_by if record is not None else "",
            "retired_by": record.retired_by if record is not None else "",
            "retire_reason": record.retire_reason if record is not None else "",
        }

    def get(self, doc_id: str, today: dt.date | None = None) -> dict:
        """One document's row, its text (the index's, or the draft's preview) and its jobs."""
        row = self._find(doc_id, today)
        docs = self.index_documents()
        out = dict(row)
        if doc_id in docs:
            out["text"] = docs[doc_id].text
        record = self.registry.get(doc_id)
        if record is not None and record.managed:
            out["preview"] = self.preview(doc_id)
            out["text"] = out.get("text") or out["preview"]["text"]
            out["source_name"] = record.source_name
            out["extraction"] = record.extraction
        out["jobs"] = [j.to_dict() for j in self.registry.jobs(doc_id, limit=5)]
        return out

    def _find(self, doc_id: str, today=None) -> dict:
        for row in self.list(today):
            if row["doc_id"] == doc_id:
                return row
        raise InputError(f"没有编号为“{str(doc_id)[:80]}”的文档", f"no document {doc_id!r}", field="doc_id",
                         status=404)

    def preview(self, doc_id: str) -> dict:
        record = self._record(doc_id)
        if not record.managed:
            raise _bad("doc_id", "政策来源目录中的文档没有上传预览", "corpus documents have no upload preview")
        raw = self.registry.extracted_text(doc_id)
        furniture = tuple(json.loads(self._meta_file(doc_id).read_text(encoding="utf-8")).get("furniture", [])) \
            if self._meta_file(doc_id).exists() else ()
        return build_preview(record, raw, furniture=furniture, ocr=record.extraction == "ocr")

    def _meta_file(self, doc_id: str) -> Path:
        return self.registry.files_dir / doc_id / "extraction.json"

    def _record(self, doc_id: str) -> DocumentRecord:
        record = self.registry.get(doc_id)
        if record is None:
            raise InputError(f"没有编号为“{str(doc_id)[:80]}”的文档", f"no document {doc_id!r}", field="doc_id",
                             status=404)
        return record

    # -- adding -----------------------------------------------------------------------------
    def read_upload(self, filename: str, data: bytes | None) -> tuple[str, object]:
        """(extraction kind, LoadedSource) of an uploaded file; InputError on size, type,
        content that is not text."""
        name = Path(str(check_text(filename or "", "file", "文件名"))).name or "upload"
        suffix = Path(name).suffix.lower()
        if data is None or len(data) == 0:
            raise _bad("file", f"文件“{name}”是空的", "empty file")
        limit = self.settings.max_upload_bytes
        if len(data) > limit:
            raise _bad("file", f"文件“{name}”太大（{len(data) / 1048576:.1f} MB），最大 {limit / 1048576:.0f} MB；"
                               "请拆分文件或压缩其中的图片后再上传", "file too large", status=413)
        if suffix not in SUPPORTED_SUFFIXES:
            what = sniff(data)
            raise _bad("file", f"不支持的文件类型 {suffix or '（无扩展名）'}"
                               f"{('（文件内容是' + what + '）') if what else ''}，请上传 {SUPPORTED_ZH} 文件",
                       f"unsupported type {suffix!r}", status=415)
        try:
            loaded = load_bytes(data, suffix, name)
        except PolicydeskError as exc:
            raise _bad("file", exc.message_zh, exc.message_en, status=422) from None
        if not loaded.text.strip():
            raise _bad("file", f"{name}：文件中没有可收录的文字", "no text", status=422)
        return ("ocr" if loaded.ocr else EXTRACTION[suffix]), loaded

    def add(self, *, filename: str | None = None, data: bytes | None = None, text: str | None = None,
            meta: dict | None = None, actor: str, doc_id: str | None = None, replaces: str | None = None,
            allow_duplicate_of: str | None = None) -> dict:
        """A new draft from a file or pasted text. Returns {doc_id, status, preview}."""
        meta = dict(meta or {})
        checked = check_metadata(meta, require=False)
        furniture: tuple[str, ...] = ()
        if text is not None and data is None:
            check_text(text, "text", "正文")
            if not text.strip():
                raise _bad("text", "请粘贴正文，或上传文件", "empty text")
            if len(text) > MAX_PASTE_CHARS:
                raise _bad("text", f"粘贴的正文太长（最多 {MAX_PASTE_CHARS} 字），请上传文件", "text too long", status=413)
            extraction, raw, original, source_name, suffix = PASTE, text, None, "", ".txt"
        else:
            extraction, loaded = self.read_upload(filename or "", data)
            raw, original = loaded.text, data
            source_name = Path(filename or "").name
            suffix = Path(source_name).suffix.lower()
            furniture = loaded.furniture
        old = self._record(replaces) if replaces and self.registry.get(replaces) else None
        docs = self.index_documents()
        if replaces and old is None and replaces not in docs:
            raise InputError(f"要替换的文档“{replaces[:80]}”不存在", "document to replace not found", field="replaces",
                             status=404)
        taken = set(docs) | {r.doc_id for r in self.registry.all()}
        if doc_id:
            doc_id = _check_doc_id(doc_id)
            if doc_id in taken:
                raise _bad("doc_id", f"文档编号“{doc_id}”已被使用，请换一个", "doc_id taken", status=409)
        else:
            stem = Path(source_name).stem if source_name and Path(source_name).stem.isascii() else ""
            doc_id = self.registry.new_doc_id(stem or (f"{replaces}-v" if replaces else ""), taken)
        lineage = []
        if replaces:
            base = docs.get(replaces)
            lineage = [*(getattr(base, "lineage", ()) or (old.lineage if old else [])), replaces]
        record = DocumentRecord(
            doc_id=doc_id, status=DRAFT, origin=PASTE if extraction == PASTE else UPLOAD,
            source_name=source_name, source_file=("original" + suffix) if original is not None else "",
            source_bytes=len(original) if original is not None else len(raw.encode("utf-8")),
            extraction=extraction, replaces=replaces or "", lineage=lineage,
            created_by=actor, created_at=now(), updated_by=actor, updated_at=now(),
            region=self._default_region(), **{k: v for k, v in checked.items()})
        record.source_sha256 = hashlib.sha256(original if original is not None else raw.encode("utf-8")).hexdigest()
        preview = build_preview(record, raw, furniture=furniture, ocr=extraction == "ocr")
        if not preview["text"].strip():
            raise _bad("file", "文件中没有可收录的正文", "no body text", status=422)
        self._refuse_duplicate(preview["text"], replaces, allow_duplicate_of)
        # metadata the text suggests, where staff gave none
        for key, value in preview["suggested"].items():
            if value and not getattr(record, key):
                setattr(record, key, value)
        self.registry.add(record, original, raw)
        if furniture:
            self._meta_file(doc_id).write_text(json.dumps({"furniture": list(furniture)}, ensure_ascii=False),
                                               encoding="utf-8")
        self.store.audit(actor, "doc_add", doc_id, detail={
            "title": record.title, "file": source_name, "extraction": extraction, "bytes": record.source_bytes,
            "replaces": replaces or None})
        preview = build_preview(record, raw, furniture=furniture, ocr=extraction == "ocr")
        return {"doc_id": doc_id, "status": DRAFT, "preview": preview, "record": record.to_dict()}

    def _default_region(self) -> str:
        regions = getattr(self.settings, "regions", None)
        return (regions[0] if regions else "") or "山西"

    def _refuse_duplicate(self, text: str, replaces: str | None, allowed: str | None) -> None:
        fingerprint = text_fingerprint(text)
        mine = shingles(text)
        candidates = [(d.doc_id, d.title, d.status, d.text) for d in self.index_documents().values()]
        for r in self.registry.all():
            if r.managed and r.status == DRAFT:
                try:
                    candidates.append((r.doc_id, r.title, r.status, self.registry.extracted_text(r.doc_id)))
                except OSError:
                    continue
        for doc_id, title, status, other in candidates:
            if doc_id in (replaces, allowed) or status == RETIRED:
                continue
            if text_fingerprint(other) == fingerprint or similarity(mine, shingles(other)) >= DUPLICATE_SIMILARITY:
                raise DuplicateDocumentError(doc_id, title, status)

    # -- editing ----------------------------------------------------------------------------
    def update(self, doc_id: str, meta: dict, actor: str, *, wait: bool = True) -> dict:
        """Change metadata or validity. A draft changes at once; a document in the index is
        rebuilt (a job) so answers see the change."""
        record = self.registry.get(doc_id)
        docs = self.index_documents()
        if record is None and doc_id not in docs:
            self._record(doc_id)   # raises not found
        checked = check_metadata(meta, require=False)
        if not checked:
            raise _bad("meta", "没有要修改的内容", "nothing to change")
        text = docs[doc_id].text if doc_id in docs else self.preview(doc_id)["text"]
        self._check_locations(text, checked)
        if record is not None and record.status == DRAFT:
            updated = self.registry.update(doc_id, updated_by=actor, updated_at=now(), **checked)
            self.store.audit(actor, "doc_update", doc_id, detail=_audit_fields(checked))
            return {"doc_id": doc_id, "status": updated.status, "record": updated.to_dict()}
        if record is None or not record.managed:
            # a catalogued document: staff may set its validity and kind, not its text or metadata
            allowed = {"kind", "valid_from", "valid_until", "validity_note", "validity_quote", "measure_specs"}
            refused = sorted(set(checked) - allowed)
            if refused:
                raise _bad(refused[0], f"政策来源目录中的文档只能修改文种和有效期；“{FIELD_ZH.get(refused[0], refused[0])}”"
                                       "请在 corpus/catalog.yaml 中修改", "corpus metadata is edited in the catalog")
            if record is None:
                checked = {**self._corpus_validity(docs[doc_id]), **checked}
        changes = {doc_id: {**checked, "updated_by": actor, "updated_at": now()}}
        job = self._run("update", doc_id, actor, changes, audit=("doc_update", _audit_fields(checked)), wait=wait)
        return {"doc_id": doc_id, "status": (self.registry.get(doc_id) or record or DocumentRecord(doc_id)).status,
                "job": job.to_dict()}

    @staticmethod
    def _corpus_validity(doc) -> dict:
        return {"kind": doc.kind, "valid_from": doc.valid_from, "valid_until": doc.valid_until,
                "validity_note": doc.validity_note, "validity_quote": doc.validity_quote,
                "measure_specs": [{k: m.get(k, "") for k in ("label", "anchor", "anchor_end", "valid_from",
                                                              "valid_until", "note", "quote")} for m in doc.measures]}

    @staticmethod
    def _check_locations(text: str, checked: dict) -> None:
        quote = checked.get("validity_quote")
        if quote and re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", quote) not in text:
            raise _bad("validity_quote", f"“有效期依据原文”必须逐字摘自正文，正文中找不到“{quote[:30]}”", "quote not in text")
        for spec in checked.get("measure_specs") or []:
            _located, problem = locate_measure(text, spec)
            if problem:
                raise _bad("measures", problem, "measure not located")

    # -- publishing, retiring ---------------------------------------------------------------
    def publish(self, doc_id: str, actor: str, *, wait: bool = True) -> Job:
        record = self._record(doc_id)
        if not record.managed:
            raise _bad("doc_id", "该文档来自政策来源目录，已发布", "corpus documents are published by ingest", status=409)
        if record.status == PUBLISHED:
            raise _bad("doc_id", f"文档“{record.title or doc_id}”已经发布", "already published", status=409)
        if record.status == RETIRED:
            raise _bad("doc_id", f"文档“{record.title or doc_id}”已撤下，不能再次发布；如需恢复请上传新版本",
                       "retired documents are not republished", status=409)
        missing = [f for f in ("title", "publisher", "date") if not getattr(record, f)]
        if missing:
            raise _bad(missing[0], f"发布前请填写“{FIELD_ZH[missing[0]]}”", "required before publishing")
        check_metadata({"title": record.title, "publisher": record.publisher, "date": record.date}, require=True)
        preview = self.preview(doc_id)
        if not preview["text"].strip():
            raise _bad("text", "文档没有正文，不能发布", "no text")
        stamp = {"status": PUBLISHED, "published_by": actor, "published_at": now(), "last_error": ""}
        changes = {doc_id: stamp}
        if record.replaces:
            changes[record.replaces] = {"status": RETIRED, "replaced_by": doc_id, "retired_by": actor,
                                        "retired_at": now(), "retire_reason": f"已由新版本 {doc_id} 替换"}
        return self._run("publish", doc_id, actor, changes,
                         audit=("doc_publish", {"title": record.title, "replaces": record.replaces or None}),
                         wait=wait)

    def retire(self, doc_id: str, actor: str, reason: str = "", *, wait: bool = True) -> Job:
        reason = _short({"reason": reason}, "reason", MAX_NOTE)
        record = self.registry.get(doc_id)
        docs = self.index_documents()
        if record is None and doc_id not in docs:
            self._record(doc_id)
        if record is not None and record.status == DRAFT:
            raise _bad("doc_id", "草稿还没有发布，不需要撤下；可以直接删除草稿", "drafts are deleted, not retired", status=409)
        if (record is not None and record.status == RETIRED) or (doc_id in docs and docs[doc_id].retired):
            raise _bad("doc_id", "该文档已经撤下", "already retired", status=409)
        changes = {doc_id: {"status": RETIRED, "retired_by": actor, "retired_at": now(), "retire_reason": reason}}
        return self._run("retire", doc_id, actor, changes, audit=("doc_retire", {"reason": reason or None}), wait=wait)

    def delete_draft(self, doc_id: str, actor: str) -> None:
        record = self._record(doc_id)
        if record.status != DRAFT or not self.registry.delete_draft(doc_id):
            raise _bad("doc_id", "只有草稿可以删除；已发布的文档请撤下", "only drafts are deleted", status=409)
        self.store.audit(actor, "doc_delete_draft", doc_id, detail={"title": record.title})

    def job(self, job_id: str) -> Job:
        job = self.registry.get_job(job_id)
        if job is None:
            raise InputError("没有这个发布任务", f"no job {job_id!r}", field="job_id", status=404)
        return job

    def _run(self, kind: str, doc_id: str, actor: str, changes: dict, *, audit: tuple[str, dict],
             wait: bool) -> Job:
        job = self.registry.new_job(kind, doc_id, actor)
        if wait:
            self._execute(job, changes, audit)
            return self.registry.get_job(job.job_id) or job
        thread = threading.Thread(target=self._execute, args=(job, changes, audit), name=f"policydesk-{kind}",
                                  daemon=True)
        thread.start()
        return job

    def _execute(self, job: Job, changes: dict, audit: tuple[str, dict]) -> None:
        action, detail = audit
        progress = JobProgress(self.registry, job)
        job.state, job.stage, job.message = "running", "load", "开始"
        self.registry.save_job(job)
        try:
            ingest_corpus(self.settings, self.settings.corpus_dir, progress=progress, changes=changes)
            docs = self.index_documents()
            missing = [d for d, c in changes.items() if c.get("status") == PUBLISHED and d not in docs]
            if missing:
                # the ingest skipped it (a problem with its text): undo the registry's word
                for d in missing:
                    self.registry.update(d, status=DRAFT, last_error="收录时出错，文档未进入索引")
                raise PolicydeskError("收录时出错，文档未进入索引，请检查文件内容", "document not in the new index")
        except PolicydeskError as exc:
            self._failed(job, exc.message_zh, exc.message_en, action, detail)
            return
        except Exception as exc:  # noqa: BLE001 - a run must end as a job state, never a traceback to staff
            log.exception("document job %s failed", job.job_id)
            self._failed(job, "发布失败（系统内部错误），索引保持不变；请稍后重试或联系管理员",
                         f"{type(exc).__name__}", action, detail)
            return
        job.state, job.stage, job.done, job.total = "done", "done", 1, 1
        job.message, job.finished_at = "完成", now()
        self.registry.save_job(job)
        self.store.audit(job.actor, action, job.doc_id, detail={**detail, "job": job.job_id})
        if action in ("doc_retire", "doc_publish"):
            retired = [d for d, c in changes.items() if c.get("status") == RETIRED]
            for d in retired:
                flagged = self.store.faq_flag_for_document(
                    d, "依据的文档已撤下" if action == "doc_retire" else f"依据的文档已由新版本 {job.doc_id} 替换",
                    job.actor)
                if flagged:
                    self.store.audit(job.actor, "faq_flag_review", d, detail={"faq_ids": flagged})
        if self.services is not None:
            self.services.reload()

    def _failed(self, job: Job, zh: str, en: str, action: str, detail: dict) -> None:
        job.state, job.error, job.finished_at = "failed", zh, now()
        job.message = "失败"
        self.registry.save_job(job)
        record = self.registry.get(job.doc_id)
        if record is not None and record.managed:
            self.registry.update(job.doc_id, last_error=zh)
        self.store.audit(job.actor, action + "_failed", job.doc_id, detail={**detail, "error": en[:300],
                                                                           "job": job.job_id})


def _audit_fields(checked: dict) -> dict:
    return {k: v for k, v in checked.items()}


def _matches(row: dict, query: str, status: str, kind: str, region: str) -> bool:
    if status and status not in (row["status"], row["state"]):
        return False
    if kind and row["kind"] != kind:
        return False
    if region and row["region"] != region:
        return False
    if query:
        q = query.strip().lower()
        hay = " ".join(str(row.get(k) or "") for k in ("doc_id", "title", "publisher", "kind", "region")).lower()
        return q in hay
    return True

