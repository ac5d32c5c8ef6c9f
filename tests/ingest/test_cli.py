"""`policydesk ingest` and `policydesk docs` on the real corpus, with the real search index."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from cli.main import cli

from .conftest import SEED_IDS


def test_docs_lists_the_four_seed_articles_cleanly_then_the_statutes(indexed_home):
    result = CliRunner().invoke(cli, ["docs", "--json", "--full-text"])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.output)
    seed = [d for d in docs if d["source"].startswith("sources/")]
    assert [d["doc_id"] for d in seed] == SEED_IDS
    assert sorted(d["publisher"] for d in seed) == ["山西日报", "山西晚报", "山西晚报", "新华社"]
    for d in seed:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["date"])
        assert d["title"] and d["region"] == "山西"
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff\d]|\d +[\u4e00-\u9fff]", d["text"])
        assert "\n\n" not in d["text"] and "据《" not in d["text"]
        assert "statute" not in d and "articles" not in d


def test_a_listing_gives_each_texts_opening_verbatim_and_stays_small(indexed_home):
    """The 26 statutes are ~0.5 MB of text: the listing (which scripts and the contract check
    read in one piece) gives each text's opening and its length; --full-text the whole."""
    listing = CliRunner().invoke(cli, ["docs", "--json"]).output
    full = {d["doc_id"]: d for d in json.loads(CliRunner().invoke(cli, ["docs", "--json", "--full-text"]).output)}
    assert len(listing.encode("utf-8")) < 128 * 1024 < len(json.dumps(list(full.values()), ensure_ascii=False).encode())
    for d in json.loads(listing):
        whole = full[d["doc_id"]]["text"]
        assert whole.startswith(d["text"]) and d["text_chars"] == len(whole)
        assert d["text_complete"] == (d["text"] == whole)


def test_statutes_are_documents_of_their_own_with_metadata_read_from_the_file(indexed_home):
    docs = json.loads(CliRunner().invoke(cli, ["docs", "--json"]).output)
    statutes = {d["statute"]: d for d in docs if d["source"].startswith("statutes/")}
    assert len(statutes) == 26
    law = statutes["《劳动合同法》"]
    assert law["title"] == "中华人民共和国劳动合同法" and law["region"] == "全国" and law["kind"] == "法律"
    assert law["version_date"] == law["date"] == "2012-12-28" and law["version_event"] == "修正"
    assert law["publisher"] == "全国人民代表大会常务委员会"
    assert [h["event"] for h in law["history"]] == ["通过", "修正"]
    assert statutes["《失业保险条例》"]["kind"] == "行政法规" and statutes["《失业保险条例》"]["publisher"] == "国务院"
    assert statutes["《企业职工带薪年休假实施办法》"]["kind"] == "部门规章"
    assert {d["kind"] for d in statutes.values()} == {"法律", "行政法规", "司法解释", "部门规章"}
    for d in statutes.values():
        assert "#" not in d["text"] and "INFO END" not in d["text"] and "articles" not in d


def test_ingest_again_is_up_to_date_and_human_docs_listing(indexed_home):
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == 0 and "无需更新" in result.output
    listing = runner.invoke(cli, ["docs"]).output.splitlines()
    assert len(listing) == 30 and listing[2].startswith("love-vouchers-2022\t2022-12-30\t山西日报")
    assert any(line.startswith("statute-") and "\t2012-12-28\t全国人民代表大会常务委员会\t中华人民共和国劳动合同法" in line
               for line in listing)


def test_docs_without_index_says_to_ingest_first():
    result = CliRunner().invoke(cli, ["docs"])
    assert result.exit_code != 0 and "policydesk ingest" in result.output
    assert "Traceback" not in result.output
