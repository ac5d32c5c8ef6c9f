"""Read one policy source file into raw text: .txt (UTF-8 or GB18030, detected), .md, .pdf,
.docx.

Loaders only decode and lay out; cleaning is ``retrieval.clean``. A PDF's pages are read
column by column (a gutter free of text splits a page in two) and the page furniture a
layout repeats (running heads, page numbers in the top or bottom margin) is removed and
reported, so a clerk sees what went. A PDF without a text layer (a scan) is read by OCR when
the optional ``tinyocr`` package is installed (see ``retrieval.ocr``). A DOCX is read in
document order, tables row by row (cells joined by “｜”); its headers and footers are not
body text. Every failure is an ``IngestError`` naming the file and the problem in Chinese
and English, never a library traceback."""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from policydesk.errors import IngestError
from retrieval import ocr

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
SUPPORTED_ZH = "、".join(SUPPORTED_SUFFIXES)


@dataclass(frozen=True)
class LoadedSource:
    """Raw text of a source. ``markdown`` sources use blank lines as real paragraph breaks."""

    text: str
    encoding: str
    markdown: bool = False
    furniture: tuple[str, ...] = ()   # page furniture removed (running heads, page numbers)
    pages: int = 0
    ocr: bool = False                  # the text was read from page images


def load_source(path: Path, name: str | None = None) -> LoadedSource:
    """Load ``path``; ``name`` is how the file is named in messages (relative path)."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(name, f"不支持的文件类型 {suffix or '（无扩展名）'}，仅支持 {SUPPORTED_ZH}",
                          f"unsupported file type {suffix!r} (only {' '.join(SUPPORTED_SUFFIXES)})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(name, "无法读取文件", f"cannot read file: {exc.strerror or exc}") from None
    loaded = load_bytes(data, suffix, name)
    if not loaded.text.strip():
        raise IngestError(name, "文件为空，没有可收录的文字", "file is empty: no text to ingest")
    return loaded


def load_bytes(data: bytes, suffix: str, name: str) -> LoadedSource:
    """Decode the bytes of a file of type ``suffix`` (an upload that is not on disk)."""
    if suffix == ".pdf":
        return _pdf(data, name)
    if suffix == ".docx":
        return LoadedSource(_docx_text(data, name), "docx", markdown=True)
    _refuse_binary(data, name)
    text, encoding = decode_text(data, name)
    return LoadedSource(text, encoding, markdown=suffix == ".md")


# Magic numbers of files people upload by mistake under a text name: a picture, an office
# file, an archive, a PDF. Named so the message says what the file really is.
_MAGIC = ((b"%PDF", "PDF 文件"), (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"),
          (b"PK\x03\x04", "压缩包或 Office 文档（如 .docx、.xlsx）"), (b"\xd0\xcf\x11\xe0", "旧版 Office 文档（.doc/.xls）"),
          (b"Rar!", "RAR 压缩包"), (b"\x7fELF", "程序文件"), (b"MZ", "程序文件"), (b"II*\x00", "TIFF 图片"),
          (b"MM\x00*", "TIFF 图片"), (b"{\\rtf", "RTF 文档"))


def sniff(data: bytes) -> str | None:
    """What a file is by its first bytes, in Chinese, when it is a known non-text kind."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def _refuse_binary(data: bytes, name: str) -> None:
    what = sniff(data)
    if what:
        raise IngestError(name, f"文件内容不是文字，而是{what}；请上传对应扩展名的文件，或另存为 .txt/.docx/.pdf",
                          f"not a text file: it is a {what}")


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




# -- DOCX -----------------------------------------------------------------------------------
def _docx_text(data: bytes, name: str) -> str:
    """Body paragraphs and tables in document order, one block per paragraph or table row,
    blank lines between them (read with ``markdown=True``: a blank line is a paragraph).
    Headings become ``#`` lines so nothing is joined onto them."""
    import zipfile

    from docx import Document as open_docx
    from docx.table import Table

    if not data.startswith(b"PK"):
        what = sniff(data)
        raise IngestError(name, f"不是有效的 DOCX 文件{('（实际是' + what + '）') if what else ''}",
                          "not a DOCX (zip) file")
    try:
        document = open_docx(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(_table_rows(item))
                continue
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            blocks.append(("# " + text) if style.lower().startswith(("heading", "title")) or style.startswith("标题")
                          else text)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(name, "DOCX 文件损坏，无法读取", f"corrupt DOCX: {type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many kinds on broken files
        raise IngestError(name, "DOCX 文件损坏，无法读取", f"corrupt DOCX: {type(exc).__name__}: {exc}") from None
    return "\n\n".join(blocks)


def _table_rows(table) -> list[str]:
    """One line per row, cells joined by “｜”; a merged cell (python-docx returns the same
    cell for each grid position it covers) is written once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        if any(cells):
            rows.append("｜".join(cells))
    return rows


# -- PDF ------------------------------------------------------------------------------------
MAX_OCR_PAGES = 60


def _pdf(data: bytes, name: str) -> LoadedSource:
    if not data.strip():
        raise IngestError(name, "PDF 文件为空", "PDF file is empty")
    if b"%PDF" not in data[:1024]:
        what = sniff(data)
        raise IngestError(name, f"不是有效的 PDF 文件{('（实际是' + what + '）') if what else ''}",
                          "not a PDF file")
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
        pages = [_page_runs(page) for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - pypdf raises many types on corrupt input
        raise IngestError(name, "PDF 文件损坏，无法读取", f"corrupt PDF: {type(exc).__name__}: {exc}") from None
    if not any(p.runs for p in pages):
        return _pdf_by_ocr(reader, name)
    text, furniture = layout_pages(pages)
    return LoadedSource(text, "pdf", furniture=tuple(furniture), pages=len(pages))


@dataclass
class PageRuns:
    """Positioned text runs of one page: (x, y, size, text), y growing upwards as in PDF."""

    width: float
    height: float
    runs: list[tuple[float, float, float, str]]


def _page_runs(page) -> PageRuns:
    runs: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, _font_dict, font_size):
        if not text or not text.strip("\n"):
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs((font_size or 10) * (tm[3] or 1) * (cm[3] or 1)) or 10
        runs.append((x, y, size, text.replace("\n", " ")))

    page.extract_text(visitor_text=visit)
    box = page.mediabox
    return PageRuns(float(box.width), float(box.height), runs)


def _run_width(size: float, text: str) -> float:
    return sum(size * (0.55 if ord(ch) < 0x2000 else 1.0) for ch in text)


def _lines(runs) -> list[dict]:
    """Runs grouped into lines (same baseline), top to bottom, each line's runs left to right."""
    ordered = sorted(runs, key=lambda r: (-r[1], r[0]))
    lines: list[dict] = []
    for x, y, size, text in ordered:
        if lines and abs(lines[-1]["y"] - y) < size * 0.3 and x >= lines[-1]["right"] - size:
            lines[-1]["text"] += text
            lines[-1]["right"] = max(lines[-1]["right"], x + _run_width(size, text))
        else:
            lines.append({"x": x, "y": y, "size": size, "text": text, "right": x + _run_width(size, text)})
    return [ln for ln in lines if ln["text"].strip()]


def _gutter(runs, width: float) -> float | None:
    """The x of a vertical band free of text between two columns, or None (one column).
    Lines spanning both columns (a title, a running head) are few; they may cross it."""
    if len(runs) < 6:
        return None
    spans = [(x, x + _run_width(size, text)) for x, _y, size, text in runs]
    left, right = min(a for a, _ in spans), max(b for _, b in spans)
    if right - left < 100:
        return None
    step = 2.0
    bins = int((right - left) / step) + 1
    cover = [0] * bins
    for a, b in spans:
        for i in range(int((a - left) / step), min(bins, int((b - left) / step) + 1)):
            cover[i] += 1
    allowed = max(1, len(runs) // 20)
    best, best_len, cur_start = None, 0, None
    lo, hi = int(bins * 0.25), int(bins * 0.75)
    for i in range(lo, hi + 1):
        if i < bins and cover[i] <= allowed:
            cur_start = i if cur_start is None else cur_start
            if i - cur_start + 1 > best_len:
                best, best_len = (cur_start, i), i - cur_start + 1
        else:
            cur_start = None
    size = sorted(r[2] for r in runs)[len(runs) // 2]
    if best is None or best_len * step < 1.2 * size:
        return None
    # both sides must hold a real column
    mid = left + (best[0] + best[1]) / 2 * step
    n_left = sum(1 for a, b in spans if b <= mid)
    n_right = sum(1 for a, b in spans if a >= mid)
    return mid if min(n_left, n_right) >= 3 else None


_PAGE_NUMBER = re.compile(r"^[-–—_·\s]*(?:第\s*)?[0-9０-９]{1,4}\s*(?:页)?(?:\s*[/／]\s*[0-9]{1,4})?"
                          r"(?:\s*共\s*[0-9]{1,4}\s*页)?[-–—_·\s]*$|^(?:page|Page|PAGE)\s*\d+(?:\s*(?:of|/)\s*\d+)?$")


def _furniture_key(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


def layout_pages(pages: list[PageRuns]) -> tuple[str, list[str]]:
    """Text of the pages in reading order, and the page furniture removed from it."""
    # Page furniture: the first or last line of a page, in its top or bottom margin, that is
    # a page number or that repeats (digits aside) on other pages.
    edges_of: list[list[dict]] = []
    counts: dict[str, int] = {}
    for page in pages:
        lines = _lines(page.runs)
        edges = []
        if lines:
            top, bottom = lines[0], lines[-1]
            if top["y"] > page.height * 0.85:
                edges.append(top)
            if bottom is not top and bottom["y"] < page.height * 0.15:
                edges.append(bottom)
        for ln in edges:
            counts[_furniture_key(ln["text"])] = counts.get(_furniture_key(ln["text"]), 0) + 1
        edges_of.append(edges)
    removed: list[str] = []
    kept_runs: list[list] = []
    for page, edges in zip(pages, edges_of):
        drop = [ln for ln in edges if _PAGE_NUMBER.match(ln["text"].strip())
                or (len(pages) > 1 and counts[_furniture_key(ln["text"])] >= max(2, (len(pages) + 1) // 2))]
        removed += [ln["text"].strip() for ln in drop]
        kept_runs.append([r for r in page.runs if not any(abs(r[1] - ln["y"]) < ln["size"] * 0.3 for ln in drop)])
    gutters = [_gutter(runs, page.width) for page, runs in zip(pages, kept_runs)]
    found = sorted(g for g in gutters if g is not None)
    pages_text: list[str] = []
    for runs, gutter in zip(kept_runs, gutters):
        if gutter is None and found:
            # A sparse page of a two-column document (the last one, a short right column):
            # the other pages' gutter, if nothing on this page crosses it.
            common = found[len(found) // 2]
            if not any(x < common - 1 and x + _run_width(size, text) > common + 1 for x, _y, size, text in runs):
                gutter = common
        pages_text.append("\n".join(_column_text(_columns(runs, gutter))))
    # A page break is just a line break: the cleaner decides whether a sentence continues.
    return "\n".join(pages_text), removed


def _columns(runs, gutter: float | None) -> list[list[dict]]:
    """Lines of each column in reading order: lines spanning the gutter above the columns,
    the left column, the right column, then spanning lines below."""
    if gutter is None:
        return [_lines(runs)]
    left, right, spanning = [], [], []
    for r in runs:
        x, right_edge = r[0], r[0] + _run_width(r[2], r[3])
        (left if right_edge <= gutter + 1 else right if x >= gutter - 1 else spanning).append(r)
    columns_top = max([r[1] for r in left + right], default=0)
    above = _lines([r for r in spanning if r[1] > columns_top])
    below = _lines([r for r in spanning if r[1] <= columns_top])
    return [part for part in (above, _lines(left), _lines(right), below) if part]


def _column_text(columns: list[list[dict]]) -> list[str]:
    """Lines of each column with paragraph evidence kept: a vertical gap of more than ~1.6
    line heights becomes a blank line, and a line starting clearly to the right of the next
    line (a first-line indent) gets leading spaces."""
    out: list[str] = []
    for lines in columns:
        steps = sorted(lines[i]["y"] - lines[i + 1]["y"] for i in range(len(lines) - 1)
                       if 0 < lines[i]["y"] - lines[i + 1]["y"] < lines[i]["size"] * 4)
        pitch = steps[len(steps) // 2] if steps else (lines[0]["size"] * 1.4)
        for i, line in enumerate(lines):
            if i and lines[i - 1]["y"] - line["y"] > pitch * 1.6:
                out.append("")  # a vertical gap inside a column: paragraph spacing
            indent = ""
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and 0 < line["y"] - nxt["y"] <= pitch * 1.2 \
                    and line["x"] - nxt["x"] > line["size"] * 0.8:
                indent = "    "
            out.append(indent + line["text"].strip())
    return out


def _pdf_by_ocr(reader, name: str) -> LoadedSource:
    """A PDF without a text layer: read its page images by OCR, or say it cannot be read."""
    if not ocr.available():
        raise IngestError(name, "PDF 中没有可提取的文字：文件没有文字层（可能是扫描件或图片），本机未安装文字识别组件，无法读取；"
                          "请提供带文字的 PDF、Word 或文本文件",
                          "PDF has no text layer (scanned?) and no OCR engine is installed")
    if len(reader.pages) > MAX_OCR_PAGES:
        raise IngestError(name, f"PDF 中没有可提取的文字：文件没有文字层（扫描件），且超过 {MAX_OCR_PAGES} 页，无法逐页识别",
                          f"PDF has no text layer and more than {MAX_OCR_PAGES} pages to OCR")
    pages: list[PageRuns] = []
    for page in reader.pages:
        try:
            images = list(page.images)
        except Exception:  # noqa: BLE001 - an image pypdf cannot decode is an unreadable page
            images = []
        runs: list[tuple[float, float, float, str]] = []
        width = height = 0.0
        for image in images:
            try:
                picture = image.image
            except Exception:  # noqa: BLE001
                continue
            if picture is None or min(picture.size) < 32:
                continue
            w, h = picture.size
            width, height = max(width, float(w)), max(height, float(h))
            for text, (x0, y0, x1, y1) in ocr.read_lines(picture):
                size = max(1.0, (y1 - y0) * 0.8)
                runs.append((x0, h - y1, size, text))   # image y grows downwards
        pages.append(PageRuns(width or 1.0, height or 1.0, runs))
    if not any(p.runs for p in pages):
        raise IngestError(name, "PDF 中没有可提取的文字：文件没有文字层（可能是扫描件或空白页），文字识别也没有读出文字，无法收录",
                          "PDF has no text layer and OCR found no text")
    text, furniture = layout_pages(pages)
    return LoadedSource(text, "ocr", furniture=tuple(furniture), pages=len(pages), ocr=True)
