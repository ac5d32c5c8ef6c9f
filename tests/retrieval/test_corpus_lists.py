"""The word lists and regions of the corpus being served are the ones used: a deployment
with its own corpus folder (POLICYDESK_CORPUS) tokenizes with its own dictionary, at build
and at question time (the lists travel inside the index)."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def _other_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "other-corpus"
    (corpus / "sources").mkdir(parents=True)
    (corpus / "sources" / "2024-01-05_notice.txt").write_text(
        "示例县失业保险金按月发放，领取失业保险金须办理失业登记。\n\n"
        "失业人员凭失业登记证明到经办机构领取失业保险金。\n", encoding="utf-8")
    for name in ("stopwords.txt", "synonyms.txt"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    # its own dictionary: 示例县 is served, 另一县 is a place elsewhere
    (corpus / "dictionary.txt").write_text("示例县 1000 ns\n另一县 1000 ns\n失业保险金 2000 nx\n", encoding="utf-8")
    (corpus / "regions.yaml").write_text("default_region: 示例县\nregions:\n  示例县: [示例县, 本县]\n",
                                         encoding="utf-8")
    return corpus


def test_another_corpus_folder_brings_its_own_dictionary_and_regions(tmp_path, monkeypatch):
    corpus = _other_corpus(tmp_path)
    monkeypatch.setenv("POLICYDESK_CORPUS", str(corpus))
    result = CliRunner().invoke(cli, ["ingest", "--json"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("POLICYDESK_CORPUS", str(ROOT / "corpus"))  # search reads the lists of the index
    from assistant.service import get_assistant

    assistant = get_assistant()
    docs = list(assistant.documents_by_id.values())
    assert docs[0].region == "示例县"
    elsewhere = assistant.ask("另一县的失业保险金怎么领", log=False)
    assert elsewhere.declined and elsewhere.coverage["reason"] == "other_region"
    here = assistant.ask("示例县的失业保险金怎么领", log=False)
    assert not here.declined and "失业登记" in here.answer
    # the repository's dictionary does not know 另一县 as a place: the lists really differ
    from retrieval.lexical import get_tokenizer

    assert "另一县" not in get_tokenizer().places and "另一县" in assistant.searcher.tokenizer.places
