"""Read one policy source file into raw text: .txt (UTF-8 or GB18030, detected), .md, .pdf.

Loaders only decode; cleaning is ``retrieval.clean``. Every failure is an ``IngestError``
naming the file and the problem in Chinese and English, never a library traceback."""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from policydesk.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")


@dataclass(frozen=True)
class LoadedSource:
    """Raw text of a source. ``markdown`` sources use blank lines as real paragraph breaks."""

    text: str
    encoding: str
    markdown: bool = False


def load_source(path: Path, name: str | None = None) -> LoadedSource:
    """Load ``path``; ``name`` is how the file is named in messages (relative path)."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(name, f"不支持的文件类型 {suffix or '（无扩展名）'}，仅支持 .txt .md .pdf",
                          f"unsupported file type {suffix!r} (only .txt .md .pdf)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(name, "无法读取文件", f"cannot read file: {exc.strerror or exc}") from None
    if suffix == ".pdf":
        text = _pdf_text(data, name)
        loaded = LoadedSource(text, "pdf")
    else:
        text, encoding = decode_text(data, name)
        loaded = LoadedSource(text, encoding, markdown=suffix == ".md")
    if not loaded.text.strip():
        raise IngestError(name, "文件为空，没有可收录的文字", "file is empty: no text to ingest")
    return loaded


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 first (with or without BOM), then GB18030, then charset-normalizer's best guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                continue
        from charset_normalizer import from_bytes

        # Only a guess that yields Chinese text is believable for a policy source; a
        # single-byte code page "decodes" any bytes into plausible-looking Latin junk.
        best = from_bytes(data).best()
        if best is not None and best.encoding and _mostly_chinese(str(best)):
            return str(best), best.encoding
    raise IngestError(name, "无法识别文件编码（应为 UTF-8 或 GB18030 文本）",
                      "cannot decode text (expected UTF-8 or GB18030)")


def _mostly_chinese(text: str) -> bool:
    visible = [ch for ch in text if not ch.isspace()]
    cjk = sum(1 for ch in visible if "\u4e00" <= ch <= "\u9fff")
    return bool(visible) and cjk / len(visible) >= 0.3


def _pdf_text(data: bytes, name: str) -> str:
    if not data.strip():
        raise IngestError(name, "PDF 文件为空", "PDF file is empty")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many "protected" PDFs only restrict printing and open with an empty password.
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported crypto is still "encrypted" to the user
                opened = 0
            if not opened:
                raise IngestError(name, "PDF 已加密，需要密码才能读取，请提供未加密的文件",
                                  "PDF is encrypted: provide an unencrypted copy")
        pages = [_page_lines(page) for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - pypdf raises many types on corrupt input
        raise IngestError(name, "PDF 文件损坏，无法读取", f"corrupt PDF: {type(exc).__name__}: {exc}") from None
    if not any(line.strip() for lines in pages for line in lines):
        raise IngestError(name, "PDF 中没有可提取的文字（可能是扫描件或空白页）",
                          "PDF has no extractable text (scanned or blank pages?)")
    # A page break is just a line break: the cleaner decides whether a sentence continues.
    return "\n".join("\n".join(lines) for lines in pages)


def _page_lines(page) -> list[str]:
    """Rebuild the text lines of one page from positioned text runs.

    Plain extraction loses the vertical gaps and first-line indents that mark paragraphs;
    here a gap of more than ~1.6 line heights becomes a blank line and a line starting
    clearly to the right of the next line (a first-line indent) gets leading spaces."""
    runs: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, _font_dict, font_size):
        if not text or not text.strip("\n"):
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs((font_size or 10) * (tm[3] or 1) * (cm[3] or 1)) or 10
        runs.append((x, y, size, text.replace("\n", " ")))

    page.extract_text(visitor_text=visit)
    if not runs:
        return []
    # Group runs into lines in content order: a new line starts when y moves.
    lines: list[dict] = []
    for x, y, size, text in runs:
        if lines and abs(lines[-1]["y"] - y) < size * 0.3:
            lines[-1]["text"] += text
            lines[-1]["x"] = min(lines[-1]["x"], x)
        else:
            lines.append({"x": x, "y": y, "size": size, "text": text})
    lines = [ln for ln in lines if ln["text"].strip()]
    steps = sorted(lines[i]["y"] - lines[i + 1]["y"] for i in range(len(lines) - 1)
                   if 0 < lines[i]["y"] - lines[i + 1]["y"] < lines[i]["size"] * 4)
    pitch = steps[len(steps) // 2] if steps else (lines[0]["size"] * 1.4)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i:
            drop = lines[i - 1]["y"] - line["y"]
            if drop > pitch * 1.6:
                out.append("")  # a vertical gap inside a column: paragraph spacing
        indent = ""
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and 0 < line["y"] - nxt["y"] <= pitch * 1.2 \
                and line["x"] - nxt["x"] > line["size"] * 0.8:
            indent = "    "
        out.append(indent + line["text"].strip())
    return out
