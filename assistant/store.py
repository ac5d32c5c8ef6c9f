"""The database behind conversations, feedback, approved answers (口径库), dialog state and
WeChat message de-duplication. SQLite under $POLICYDESK_HOME by default (WAL mode), or
PostgreSQL via POLICYDESK_DATABASE_URL, so several API workers share one state.

Everything stored passes through policydesk.privacy.mask_pii first."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from assistant.steps.faq import NOISE, similarity
from policydesk.errors import BackendMissingError, InputError, PolicydeskError
from policydesk.privacy import mask_obj, mask_pii
from retrieval.normalize import normalize_text

metadata = sa.MetaData()

conversations = sa.Table(
    "conversations", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("session_id", sa.String(128), index=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("question", sa.Text),
    sa.Column("status", sa.String(32), index=True),
    sa.Column("declined", sa.Boolean),
    sa.Column("answer", sa.Text),
    sa.Column("record", sa.Text),  # the whole Answer record as JSON (masked)
    sa.Column("created_at", sa.Float, index=True),
)

feedback = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("answer_id", sa.String(32), index=True),
    sa.Column("session_id", sa.String(128)),
    sa.Column("rating", sa.Integer),  # +1 / -1
    sa.Column("comment", sa.Text),
    sa.Column("created_at", sa.Float),
)

faq = sa.Table(
    "faq", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("question", sa.Text),
    sa.Column("answer", sa.Text),
    sa.Column("citations", sa.Text),  # JSON list
    sa.Column("status", sa.String(16), index=True),  # active | retired
    sa.Column("author", sa.String(64)),
    sa.Column("created_at", sa.Float),
    sa.Column("updated_at", sa.Float),
)

dialog_state = sa.Table(
    "dialog_state", metadata,
    sa.Column("session_id", sa.String(128), primary_key=True),
    sa.Column("state", sa.Text),
    sa.Column("updated_at", sa.Float),
)

wechat_messages = sa.Table(
    "wechat_messages", metadata,
    sa.Column("msg_id", sa.String(64), primary_key=True),
    sa.Column("reply", sa.Text, nullable=True),
    sa.Column("created_at", sa.Float),
)

rate_counters = sa.Table(
    "rate_counters", metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("window", sa.BigInteger, primary_key=True),
    sa.Column("count", sa.Integer),
)

# A (timestamp, nonce) pair WeChat signed, with the body it came with: the same pair with
# another body is a replayed signature (plain mode does not sign the body).
wechat_nonces = sa.Table(
    "wechat_nonces", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("body_hash", sa.String(64)),
    sa.Column("created_at", sa.Float, index=True),
)

# Answers the customer-service API would not take (reply window passed, quota, unknown
# error): kept for operators, with the OpenID only as its hash and the text masked.
wechat_dead_letters = sa.Table(
    "wechat_dead_letters", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("openid_hash", sa.String(64), index=True),
    sa.Column("msg_id", sa.String(64)),
    sa.Column("text", sa.Text),
    sa.Column("errcode", sa.Integer, nullable=True),
    sa.Column("reason", sa.String(200)),
    sa.Column("attempts", sa.Integer),
    sa.Column("created_at", sa.Float, index=True),
)

# Hotline staff: one account per person (password hash only), and what they did.
staff_users = sa.Table(
    "staff_users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(64)),
    sa.Column("password_hash", sa.String(256)),
    sa.Column("active", sa.Boolean, default=True),
    sa.Column("failed_count", sa.Integer, default=0),
    sa.Column("locked_until", sa.Float, nullable=True),
    sa.Column("created_at", sa.Float),
    sa.Column("last_login_at", sa.Float, nullable=True),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, index=True),
    sa.Column("actor", sa.String(64), index=True),
    sa.Column("action", sa.String(64), index=True),
    sa.Column("target", sa.String(128), nullable=True),
    sa.Column("detail", sa.Text, nullable=True),
)

# How often each document was cited to citizens (the Documents tab's "citations served").
doc_citations = sa.Table(
    "doc_citations", metadata,
    sa.Column("doc_id", sa.String(128), primary_key=True),
    sa.Column("count", sa.Integer),
    sa.Column("last_at", sa.Float),
)

# 口径库 entries to be reviewed: they cite a document that was retired (or replaced).
faq_reviews = sa.Table(
    "faq_reviews", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("faq_id", sa.String(32), index=True),
    sa.Column("doc_id", sa.String(128), index=True),
    sa.Column("reason", sa.String(200)),
    sa.Column("flagged_by", sa.String(64)),
    sa.Column("flagged_at", sa.Float),
    sa.Column("cleared_at", sa.Float, nullable=True),
)

MAX_FIELD = 4000
SAME_QUESTION = 0.85   # bigram similarity at which two wordings are one question in the worklist


def question_key(question: str) -> str:
    """A question reduced to what it asks: normalized (traditional → simplified, full-width
    forms), without punctuation, spaces and particles."""
    return NOISE.sub("", normalize_text(question or "")).lower()


def _sqlite_pragmas(dbapi_connection, _record):
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Store:
    """One database; the same code for SQLite and PostgreSQL."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        if url.startswith("postgresql") and "+" not in url.split("://", 1)[0]:
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        try:
            self.engine = sa.create_engine(url, pool_pre_ping=True, future=True)
        except ModuleNotFoundError as exc:  # e.g. psycopg missing
            raise BackendMissingError("PostgreSQL", "'psycopg[binary]'") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            metadata.create_all(self.engine)
        except sa.exc.OperationalError as exc:
            raise PolicydeskError("数据库无法连接，请检查 POLICYDESK_DATABASE_URL",
                                  f"cannot open database {self.safe_url}: {exc.orig}") from exc

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- conversations -------------------------------------------------------------------
    def log_answer(self, record: dict, channel: str = "cli") -> str:
        # Identifiers are ours, not the citizen's: masking a digit run inside a hex id would
        # store the answer under an id nobody can find (feedback, staff links, tests).
        keep = {key: record.get(key) for key in ("id", "session_id")}
        record = {**mask_obj(record), **keep}
        cited = sorted({c.get("doc_id") for c in record.get("citations") or []
                        if isinstance(c, dict) and c.get("doc_id")})
        with self.engine.begin() as conn:
            conn.execute(conversations.insert().values(
                id=record["id"], session_id=record.get("session_id"), channel=channel,
                question=record.get("question", "")[:MAX_FIELD], status=record.get("status"),
                declined=bool(record.get("declined")), answer=record.get("answer", ""),
                record=json.dumps(record, ensure_ascii=False, default=str),
                created_at=record.get("created_at") or time.time()))
            if channel != "staff":
                for doc_id in cited:
                    self._count_citation(conn, str(doc_id)[:128])
        return record["id"]

    @staticmethod
    def _count_citation(conn, doc_id: str) -> None:
        now = time.time()
        res = conn.execute(doc_citations.update().where(doc_citations.c.doc_id == doc_id)
                           .values(count=doc_citations.c.count + 1, last_at=now))
        if res.rowcount == 0:
            try:
                with conn.begin_nested():
                    conn.execute(doc_citations.insert().values(doc_id=doc_id, count=1, last_at=now))
            except sa.exc.IntegrityError:
                conn.execute(doc_citations.update().where(doc_citations.c.doc_id == doc_id)
                             .values(count=doc_citations.c.count + 1, last_at=now))

    def citation_counts(self) -> dict[str, int]:
        """How many answers to citizens cited each document."""
        with self.engine.connect() as conn:
            return {r.doc_id: int(r.count or 0) for r in conn.execute(sa.select(doc_citations))}

    def list_conversations(self, *, status: str | None = None, limit: int = 100,
                           session_id: str | None = None) -> list[dict]:
        q = sa.select(conversations.c.id, conversations.c.session_id, conversations.c.channel,
                      conversations.c.question, conversations.c.status, conversations.c.declined,
                      conversations.c.answer, conversations.c.created_at)
        if status:
            q = q.where(conversations.c.status == status)
        if session_id:
            q = q.where(conversations.c.session_id == session_id)
        q = q.order_by(conversations.c.created_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def get_conversation(self, answer_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(conversations.c.record)
                               .where(conversations.c.id == answer_id)).first()
        return json.loads(row[0]) if row else None

    # -- feedback ------------------------------------------------------------------------
    def add_feedback(self, answer_id: str, rating: int, comment: str | None = None,
                     session_id: str | None = None) -> int:
        if rating not in (1, -1):
            raise InputError("评价只能是有用（1）或没用（-1）", "rating must be 1 or -1", field="rating")
        if not answer_id or len(answer_id) > 64:
            raise InputError("缺少要评价的回答编号", "answer_id is required", field="answer_id")
        with self.engine.begin() as conn:
            res = conn.execute(feedback.insert().values(
                answer_id=answer_id, session_id=session_id, rating=rating,
                comment=mask_pii((comment or "")[:MAX_FIELD]), created_at=time.time()))
            return int(res.inserted_primary_key[0])

    def list_feedback(self, limit: int = 200) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(feedback).order_by(feedback.c.created_at.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    def worklist(self, limit: int = 100) -> list[dict]:
        """Questions staff should look at: declined ones and those rated 👎, newest first."""
        neg = sa.select(feedback.c.answer_id, sa.func.max(feedback.c.comment).label("comment")) \
            .where(feedback.c.rating < 0).group_by(feedback.c.answer_id).subquery()
        q = (sa.select(conversations.c.id, conversations.c.question, conversations.c.status,
                       conversations.c.answer, conversations.c.created_at, neg.c.comment,
                       (neg.c.answer_id.is_not(None)).label("thumbs_down"))
             .select_from(conversations.outerjoin(neg, neg.c.answer_id == conversations.c.id))
             .where(sa.or_(conversations.c.declined.is_(True), neg.c.answer_id.is_not(None)))
             .order_by(conversations.c.created_at.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def worklist_groups(self, limit: int = 100, scan: int = 2000) -> list[dict]:
        """The worklist grouped by question: every declined answer and every 没用 (👎),
        one group per question however it was worded (punctuation, full-width forms,
        traditional characters, particles aside), most asked first.

        A group: ``{question, questions, count, declined, thumbs_down, comments, answer_ids,
        statuses, last_at}`` — ``count`` is the number of answers in it."""
        items = self.worklist(limit=scan)
        notes: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(feedback.c.answer_id, feedback.c.comment)
                                .where(feedback.c.rating < 0, feedback.c.comment.is_not(None),
                                       feedback.c.comment != "")
                                .order_by(feedback.c.created_at))
            for answer_id, comment in rows:
                notes.setdefault(answer_id, []).append(comment)
        groups: list[dict] = []
        for item in items:   # newest first: a group's question is its latest wording
            key = question_key(item["question"] or "")
            group = next((g for g in groups if g["key"] == key
                          or similarity(g["key"], key) >= SAME_QUESTION), None)
            if group is None:
                group = {"key": key, "question": item["question"], "questions": [], "count": 0,
                         "declined": 0, "thumbs_down": 0, "comments": [], "answer_ids": [],
                         "statuses": [], "last_at": item["created_at"]}
                groups.append(group)
            group["count"] += 1
            group["declined"] += int(item["status"] == "declined")
            group["thumbs_down"] += int(bool(item.get("thumbs_down")))
            group["answer_ids"].append(item["id"])
            group["comments"] += notes.get(item["id"], [])
            if item["question"] not in group["questions"]:
                group["questions"].append(item["question"])
            if item["status"] not in group["statuses"]:
                group["statuses"].append(item["status"])
        groups.sort(key=lambda g: (-g["count"], -(g["last_at"] or 0)))
        for g in groups:
            g.pop("key")
        return groups[:limit]

    # -- approved answers (口径库) --------------------------------------------------------
    def faq_save(self, question: str, answer: str, citations: list[dict] | None = None, *,
                 faq_id: str | None = None, author: str = "staff") -> str:
        question, answer = (question or "").strip(), (answer or "").strip()
        if not question:
            raise InputError("请填写问题", "question is required", field="question")
        if not answer:
            raise InputError("请填写答复口径", "answer is required", field="answer")
        now = time.time()
        cites = json.dumps(citations or [], ensure_ascii=False)
        with self.engine.begin() as conn:
            if faq_id:
                res = conn.execute(faq.update().where(faq.c.id == faq_id).values(
                    question=question, answer=answer, citations=cites, updated_at=now))
                if res.rowcount == 0:
                    raise InputError("找不到该条口径", f"no approved answer {faq_id}", field="faq_id")
                # Reviewed: a flag clears once the entry no longer cites the retired document.
                still = {c.get("doc_id") for c in citations or [] if isinstance(c, dict)}
                conn.execute(faq_reviews.update().where(faq_reviews.c.faq_id == faq_id,
                                                        faq_reviews.c.cleared_at.is_(None),
                                                        faq_reviews.c.doc_id.not_in(still or {""}))
                             .values(cleared_at=now))
                return faq_id
            faq_id = uuid.uuid4().hex
            conn.execute(faq.insert().values(id=faq_id, question=question, answer=answer,
                                             citations=cites, status="active", author=author,
                                             created_at=now, updated_at=now))
            return faq_id

    def faq_retire(self, faq_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(faq.update().where(faq.c.id == faq_id)
                         .values(status="retired", updated_at=time.time()))

    def faq_list(self, include_retired: bool = False) -> list[dict]:
        q = sa.select(faq).order_by(faq.c.updated_at.desc())
        if not include_retired:
            q = q.where(faq.c.status == "active")
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q)]
            flags = [dict(r._mapping) for r in conn.execute(
                sa.select(faq_reviews).where(faq_reviews.c.cleared_at.is_(None)))]
        by_faq: dict[str, list[dict]] = {}
        for f in flags:
            by_faq.setdefault(f["faq_id"], []).append(
                {"doc_id": f["doc_id"], "reason": f["reason"], "flagged_at": f["flagged_at"],
                 "flagged_by": f["flagged_by"]})
        for row in rows:
            row["citations"] = json.loads(row["citations"] or "[]")
            row["review"] = by_faq.get(row["id"], [])
        return rows

    def faq_flag_for_document(self, doc_id: str, reason: str, actor: str) -> list[str]:
        """Flag for review every active approved answer that cites ``doc_id``; returns their ids."""
        flagged = []
        now = time.time()
        for entry in self.faq_list():
            if not any(isinstance(c, dict) and c.get("doc_id") == doc_id for c in entry["citations"]):
                continue
            if any(r["doc_id"] == doc_id for r in entry["review"]):
                flagged.append(entry["id"])
                continue
            with self.engine.begin() as conn:
                conn.execute(faq_reviews.insert().values(faq_id=entry["id"], doc_id=doc_id, reason=reason[:200],
                                                         flagged_by=(actor or "")[:64], flagged_at=now))
            flagged.append(entry["id"])
        return flagged

    # -- dialog state --------------------------------------------------------------------
    def dialog_get(self, session_id: str) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(dialog_state.c.state)
                               .where(dialog_state.c.session_id == session_id)).first()
        return json.loads(row[0]) if row else {}

    def dialog_put(self, session_id: str, state: dict) -> None:
        payload = json.dumps(mask_obj(state), ensure_ascii=False, default=str)
        with self.engine.begin() as conn:
            res = conn.execute(dialog_state.update().where(dialog_state.c.session_id == session_id)
                               .values(state=payload, updated_at=time.time()))
            if res.rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(dialog_state.insert().values(session_id=session_id, state=payload,
                                                                  updated_at=time.time()))
                except sa.exc.IntegrityError:
                    conn.execute(dialog_state.update().where(dialog_state.c.session_id == session_id)
                                 .values(state=payload, updated_at=time.time()))

    # -- WeChat message de-duplication ---------------------------------------------------
    def claim_message(self, msg_id: str) -> bool:
        """True the first time a MsgId is seen (by any worker); False for a retry."""
        try:
            with self.engine.begin() as conn:
                conn.execute(wechat_messages.insert().values(msg_id=msg_id, reply=None,
                                                             created_at=time.time()))
            return True
        except sa.exc.IntegrityError:
            return False

    def set_message_reply(self, msg_id: str, reply: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(wechat_messages.update().where(wechat_messages.c.msg_id == msg_id)
                         .values(reply=reply))

    def get_message_reply(self, msg_id: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(wechat_messages.c.reply)
                               .where(wechat_messages.c.msg_id == msg_id)).first()
        return row[0] if row else None

    def claim_nonce(self, key: str, body_hash: str, keep_s: float, now: float | None = None) -> str | None:
        """Record a signed (timestamp, nonce); None the first time, else the body hash it
        was first seen with. Rows older than ``keep_s`` are dropped."""
        now = now or time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(wechat_nonces.insert().values(key=key, body_hash=body_hash, created_at=now))
                conn.execute(wechat_nonces.delete().where(wechat_nonces.c.created_at < now - keep_s))
            return None
        except sa.exc.IntegrityError:
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(wechat_nonces.c.body_hash).where(wechat_nonces.c.key == key)).first()
            return row[0] if row else ""

    def add_dead_letter(self, openid_hash: str, text: str, *, msg_id: str | None = None,
                        errcode: int | None = None, reason: str = "", attempts: int = 0) -> int:
        with self.engine.begin() as conn:
            res = conn.execute(wechat_dead_letters.insert().values(
                openid_hash=openid_hash, msg_id=msg_id, text=mask_pii((text or "")[:MAX_FIELD]),
                errcode=errcode, reason=mask_pii(reason[:200]), attempts=attempts, created_at=time.time()))
            return int(res.inserted_primary_key[0])

    def list_dead_letters(self, limit: int = 100) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(wechat_dead_letters)
                                .order_by(wechat_dead_letters.c.created_at.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    # -- staff accounts and the audit log ------------------------------------------------
    def staff_get(self, username: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(staff_users).where(staff_users.c.username == username)).first()
        return dict(row._mapping) if row else None

    def staff_list(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_users).order_by(staff_users.c.username))
            return [{k: v for k, v in r._mapping.items() if k != "password_hash"} for r in rows]

    def staff_put(self, username: str, password_hash: str, display_name: str | None = None) -> bool:
        """Create the account or set its password (and unlock it); True when created."""
        now = time.time()
        with self.engine.begin() as conn:
            res = conn.execute(staff_users.update().where(staff_users.c.username == username).values(
                password_hash=password_hash, failed_count=0, locked_until=None, active=True,
                **({"display_name": display_name} if display_name else {})))
            if res.rowcount:
                return False
            conn.execute(staff_users.insert().values(
                username=username, display_name=display_name or username, password_hash=password_hash,
                active=True, failed_count=0, locked_until=None, created_at=now))
            return True

    def staff_update(self, username: str, **values) -> None:
        allowed = {"password_hash", "active", "failed_count", "locked_until", "last_login_at", "display_name"}
        values = {k: v for k, v in values.items() if k in allowed}
        with self.engine.begin() as conn:
            conn.execute(staff_users.update().where(staff_users.c.username == username).values(**values))

    def staff_record_failure(self, username: str) -> int:
        """Count one failed sign-in atomically; returns the new count (0 if no such user)."""
        with self.engine.begin() as conn:
            conn.execute(staff_users.update().where(staff_users.c.username == username)
                         .values(failed_count=staff_users.c.failed_count + 1))
            count = conn.execute(sa.select(staff_users.c.failed_count)
                                 .where(staff_users.c.username == username)).scalar()
        return int(count or 0)

    def audit(self, actor: str, action: str, target: str | None = None, detail: dict | str | None = None) -> None:
        if isinstance(detail, dict):
            detail = json.dumps(mask_obj(detail), ensure_ascii=False, default=str)
        with self.engine.begin() as conn:
            conn.execute(audit_log.insert().values(at=time.time(), actor=mask_pii((actor or "")[:64]), action=action[:64],
                                                   target=mask_pii((target or "")[:128]) or None,
                                                   detail=mask_pii(detail[:MAX_FIELD]) if detail else None))

    def audit_list(self, limit: int = 200, actor: str | None = None) -> list[dict]:
        q = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
        if actor:
            q = q.where(audit_log.c.actor == actor)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- rate limiting shared by workers -------------------------------------------------
    def rate_hit(self, key: str, window_s: int, now: float | None = None) -> int:
        """Count one hit for ``key`` in the current fixed window; returns the count so far."""
        window = int((now or time.time()) // window_s)
        key = key[:200]
        with self.engine.begin() as conn:
            res = conn.execute(rate_counters.update()
                               .where(rate_counters.c.key == key, rate_counters.c.window == window)
                               .values(count=rate_counters.c.count + 1))
            if res.rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(rate_counters.insert().values(key=key, window=window, count=1))
                except sa.exc.IntegrityError:
                    conn.execute(rate_counters.update()
                                 .where(rate_counters.c.key == key, rate_counters.c.window == window)
                                 .values(count=rate_counters.c.count + 1))
            count = conn.execute(sa.select(rate_counters.c.count)
                                 .where(rate_counters.c.key == key, rate_counters.c.window == window)).scalar()
            conn.execute(rate_counters.delete().where(rate_counters.c.window < window - 1))
        return int(count or 0)

    def dispose(self) -> None:
        self.engine.dispose()
