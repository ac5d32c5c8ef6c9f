"""Choose the sentences that answer a question, from the top passages.

An answer quotes one to three sentences, not whole chunks. Each candidate sentence of the
top passages is scored by (a) the IDF-weighted share of the question's words it contains
(colloquial words expanded to the policy wording), (b) the cosine between the question's
vector and the sentence's vector (computed at indexing time, so nothing is embedded
here), scaled like the passages' cosines, and (c) a prior from its passage's rank. A second and third
sentence are added only when they score close to the best one.

Each returned Citation quotes ``doc.text[start:end]`` verbatim (≤ 200 characters: the
chunker already cut longer sentences at clause marks).
"""
from __future__ import annotations

import re
from dataclasses import replace

from retrieval.chunking import MAX_SENTENCE_CHARS, split_sentences
from retrieval.clauses import best_span
from retrieval.documents import Citation
from retrieval.lexical import get_tokenizer

TOP_PASSAGES = 3
PASSAGE_PRIOR = (0.30, 0.15, 0.05)  # added to a sentence's word score by passage rank
LEXICAL_SHARE = 0.5  # weight of (a) against (b)
KEEP_RATIO = 0.75  # a further sentence must score at least this share of the best one
# Questions that ask for a list (有哪些, 什么培训) are answered by several sentences, each
# naming some items, so further sentences are kept more readily.
LIST_KEEP_RATIO = 0.55
LIST_QUESTION = re.compile(r"哪些|哪几|有什么|什么样|都有啥|有啥")

# Expected answer type: a question asking for an amount is best answered by a sentence
# that states one, likewise for dates and durations (classic QA answer typing).
ANSWER_TYPES = (
    (re.compile(r"多少钱|多少元|几块钱|发多少|领多少|给多少|金额|补贴多少|标准是多少"),
     re.compile(r"\d[\d.]*(?:万|亿)?元")),
    (re.compile(r"什么时候|何时|哪天|几号|几月|截止|到什么时间|啥时候"),
     re.compile(r"\d{4}年|\d{1,2}月(?:\d{1,2}日|底|初)?")),
    (re.compile(r"几次|几回|多少次|几轮|几批"),
     re.compile(r"[\d一两二三四五六七八九十]+(?:次|回|轮|批)")),
    (re.compile(r"多久|多长时间|多长|几个月|几年|期限"),
     re.compile(r"\d+(?:年|个月|天|日)(?!\d)|不超过")),
)
ANSWER_TYPE_BONUS = 0.15
MIN_SCORE = 0.05
WHOLE_ARTICLE_CHARS = MAX_SENTENCE_CHARS  # a statute chunk this short is quoted whole
PER_STATUTE_PASSAGE = True
PASSAGE_KEEP_RATIO = 0.3  # statute set: 0.0 → hit 0.76 (318 chars quoted), 0.3 → 0.74 (268), 0.5 → 0.70


def _sentences_of(passage) -> list[tuple[int, int]]:
    """Sentence spans (document offsets) of a passage."""
    if getattr(passage, "sentences", None):
        return [tuple(s) for s in passage.sentences]
    c = passage.citation
    return [(c.start + a, c.start + b) for a, b in split_sentences(c.quote, max_chars=MAX_SENTENCE_CHARS)]


def _sub_citation(citation: Citation, start: int, end: int) -> Citation:
    quote = citation.quote[start - citation.start:end - citation.start]
    paragraph = citation.paragraph + citation.quote.count("\n", 0, start - citation.start)
    return replace(citation, quote=quote, start=start, end=end, paragraph=paragraph)


def select_sentences(query: str, passages: list, max_sentences: int = 3, searcher=None) -> list[Citation]:
    """The 1–``max_sentences`` sentences of ``passages`` that best answer ``query``, best
    first, as citations spanning exactly those sentences."""
    if not passages or max_sentences < 1:
        return []
    if searcher is None:
        searcher = getattr(passages[0], "searcher", None)
    tokenizer = searcher.tokenizer if searcher is not None else get_tokenizer()
    idf = searcher.lexical.idf if searcher is not None else (lambda token: 1.0)
    query_tokens = list(dict.fromkeys(tokenizer.tokenize(query, expand=True)))
    weights = {t: idf(t) for t in query_tokens}
    total = sum(weights.values()) or 1.0
    wanted = [shape for asks, shape in ANSWER_TYPES if asks.search(query)]
    sentence_vectors = getattr(searcher, "sentence_vectors", None) or {}
    query_vector = searcher.query_vector(query) if sentence_vectors else None

    scored: list[tuple[float, int, int, Citation]] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, passage in enumerate(passages[:TOP_PASSAGES]):
        citation = passage.citation
        units = _sentences_of(passage)
        whole = (getattr(citation, "statute", None) and len(units) > 1
                 and citation.end - citation.start <= WHOLE_ARTICLE_CHARS)
        if whole:
            # a statute article (or a piece of one) short enough is quoted whole: its lines
            # rarely stand alone (an item needs its lead 款), and the article is the unit of
            # citation; it competes with the best of its lines' vectors
            units = [(citation.start, citation.end)]
        for start, end in units:
            key = (citation.doc_id, start, end)
            if key in seen or end <= start:
                continue
            seen.add(key)
            sub = _sub_citation(citation, start, end)
            tokens = set(tokenizer.tokenize(sub.quote))
            overlap = sum(w for t, w in weights.items() if t in tokens) / total
            if len(sub.quote) < 8:  # a bare heading such as 实施“X”计划。 answers nothing
                overlap *= 0.5
            if any(shape.search(sub.quote) for shape in wanted):
                overlap += ANSWER_TYPE_BONUS
            if whole:
                vectors = [sentence_vectors[(citation.doc_id, a, b)] for a, b in _sentences_of(passage)
                           if (citation.doc_id, a, b) in sentence_vectors]
                similarity = max(float(v @ query_vector) for v in vectors) if vectors else None
            else:
                vector = sentence_vectors.get(key)
                similarity = float(vector @ query_vector) if vector is not None else None
            scored.append([overlap, similarity, rank, start, sub])
    if not scored:
        return []
    sims = [s[1] for s in scored if s[1] is not None]
    lo, hi = (min(sims), max(sims)) if sims else (0.0, 1.0)
    final = []
    for overlap, similarity, rank, start, sub in scored:
        if similarity is None:
            score = overlap
        else:
            dense = (similarity - lo) / ((hi - lo) or 1.0)
            score = LEXICAL_SHARE * overlap + (1 - LEXICAL_SHARE) * dense
        score += PASSAGE_PRIOR[min(rank, len(PASSAGE_PRIOR) - 1)]
        final.append((score, -rank, -start, sub))
    scored = final
    scored.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
    best = scored[0][0]
    keep_ratio = LIST_KEEP_RATIO if LIST_QUESTION.search(query) else KEEP_RATIO
    chosen = [scored[0][3]]
    if PER_STATUTE_PASSAGE and getattr(scored[0][3], "statute", None):
        # national law: the best clause of each of the top articles, so the article that
        # answers is quoted even when a neighbouring one outscored it by a little
        taken_ranks = {-scored[0][1]}
        for score, neg_rank, _, sub in scored[1:]:
            if len(chosen) >= max_sentences:
                break
            if -neg_rank not in taken_ranks and score >= max(MIN_SCORE, PASSAGE_KEEP_RATIO * best):
                chosen.append(sub)
                taken_ranks.add(-neg_rank)
        return chosen
    for score, _, _, sub in scored[1:]:
        if len(chosen) >= max_sentences:
            break
        if score >= max(MIN_SCORE, keep_ratio * best):
            chosen.append(sub)
    return chosen


def _query_weights(query: str, searcher=None) -> tuple[dict[str, float], object]:
    tokenizer = searcher.tokenizer if searcher is not None else get_tokenizer()
    idf = searcher.lexical.idf if searcher is not None else (lambda token: 1.0)
    tokens = list(dict.fromkeys(tokenizer.tokenize(query, expand=True)))
    return {t: idf(t) for t in tokens}, tokenizer


def answer_line(query: str, citation: Citation, searcher=None) -> tuple[Citation, float]:
    """The clause(s) of the quoted sentence that state the answer (retrieval.clauses), as
    the citation of exactly that span; a part of a longer sentence carries the sentence
    (``sentence``, ``sentence_start``, ``sentence_end``) so it stays one click away."""
    weights, tokenizer = _query_weights(query, searcher)
    similarity = None
    if searcher is not None and hasattr(searcher, "clause_similarities"):
        def similarity(texts):
            return searcher.clause_similarities(query, texts)
    start, end, score = best_span(weights, tokenizer.tokenize, citation.quote, citation.start, query,
                                  similarity=similarity)
    if (start, end) == (citation.start, citation.end):
        return citation, score
    sub = _sub_citation(citation, start, end)
    return replace(sub, sentence=citation.quote, sentence_start=citation.start,
                   sentence_end=citation.end), score
