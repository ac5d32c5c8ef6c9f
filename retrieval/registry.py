"""The documents staff manage: drafts, published and retired documents added from the
staff console, the CLI or the API, and staff overrides (validity, retirement) of the
corpus's catalogued documents. Files under ``$POLICYDESK_HOME/documents/``:

    records/<doc_id>.json          one DocumentRecord (metadata, status, validity, history)
    files/<doc_id>/original.<ext>  the file as uploaded (kept, never served)
    files/<doc_id>/extracted.txt   the text read from it (PDF text layer, DOCX, OCR …)
    jobs/<job_id>.json             a publish or retire run: stage, done/total, outcome
    .lock                          serialises writes to the records

The ingest (retrieval.ingest) reads this folder: published and retired records become
documents of the index (retired ones marked, never cited to citizens), drafts do not.
A change that must reach the index (publish, retire, new dates) is handed to the ingest as
``changes``; the ingest writes it here only once the new index is built, just before it
swaps the index in, so a failed or killed run leaves both as they were."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from retrieval.documents import DRAFT, PUBLISHED, RETIRED

REGISTRY_DIR = "documents"
DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
UPLOAD, PASTE, CORPUS = "upload", "paste", "corpus"

# A corpus document takes from its record only: status, kind, validity, replaced_by (its
# text and other metadata stay the catalog's; see retrieval.ingest._with_registry).


@dataclass
class DocumentRecord:
    doc_id: str
    title: str = ""
    publisher: str = ""
    date: str = ""
    region: str = ""
    kind: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""
    status: str = DRAFT
    origin: str = UPLOAD
    # the file
    source_name: str = ""        # as uploaded (file name only)
    source_file: str = ""        # stored name under files/<doc_id>/
    source_sha256: str = ""
    source_bytes: int = 0
    text_sha256: str = ""        # of the extracted text
    extraction: str = ""         # text | pdf | docx | ocr | paste
    # validity (see retrieval/validity.py)
    valid_from: str = ""
    valid_until: str = ""
    validity_note: str = ""
    validity_quote: str = ""
    measure_specs: list[dict] = field(default_factory=list)  # {label, anchor, anchor_end, valid_from, valid_until, note, quote}
    # versions
    replaces: str = ""
    replaced_by: str = ""
    lineage: list[str] = field(default_factory=list)
    # who and when (epoch seconds)
    created_by: str = ""
    created_at: float = 0.0
    updated_by: str = ""
    updated_at: float = 0.0
    published_by: str = ""
    published_at: float = 0.0
    retired_by: str = ""
    retired_at: float = 0.0
    retire_reason: str = ""
    last_error: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "DocumentRecord":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def managed(self) -> bool:
        """Added by staff (its text is ours), not a catalogued corpus document."""
        return self.origin != CORPUS


@dataclass
class Job:
    """A publish (or retire, or change) run, as the console's progress bar reads it."""

    job_id: str
    kind: str
    doc_id: str
    actor: str = ""
    state: str = "queued"        # queued | running | done | failed
    stage: str = ""
    done: int = 0
    total: int = 0
    message: str = ""            # Chinese, for the progress bar
    error: str = ""              # Chinese, why it failed
    pid: int = 0
    started_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float = 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out["percent"] = self.percent
        return out

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return STAGE_BASE.get(self.stage, 0) + int(STAGE_SPAN.get(self.stage, 0) * (self.done / self.total)) \
            if self.total else STAGE_BASE.get(self.stage, 0)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


# How far along a run is at the start of each stage, and how much the stage itself spans:
# embedding is what takes time when a document is new.
STAGE_BASE = {"queued": 0, "waiting": 2, "load": 5, "chunk": 15, "lexical": 20, "embed": 25, "store": 85,
              "swap": 95}
STAGE_SPAN = {"load": 10, "embed": 60, "store": 10}


def now() -> float:
    return time.time()


class DocumentRegistry:
    def __init__(self, home: Path):
        self.root = Path(home) / REGISTRY_DIR
        self.records_dir = self.root / "records"
        self.files_dir = self.root / "files"
        self.jobs_dir = self.root / "jobs"

    # -- locking and atomic writes -----------------------------------------------------------
    @contextlib.contextmanager
    def locked(self):
        """Serialise writers (two clerks, two API workers): an exclusive lock on .lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @staticmethod
    def _write_json(path: Path, data: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:6]}")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    # -- records ---------------------------------------------------------------------------
    def _record_path(self, doc_id: str) -> Path:
        if not DOC_ID.fullmatch(doc_id or ""):
            raise ValueError(f"bad doc_id {doc_id!r}")
        return self.records_dir / f"{doc_id}.json"

    def get(self, doc_id: str) -> DocumentRecord | None:
        try:
            path = self._record_path(doc_id)
        except ValueError:
            return None
        try:
            return DocumentRecord.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def all(self) -> list[DocumentRecord]:
        out = []
        if self.records_dir.is_dir():
            for path in sorted(self.records_dir.glob("*.json")):
                try:
                    out.append(DocumentRecord.from_dict(json.loads(path.read_text(encoding="utf-8"))))
                except (OSError, ValueError, TypeError):
                    continue  # a damaged record is skipped, never fatal to an ingest
        return out

    def put(self, record: DocumentRecord) -> None:
        self._write_json(self._record_path(record.doc_id), record.to_dict())

    def update(self, doc_id: str, **values) -> DocumentRecord:
        """Change fields of a record (created, for a corpus document, on first change)."""
        with self.locked():
            record = self.get(doc_id) or DocumentRecord(doc_id=doc_id, origin=CORPUS, status=PUBLISHED,
                                                        created_at=now())
            record = replace(record, **values)
            self.put(record)
            return record

    def apply(self, changes: dict[str, dict]) -> None:
        """Write the changes an ingest was run with (called just before the swap)."""
        for doc_id, values in changes.items():
            self.update(doc_id, **values)

    def add(self, record: DocumentRecord, original: bytes | None, extracted: str) -> DocumentRecord:
        """Store a new draft: its record, the uploaded file and the text read from it."""
        folder = self.files_dir / record.doc_id
        with self.locked():
            if self._record_path(record.doc_id).exists():
                raise FileExistsError(record.doc_id)
            folder.mkdir(parents=True, exist_ok=True)
            if original is not None and record.source_file:
                (folder / record.source_file).write_bytes(original)
            (folder / "extracted.txt").write_text(extracted, encoding="utf-8")
            record.text_sha256 = hashlib.sha256(extracted.encode("utf-8")).hexdigest()
            self.put(record)
        return record

    def extracted_text(self, doc_id: str) -> str:
        return (self.files_dir / doc_id / "extracted.txt").read_text(encoding="utf-8")

    def delete_draft(self, doc_id: str) -> bool:
        with self.locked():
            record = self.get(doc_id)
            if record is None or record.status != DRAFT:
                return False
            self._record_path(doc_id).unlink(missing_ok=True)
            folder = self.files_dir / doc_id
            if folder.is_dir():
                for p in folder.iterdir():
                    p.unlink(missing_ok=True)
                folder.rmdir()
            return True

    def digest(self, records: list[DocumentRecord] | None = None) -> str:
        """What the index depends on in the registry: everything but drafts and timestamps."""
        rows = []
        for r in sorted(records if records is not None else self.all(), key=lambda r: r.doc_id):
            if r.status == DRAFT:
                continue
            d = r.to_dict()
            for key in ("created_at", "updated_at", "published_at", "retired_at", "created_by", "updated_by",
                        "published_by", "retired_by", "last_error", "retire_reason"):
                d.pop(key, None)
            rows.append(d)
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()

    def new_doc_id(self, base: str, taken: set[str]) -> str:
        """A free doc_id derived from ``base`` (ASCII slug) or a dated one."""
        slug = re.sub(r"[^a-z0-9]+", "-", (base or "").lower()).strip("-")[:60]
        if not slug:
            slug = "doc-" + dt.date.today().strftime("%Y%m%d")
        candidate, n = slug, 2
        while candidate in taken or self._record_path(candidate).exists():
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    # -- jobs --------------------------------------------------------------------------------
    def new_job(self, kind: str, doc_id: str, actor: str) -> Job:
        job = Job(job_id=uuid.uuid4().hex[:16], kind=kind, doc_id=doc_id, actor=actor, state="queued",
                  stage="queued", message="排队中", pid=os.getpid(), started_at=now(), updated_at=now())
        self.save_job(job)
        return job

    def save_job(self, job: Job) -> None:
        job.updated_at = now()
        self._write_json(self.jobs_dir / f"{job.job_id}.json", job.to_dict())

    def get_job(self, job_id: str) -> Job | None:
        if not re.fullmatch(r"[0-9a-f]{16}", job_id or ""):
            return None
        try:
            data = json.loads((self.jobs_dir / f"{job_id}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        data.pop("percent", None)
        job = Job(**{k: v for k, v in data.items() if k in {f.name for f in fields(Job)}})
        if not job.finished and job.pid and not _alive(job.pid):
            # The process running it died (killed, machine restarted): the index is the old one.
            job.state, job.error = "failed", INTERRUPTED
        return job

    def jobs(self, doc_id: str | None = None, limit: int = 20) -> list[Job]:
        if not self.jobs_dir.is_dir():
            return []
        paths = sorted(self.jobs_dir.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        out = []
        for path in paths:
            job = self.get_job(path.stem)
            if job and (doc_id is None or job.doc_id == doc_id):
                out.append(job)
            if len(out) >= limit:
                break
        return out


INTERRUPTED = "发布过程被中断（进程已退出），索引保持发布前的状态，请重新发布"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (killed child not yet reaped) is not alive either
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
