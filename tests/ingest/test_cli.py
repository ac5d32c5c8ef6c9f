"""`policydesk ingest` and `policydesk docs` on the real corpus, with the real search index."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from cli.main import cli

from .conftest import SEED_IDS


def test_docs_lists_the_four_seed_articles_cleanly(indexed_home):
    result = CliRunner().invoke(cli, ["docs", "--json"])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.output)
    assert [d["doc_id"] for d in docs] == SEED_IDS
    assert sorted(d["publisher"] for d in docs) == ["山西日报", "山西晚报", "山西晚报", "新华社"]
    for d in docs:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["date"])
        assert d["title"] and d["region"] == "山西" and d["source"].startswith("sources/")
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff\d]|\d +[\u4e00-\u9fff]", d["text"])
        assert "\n\n" not in d["text"] and "据《" not in d["text"]


def test_ingest_again_is_up_to_date_and_human_docs_listing(indexed_home):
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == 0 and "无需更新" in result.output
    listing = runner.invoke(cli, ["docs"]).output.splitlines()
    assert len(listing) == 4 and listing[2].startswith("love-vouchers-2022\t2022-12-30\t山西日报")


def test_docs_without_index_says_to_ingest_first():
    result = CliRunner().invoke(cli, ["docs"])
    assert result.exit_code != 0 and "policydesk ingest" in result.output
    assert "Traceback" not in result.output
