"""Questions to offer a citizen: a few at the start of a chat, two or three after each
answer. They come from data only — the ``questions`` of each document in the corpus
catalog, the calculators' questions in assistant/data/suggestions.yaml, and the staff's
approved answers (口径库) — never from code.

After an answer the offer follows what was just cited: the calculator whose rules cite the
same document ("now work out my case"), other questions that document answers, approved
answers on the same document or close to the question; a question already asked in the
session is not offered again."""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.steps.faq import similarity
from calculators.registry import CALCULATORS
from calculators.rules import parameters

log = logging.getLogger("policydesk.assistant")

DATA_FILE = Path(__file__).resolve().parent / "data" / "suggestions.yaml"
CATALOG_FILE = "catalog.yaml"
ALREADY_ASKED = 0.6     # bigram similarity at which a suggestion counts as already asked
FAQ_RELATED = 0.3       # bigram similarity at which an approved answer is related to a question
NO_SUGGESTIONS = ("needs_more_info", "error", "refused")   # the next step is the citizen's


@lru_cache(maxsize=1)
def _config() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}


def start_limit() -> int:
    return int(_config().get("start") or 6)


def after_limit() -> int:
    return int(_config().get("after_answer") or 3)


@lru_cache(maxsize=8)
def catalog_questions(corpus_dir: str) -> dict[str, tuple[str, ...]]:
    """{doc_id: questions} from the catalog's ``questions`` fields, in catalog order."""
    path = Path(corpus_dir) / CATALOG_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:  # the catalog is checked at ingest
        log.warning("suggestions: catalog unreadable: %s", type(exc).__name__)
        return {}
    items = data.get("articles") if isinstance(data, dict) else data
    out: dict[str, tuple[str, ...]] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        questions = item.get("questions") or ()
        if isinstance(questions, str):
            questions = [questions]
        clean = tuple(str(q).strip() for q in questions if str(q).strip())
        if clean:
            out[str(item["id"])] = clean
    return out


@lru_cache(maxsize=1)
def calculator_questions() -> dict[str, tuple[str, ...]]:
    """{calculator name: questions} for the calculators that exist."""
    listed = _config().get("calculators") or {}
    return {name: tuple(listed[name]) for name in listed if name in CALCULATORS and listed[name]}


@lru_cache(maxsize=1)
def calculator_documents() -> dict[str, frozenset[str]]:
    """{calculator name: doc_ids its rules cite}: what ties a calculator to a document."""
    params = parameters()
    out = {}
    for name in calculator_questions():
        prefix = name.replace("-", "_") + "."
        docs = set()
        for pname, p in params.items():
            if not pname.startswith(prefix):
                continue
            refs = [p.reference] + [entry.get("reference") for _, entry in p.values]
            docs.update(r["doc_id"] for r in refs if isinstance(r, dict) and r.get("doc_id"))
        out[name] = frozenset(docs)
    return out


class Suggester:
    """Suggestions over one index (``documents``: the doc_ids served) and one database."""

    def __init__(self, corpus_dir, documents, store=None):
        self.by_doc = {d: qs for d, qs in catalog_questions(str(corpus_dir)).items() if d in documents}
        self.by_calc = calculator_questions()
        self.calc_docs = calculator_documents()
        self.store = store

    def _faq(self) -> list[dict]:
        if self.store is None:
            return []
        try:
            return self.store.faq_list()
        except Exception as exc:  # suggestions never cost the citizen an answer
            log.warning("suggestions: no approved answers: %s", type(exc).__name__)
            return []

    def start(self, limit: int | None = None, asked=()) -> list[str]:
        """The opening offer: one question per document, then the calculators, then the
        newest approved answers."""
        limit = limit or start_limit()
        firsts = [qs[0] for qs in self.by_doc.values()]
        calcs = [qs[0] for qs in self.by_calc.values()]
        faqs = [e["question"] for e in self._faq()]
        rest = [q for qs in self.by_doc.values() for q in qs[1:]]
        return _pick([firsts, calcs, faqs, rest], limit, asked, interleave=False)

    def after(self, record: dict, asked=()) -> list[str]:
        """Two or three questions to ask next, following what ``record`` cited."""
        status = record.get("status")
        if status in NO_SUGGESTIONS:
            return []
        limit = after_limit()
        asked = [record.get("question") or "", *asked]
        if status in ("declined", "chitchat"):
            return self.start(limit, asked)
        cited = list(dict.fromkeys(c.get("doc_id") for c in record.get("citations") or [] if c.get("doc_id")))
        current = (record.get("calculator") or {}).get("name")
        if current:
            cited += [d for d in sorted(self.calc_docs.get(current, ())) if d not in cited]
        calcs = [q for name, qs in self.by_calc.items() if name != current
                 and self.calc_docs.get(name, frozenset()) & set(cited) for q in qs]
        docs = [q for d in cited for q in self.by_doc.get(d, ())]
        question = record.get("question") or ""
        faqs = [e["question"] for e in self._faq()
                if {c.get("doc_id") for c in e.get("citations") or []} & set(cited)
                or similarity(question, e["question"]) >= FAQ_RELATED]
        picked = _pick([calcs, docs, faqs], limit, asked, interleave=True)
        if len(picked) < 2:
            picked += self.start(limit - len(picked), asked + picked)
        return picked[:limit]


def _pick(sources: list[list[str]], limit: int, asked, *, interleave: bool) -> list[str]:
    """Up to ``limit`` questions from ``sources`` (round-robin when ``interleave``), none
    close to one already asked or already picked."""
    out: list[str] = []

    def fresh(q: str) -> bool:
        return all(similarity(q, a) < ALREADY_ASKED for a in [*asked, *out] if a)

    if interleave:
        queues = [list(s) for s in sources]
        while len(out) < limit and any(queues):
            for queue in queues:
                while queue:
                    q = queue.pop(0)
                    if fresh(q):
                        out.append(q)
                        break
                if len(out) >= limit:
                    break
    else:
        for source in sources:
            for q in source:
                if len(out) >= limit:
                    break
                if fresh(q):
                    out.append(q)
    return out[:limit]
