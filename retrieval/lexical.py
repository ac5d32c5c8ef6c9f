"""Lexical retrieval: jieba tokens (with the domain dictionary and stop words kept in the
corpus folder) scored by bm25s. bm25s is given token lists, never its own tokenizer, so
documents and queries are cut the same way.

The word lists are those of the corpus being indexed: ingest copies them into the index
(``corpus-data/``) and search loads them from there, so a deployment with its own corpus
folder (``POLICYDESK_CORPUS``) tokenizes with its own dictionary, at build and at query time."""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from pathlib import Path

import numpy as np

from retrieval.normalize import normalize_text
from policydesk.settings import PROJECT_ROOT

BM25_DIR = "bm25"
DICTIONARY_FILE, STOPWORDS_FILE, SYNONYMS_FILE = "dictionary.txt", "stopwords.txt", "synonyms.txt"
CORPUS_LISTS = (DICTIONARY_FILE, STOPWORDS_FILE, SYNONYMS_FILE)
DEFAULT_LISTS_DIR = PROJECT_ROOT / "corpus"

_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")


class ChineseTokenizer:
    """jieba ``lcut_for_search`` over normalized text, minus stop words and punctuation.

    Its own ``jieba.Tokenizer`` instance, so the domain dictionary does not leak into other
    users of the global jieba."""

    def __init__(self, dictionary: Path | None = None, stopwords: Path | None = None,
                 synonyms: Path | None = None):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.dictionary = Path(dictionary or DEFAULT_LISTS_DIR / DICTIONARY_FILE)
        self.stopwords_path = Path(stopwords or DEFAULT_LISTS_DIR / STOPWORDS_FILE)
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        # dictionary tags: ns = place name, nx = policy topic (in the corpus or not)
        self.places: set[str] = set()
        self.topics: set[str] = set()
        if self.dictionary.exists():
            self._jieba.load_userdict(str(self.dictionary))
            for line in self.dictionary.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) >= 3 and parts[2] == "ns":
                    self.places.add(parts[0])
                elif len(parts) >= 3 and parts[2] == "nx":
                    self.topics.add(parts[0])
        # colloquial word → the wording the policy texts use (社保 → 社会保险)
        self.synonyms: dict[str, list[str]] = {}
        synonyms_path = Path(synonyms or DEFAULT_LISTS_DIR / SYNONYMS_FILE)
        if synonyms_path.exists():
            for line in synonyms_path.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) >= 2 and not parts[0].startswith("#"):
                    self.synonyms[parts[0]] = parts[1:]
                    self._jieba.add_word(parts[0], 1500)
        self.stopwords: set[str] = set()
        if self.stopwords_path.exists():
            self.stopwords = {w.strip() for w in self.stopwords_path.read_text(encoding="utf-8").splitlines()
                              if w.strip() and not w.startswith("#")}

    def words(self, text: str) -> list[str]:
        """jieba words of normalized ``text`` (search mode: long words and their parts)."""
        with self._lock:  # jieba's lazy initialisation is not thread-safe
            return self._jieba.lcut_for_search(normalize_text(text))

    def tokenize(self, text: str, expand: bool = False) -> list[str]:
        """Index tokens of ``text``; with ``expand`` (queries), colloquial words also bring
        the tokens of the policy wording they stand for."""
        words = self.words(text)
        if expand:
            extra = []
            for w in words:
                for canonical in self.synonyms.get(w, ()):
                    extra.extend(self.words(canonical))
            words = words + extra
        return [w for w in (t.strip().lower() for t in words)
                if w and w not in self.stopwords and _WORDLIKE.search(w)]

    def canonical_terms(self, text: str) -> list[str]:
        """jieba words of ``text`` plus the policy wording of its colloquial words."""
        words = self.words(text)
        return words + [c for w in words for c in self.synonyms.get(w, ())]


_tokenizers: dict[str, ChineseTokenizer] = {}
_tokenizers_lock = threading.Lock()


def get_tokenizer(lists_dir: Path | str | None = None) -> ChineseTokenizer:
    """The tokenizer of the word lists in ``lists_dir`` (a corpus folder or an index's
    ``corpus-data/``; default: the repository's corpus). One instance per distinct
    content, so an index swapped in with new lists gets a new tokenizer."""
    base = Path(lists_dir) if lists_dir is not None else DEFAULT_LISTS_DIR
    paths = [base / name for name in CORPUS_LISTS]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"\x00absent")
    key = digest.hexdigest()
    with _tokenizers_lock:
        tokenizer = _tokenizers.get(key)
        if tokenizer is None:
            tokenizer = ChineseTokenizer(*paths)
            _tokenizers[key] = tokenizer
        return tokenizer


class LexicalIndex:
    """bm25s over token lists; ``scores(tokens)`` gives one BM25 score per chunk."""

    def __init__(self, retriever, vocab: dict[str, int] | None = None):
        self.retriever = retriever
        self.vocab = vocab if vocab is not None else retriever.vocab_dict
        self.num_docs = int(retriever.scores["num_docs"])
        # document frequency per token, for IDF weights outside BM25 (coverage, extraction)
        indptr = np.asarray(retriever.scores["indptr"])
        self._df = np.diff(indptr)

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "LexicalIndex":
        import bm25s

        # b = 0.5 (less length normalisation than the usual 0.75): statute chunks are short
        # articles and news chunks long paragraphs; at 0.75 a one-line article outscored the
        # paragraph that answers (dev sets: R@1 +0.05, statute set unchanged).
        retriever = bm25s.BM25(k1=1.2, b=0.5)
        retriever.index([t if t else [""] for t in token_lists], show_progress=False)
        return cls(retriever)

    def save(self, out_dir: Path) -> None:
        self.retriever.save(str(Path(out_dir) / BM25_DIR), show_progress=False)

    @classmethod
    def load(cls, index_dir: Path) -> "LexicalIndex":
        import bm25s

        retriever = bm25s.BM25.load(str(Path(index_dir) / BM25_DIR), show_progress=False, verbosity=0)
        return cls(retriever)

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocab]
        if not known:
            return np.zeros(self.num_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)

    def document_frequency(self, token: str) -> int:
        idx = self.vocab.get(token)
        if idx is None or idx >= len(self._df):
            return 0
        return int(self._df[idx])

    def idf(self, token: str) -> float:
        """Smoothed IDF; unknown tokens get the highest value (they are the most specific)."""
        df = self.document_frequency(token)
        return float(np.log(1.0 + (self.num_docs - df + 0.5) / (df + 0.5)))
