"""Statute files under corpus/statutes/ become documents whose metadata is read from the
file; a statute that cannot be read whole is reported with its file and line and skipped,
and never stops the rest."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from retrieval.documents import load_documents
from retrieval.ingest import ingest_corpus, print_report

from .conftest import SEED_IDS

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "corpus" / "statutes" / "行政法规" / "职工带薪年休假条例(2007-12-14).md").read_text(encoding="utf-8")
HEAD = "# 某条例\n\n2001年1月2日 中华人民共和国国务院令第1号公布\n\n<!-- INFO END -->\n\n"
BROKEN = {
    "no articles": (HEAD + "只有一段说明，没有条文。\n", 7, "没有找到任何条文"),
    "duplicate article": (HEAD + "第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n", 11, "条号重复"),
    "broken history line": ("# 某条例\n\n国务院令第1号公布\n\n<!-- INFO END -->\n\n第一条 甲。\n", 3, "沿革行"),
    "unknown kind": ("# 某规定\n\n2001年1月2日 某某会议通过\n\n<!-- INFO END -->\n\n第一条 甲。\n", 3, "类别"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_bad_statute_is_reported_with_file_and_line_and_skipped(case, make_corpus, settings, capsys):
    text, line, words = BROKEN[case]
    corpus = make_corpus(files={"statutes/bad(2001-01-02).md": text,
                                "statutes/行政法规/职工带薪年休假条例(2007-12-14).md": GOOD})
    report = ingest_corpus(settings, corpus, progress=False)
    assert report.ok
    bad = [p for p in report.problems if p.source == "statutes/bad(2001-01-02).md" and p.level == "error"]
    assert bad and bad[0].line == line and words in bad[0].message_zh, report.to_dict()["problems"]
    docs = load_documents(settings.index_dir)
    assert [d.doc_id for d in docs if not d.statute] == SEED_IDS
    assert [d.statute for d in docs if d.statute] == ["《职工带薪年休假条例》"]
    print_report(report.to_dict())
    out = capsys.readouterr().out
    assert f"statutes/bad(2001-01-02).md 第 {line} 行" in out and f"statutes/bad(2001-01-02).md:{line}" in out


def test_statute_document_carries_its_structure(make_corpus, settings):
    corpus = make_corpus(files={"statutes/行政法规/职工带薪年休假条例(2007-12-14).md": GOOD}, with_seed=False)
    assert ingest_corpus(settings, corpus, progress=False).ok
    (doc,) = load_documents(settings.index_dir)
    assert (doc.statute, doc.kind, doc.region, doc.publisher) == ("《职工带薪年休假条例》", "行政法规", "全国", "国务院")
    assert (doc.version_date, doc.version_event, doc.date) == ("2007-12-14", "公布", "2007-12-14")
    a3 = doc.article("第三条")
    assert doc.text[a3.start:a3.end].startswith("第三条 职工累计工作已满1年不满10年的，年休假5天")
    assert doc.article_at(a3.start + 5) == a3


def test_only_markdown_is_read_from_the_statutes_folder(make_corpus, settings):
    corpus = make_corpus(files={"statutes/notes.txt": "说明", "statutes/行政法规/职工带薪年休假条例(2007-12-14).md": GOOD})
    report = ingest_corpus(settings, corpus, progress=False)
    assert any(p.source == "statutes/notes.txt" and p.level == "warning" for p in report.problems)


def test_a_statute_only_corpus_that_fails_whole_keeps_the_previous_index(make_corpus, settings):
    corpus = make_corpus(files={"statutes/行政法规/职工带薪年休假条例(2007-12-14).md": GOOD}, with_seed=False)
    assert ingest_corpus(settings, corpus, progress=False).ok
    before = load_documents(settings.index_dir)
    (corpus / "statutes" / "行政法规" / "职工带薪年休假条例(2007-12-14).md").write_text(BROKEN["no articles"][0],
                                                                              encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--corpus", str(corpus)])
    assert result.exit_code == 1 and "原有索引保持不变" in result.output and "第 7 行" in result.output
    assert load_documents(settings.index_dir) == before
