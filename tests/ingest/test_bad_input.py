"""Bad sources give one clear line naming the file; the other sources are still ingested."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter

from cli.main import cli
from retrieval.documents import load_documents
from retrieval.ingest import ingest_corpus, print_report

from .conftest import SEED_IDS, seed_catalog
from .pdfmaker import FONT, make_pdf

GOOD_PDF_TEXT = ["“爱心消费券”发放标准为每人 1500 元，由各县政府负责统一组织发放。"]


def _pdf_bytes(tmp_path, blocks=GOOD_PDF_TEXT) -> bytes:
    return make_pdf(blocks, tmp_path / "small.pdf").read_bytes()


def _encrypted_pdf(tmp_path) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(_pdf_bytes(tmp_path)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _problem_for(report, source):
    lines = [p for p in report.problems if p.source == source]
    assert len(lines) == 1, report.to_dict()["problems"]
    return lines[0]


needs_font = pytest.mark.skipif(not FONT.exists(), reason="fonts-wqy-microhei is not installed")


@needs_font
@pytest.mark.parametrize("name, make, words", [
    ("encrypted.pdf", _encrypted_pdf, "加密"),
    ("empty.pdf", lambda tmp: b"", "为空"),
    ("blank-page.pdf", lambda tmp: _blank_pdf(), "没有可提取的文字"),
    ("truncated.pdf", lambda tmp: _pdf_bytes(tmp)[:400], "损坏"),
    ("garbage.pdf", lambda tmp: b"%PDF-1.7\n" + bytes(range(256)) * 8, "损坏"),
    ("binary.txt", lambda tmp: bytes(range(128, 256)) * 8, "编码"),
    ("latin-junk.txt", lambda tmp: b"\x81\x20\xff\xfe\x80" * 50, "编码"),
    ("whitespace.md", lambda tmp: "  \n\n\u3000\n".encode(), "为空"),
])
def test_broken_source_is_reported_and_others_still_ingested(name, make, words, make_corpus, settings, tmp_path):
    corpus = make_corpus(files={f"sources/{name}": make(tmp_path)})
    report = ingest_corpus(settings, corpus, progress=False)
    assert report.ok
    problem = _problem_for(report, f"sources/{name}")
    assert problem.level == "error" and words in problem.message_zh
    assert [d.doc_id for d in load_documents(settings.index_dir)] == SEED_IDS


@needs_font
def test_pdf_with_empty_password_is_read(make_corpus, settings, tmp_path):
    writer = PdfWriter(clone_from=io.BytesIO(_pdf_bytes(tmp_path)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    corpus = make_corpus(files={"sources/print-protected.pdf": out.getvalue()})
    report = ingest_corpus(settings, corpus, progress=False)
    assert not report.problems
    texts = [d.text for d in load_documents(settings.index_dir)]
    assert "“爱心消费券”发放标准为每人1500元，由各县政府负责统一组织发放。" in texts


def test_catalog_entry_whose_file_is_missing(make_corpus, settings):
    catalog = seed_catalog()
    catalog["articles"].append({"id": "ghost-2023", "file": "sources/ghost.pdf", "index": 1, "title": "不存在"})
    report = ingest_corpus(settings, make_corpus(catalog=catalog), progress=False)
    problem = _problem_for(report, "sources/ghost.pdf")
    assert "不存在" in problem.message_zh and "ghost-2023" in problem.message_zh
    assert [d.doc_id for d in load_documents(settings.index_dir)] == SEED_IDS


def test_page_without_bylines_but_several_catalog_entries_becomes_one_article(make_corpus, settings, seed_text):
    no_bylines = "\n".join(line for line in seed_text.splitlines()
                           if not line.strip().startswith(("（武佳", "（高建华", "据")))
    catalog = seed_catalog()
    report = ingest_corpus(settings, make_corpus(files={"sources/seed.txt": no_bylines}, catalog=catalog),
                           progress=False)
    problem = _problem_for(report, "sources/seed.txt")
    assert problem.level == "warning" and "署名" in problem.message_zh
    docs = load_documents(settings.index_dir)
    assert [d.doc_id for d in docs] == [SEED_IDS[0]]
    assert "人民法院不予支持" in docs[0].text and "省人社厅传来消息" in docs[0].text


def test_duplicate_doc_ids_keep_the_first_and_rename_the_second(make_corpus, settings):
    catalog = seed_catalog()
    catalog["articles"][2]["id"] = catalog["articles"][0]["id"]
    report = ingest_corpus(settings, make_corpus(catalog=catalog), progress=False)
    problem = _problem_for(report, "sources/seed.txt")
    assert "重复" in problem.message_zh and SEED_IDS[0] in problem.message_zh
    docs = load_documents(settings.index_dir)
    ids = [d.doc_id for d in docs]
    assert len(set(ids)) == 4 and ids[0] == SEED_IDS[0]
    assert docs[2].title == catalog["articles"][2]["title"] and docs[2].doc_id == "seed-3"


def test_invalid_catalog_yaml_names_the_line_and_files_are_still_ingested(make_corpus, settings):
    corpus = make_corpus(catalog="articles:\n  - id: a\n    file: [unclosed\n")
    report = ingest_corpus(settings, corpus, progress=False)
    problem = _problem_for(report, "catalog.yaml")
    assert "YAML" in problem.message_zh and "行" in problem.message_zh
    docs = load_documents(settings.index_dir)
    assert [d.doc_id for d in docs] == ["seed-1", "seed-2", "seed-3", "seed-4"]
    assert [d.publisher for d in docs] == ["山西晚报", "山西晚报", "山西日报", "新华社"]


def test_uncatalogued_file_gets_derived_stable_metadata(make_corpus, settings):
    policy = "山西省就业补贴申领指南\n\n高校毕业生可按规定申领一次性求职创业补贴，每人 1000 元。\n"
    corpus = make_corpus(files={"sources/2023-03-01_job-subsidy-guide.md": policy})
    ingest_corpus(settings, corpus, progress=False)
    docs = {d.source: d for d in load_documents(settings.index_dir)}
    doc = docs["sources/2023-03-01_job-subsidy-guide.md"]
    assert doc.doc_id == "2023-03-01-job-subsidy-guide-1"
    assert doc.title == "山西省就业补贴申领指南"
    assert doc.date == "2023-03-01" and doc.region == "山西"
    assert doc.text.endswith("每人1000元。")


def test_gb18030_text_file_is_decoded(make_corpus, settings, seed_text):
    corpus = make_corpus(files={"sources/seed.txt": seed_text.encode("gb18030")})
    assert ingest_corpus(settings, corpus, progress=False).ok
    assert "每人1500元" in load_documents(settings.index_dir)[2].text


def test_cli_exit_code_is_nonzero_only_when_nothing_could_be_ingested(make_corpus, settings, tmp_path):
    runner = CliRunner()
    partly_bad = make_corpus(files={"sources/broken.txt": bytes(range(128, 256)) * 8})
    result = runner.invoke(cli, ["ingest", "--corpus", str(partly_bad)])
    assert result.exit_code == 0, result.output
    assert "sources/broken.txt：无法识别文件编码" in result.output
    assert "Traceback" not in result.output

    all_bad = make_corpus(files={"sources/broken.txt": bytes(range(128, 256)) * 8}, with_seed=False,
                          catalog={"articles": []})
    home = tmp_path / "other-home"
    result = runner.invoke(cli, ["ingest", "--corpus", str(all_bad), "--json"],
                           env={"POLICYDESK_HOME": str(home)})
    assert result.exit_code == 1
    assert '"ok": false' in result.output and "Traceback" not in result.output


def test_report_prints_one_line_per_problem_in_both_languages(make_corpus, settings, capsys):
    corpus = make_corpus(files={"sources/broken.txt": b"\x00\x01\x02" * 10})
    report = ingest_corpus(settings, corpus, progress=False)
    print_report(report.to_dict())
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("错误 sources/broken.txt：") and "cannot decode" in lines[0]
    assert lines[-1].startswith("已收录 4 篇文档")
