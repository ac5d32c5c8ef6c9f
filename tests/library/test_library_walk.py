"""Reading a law-library tree: kind from the folder, region from the local folders, version
date from the file name; bad files reported with their path, skipped and counted."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from retrieval.library import in_force, parse_file_name, walk_library
from retrieval.library_ingest import ingest_library
from retrieval.parallel import LocalExecutor

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "library"


def entry(scan, name):
    return next(e for e in scan.entries if e.relpath.endswith(name))


def test_kind_region_and_version_come_from_folders_and_names():
    scan = walk_library(FIXTURE)
    assert len(scan.entries) == 35 and scan.skipped == {"metadata": 5}   # _index.md pages
    guangdong = entry(scan, "广东省失业保险条例(2022-06-01).md")
    assert (guangdong.kind, guangdong.region, guangdong.work, guangdong.version_date) == \
        ("地方性法规", "广东", "广东省失业保险条例", "2022-06-01")
    national = entry(scan, "失业保险条例(1999-01-22).md")
    assert (national.kind, national.region) == ("行政法规", "全国")
    # case write-ups under 案例/民法典/ are cases, not the 民法典; kept but marked
    case = entry(scan, "婚前隐瞒重大疾病 配偶可申请撤销婚姻.md")
    assert (case.kind, case.legal, case.version_date) == ("案例", False, "")
    undated = entry(scan, "规定（一）.md")
    assert undated.version_date == "" and undated.work.endswith("规定（一）")
    spaced = entry(scan, "打赢疫情防控阻击战的决定(2020-02-07).md")
    assert "  " in spaced.relpath and spaced.region == "北京"


def test_file_names_with_full_width_brackets_and_spaces():
    assert parse_file_name("劳动合同法(2012-12-28).md") == ("劳动合同法", "2012-12-28")
    assert parse_file_name("规定（一）（2022-03-01）.md") == ("规定（一）", "2022-03-01")
    assert parse_file_name("北京市实施《红十字会法》办法.md") == ("北京市实施《红十字会法》办法", "")
    assert parse_file_name("宪法修正案（2018年）.md") == ("宪法修正案（2018年）", "")


def test_the_latest_dated_version_not_after_today_is_in_force_and_undated_copies_are_older():
    versions = [("old", "", "2019-01-01"), ("v2013", "2013-12-11", ""), ("v2024", "2024-11-10", "")]
    assert in_force(versions, "2025-04-01") == "v2024"
    assert in_force(versions, "2020-01-01") == "v2013"   # time is an input
    assert in_force([("only", "", "2019-01-01")], "2025-04-01") == "only"


@pytest.fixture
def bad_library(tmp_path):
    root = tmp_path / "法规库 副本"
    shutil.copytree(FIXTURE / "行政法规", root / "行政法规")
    shutil.copytree(FIXTURE / "DLC" / "广东地方法规", root / "DLC" / "广东地方法规")
    bad = root / "行政法规"
    (bad / "乱码条例(2020-01-01).md").write_bytes(b"\x00\x81\xfe" * 200)
    (bad / "空白条例(2020-01-01).md").write_text("  \n\n", encoding="utf-8")
    (bad / "无条文规定(2020-01-01).md").write_text("# 某规定\n\n<!-- INFO END -->\n\n一、为了……\n二、本规定自发布之日起施行。\n",
                                                 encoding="utf-8")
    with (bad / "巨大条例(2020-01-01).md").open("wb") as fh:   # 20 MB, sparse: never read
        fh.truncate(20 * 2**20)
    os.symlink(root, root / "行政法规" / "循环")                  # a folder link back up the tree
    os.symlink(root / "自己", root / "自己")                       # a link to itself
    outside = tmp_path / "外面.md"
    outside.write_text("# 外部条例\n\n第一条 不该收录。\n", encoding="utf-8")
    os.symlink(outside, bad / "外部条例.md")
    return root


def test_bad_files_are_reported_with_their_path_skipped_and_counted(bad_library, monkeypatch, tmp_path):
    from policydesk.settings import get_settings

    report = ingest_library(get_settings(), bad_library, include_corpus=False, dense=False,
                            executor=LocalExecutor(), progress=False).to_dict()
    errors = {p["source"]: p["message_zh"] for p in report["problems"] if p["level"] == "error"}
    assert "行政法规/乱码条例(2020-01-01).md" in errors and "编码" in errors["行政法规/乱码条例(2020-01-01).md"]
    assert "为空" in errors["行政法规/空白条例(2020-01-01).md"]
    assert "没有找到条文" in errors["行政法规/无条文规定(2020-01-01).md"]
    assert "过大" in errors["行政法规/巨大条例(2020-01-01).md"]
    assert "循环" in errors["行政法规/循环"] and "自己" in errors
    assert "之外" in errors["行政法规/外部条例.md"]
    assert report["failed"] == len(errors) and report["failed"] >= 7
    assert report["ok"] and report["documents"] == report["library_documents"] > 5
    assert "跳过有问题的文件" in report["summary"]


def test_cli_ingests_a_library_tree_and_a_broken_run_keeps_the_previous_index(bad_library, monkeypatch):
    from cli.main import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "--corpus", str(bad_library), "--lexical-only", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["library_documents"] > 5 and data["failed"] >= 7 and data["dense"] == {}
    human = runner.invoke(cli, ["docs"])
    assert human.exit_code == 0 and human.output.splitlines()[0].startswith("索引：文档")
    assert "全文检索可用，向量待补齐" in human.output.splitlines()[0]
    status = json.loads(runner.invoke(cli, ["docs", "--progress", "--json"]).stdout)
    assert status["vectors"] == {"done": 0, "total": status["chunks"]["total"]}
    before = runner.invoke(cli, ["search", "失业保险金", "--json"]).output
    # a library folder that vanished: exit 2-style error line, the live index untouched
    gone = runner.invoke(cli, ["ingest", "--library", str(bad_library / "不存在"), "--lexical-only"])
    assert gone.exit_code != 0 and "Traceback" not in gone.output and "不存在" in gone.output
    assert runner.invoke(cli, ["search", "失业保险金", "--json"]).output == before
