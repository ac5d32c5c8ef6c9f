"""Files a clerk uploads: a two-column PDF with a running header and page numbers, a scan
without a text layer (OCR, or a clear refusal without it)."""
from __future__ import annotations

import re

from doc_samples import HEADER, NOTICE, blocks_of, picture_pdf, two_column_pdf


def _add(api, data: bytes, name: str):
    return api.post("/api/staff/docs", files={"file": (name, data)})


def test_two_column_pdf_with_header_and_footer_reads_in_order_without_them(api):
    blocks = blocks_of(NOTICE)
    r = _add(api, two_column_pdf(blocks), "notice-2026.pdf")
    assert r.status_code == 201, r.text
    preview = r.json()["preview"]
    text = preview["text"]
    removed = preview["cleaning"]["furniture_removed"]
    # the running head and every page number were taken out, and said so
    assert HEADER not in text and not re.search(r"—\s*\d+\s*—", text)
    assert any(HEADER.split("　")[0] in line for line in removed) and len(removed) >= 3
    # each sentence of the notice is whole (lines rejoined across wraps, columns and pages), in order
    sentences = [s for b in blocks for s in re.findall(r"[^。]+。", b)]
    assert len(sentences) == 5
    positions = [text.find(s) for s in sentences]
    assert -1 not in positions, [s for s, p in zip(sentences, positions) if p == -1]
    assert positions == sorted(positions)
    assert preview["cleaning"]["joined_wraps"] >= len(sentences)


def test_a_scanned_pdf_is_read_by_ocr(api):
    lines = ["关于做好2026年度就业见习补贴发放工作的通知", "各市人力资源和社会保障局：",
             "就业见习补贴按当地最低工资标准的70%发放，", "见习期最长不超过12个月。"]
    r = _add(api, picture_pdf(lines), "scan.pdf")
    assert r.status_code == 201, r.text
    preview = r.json()["preview"]
    assert preview["cleaning"]["ocr"] is True
    wanted = "".join(lines)
    got = preview["text"].replace("\n", "")
    errors = _edit_distance(wanted, got)
    assert errors <= len(wanted) * 0.03, (errors, got)


def test_a_scanned_pdf_without_ocr_says_it_has_no_text_layer(api, monkeypatch):
    import retrieval.ocr

    monkeypatch.setattr(retrieval.ocr, "available", lambda: False)
    r = _add(api, picture_pdf(["关于做好就业见习补贴发放工作的通知"]), "scan.pdf")
    assert r.status_code == 422 and "没有文字层" in r.json()["error"], r.text


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]
