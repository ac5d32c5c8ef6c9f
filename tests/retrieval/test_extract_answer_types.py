"""Sentence choice follows what the question asks for: an amount, a date, a count."""
import re

import pytest

from policydesk.settings import get_settings
from retrieval.search import Searcher


@pytest.fixture
def searcher(indexed_home):
    s = Searcher.open(get_settings())
    yield s
    s.close()


@pytest.mark.parametrize("question,shape", [
    ("消费券多少钱一个人", r"\d+元"),
    ("消费券总共发了多少钱", r"\d+(?:\.\d+)?(?:亿|万)?元"),
    ("消费券啥时候能发完", r"\d{4}年\d{1,2}月"),
])
def test_first_quote_states_what_was_asked(searcher, question, shape):
    quotes = searcher.select_sentences(question, searcher.search(question, k=8), 3)
    assert quotes and re.search(shape, quotes[0].quote), [q.quote for q in quotes]
