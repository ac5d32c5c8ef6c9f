"""Make newspaper-like PDFs for the ingestion tests (fpdf2 + the WenQuanYi Micro Hei font).

The layout re-wraps the seed text at a different width than the .txt, in two columns over
several pages: paragraphs get a first-line indent and a blank row after them, so line
wraps, column breaks and page breaks all fall in new places."""
from __future__ import annotations

import re
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.]+")


def seed_blocks(text: str) -> list[str]:
    """The seed's blank-line-separated blocks, each block's lines joined as typeset text."""
    blocks = re.split(r"\n\s*\n", text)
    return [b for b in ("".join(line.strip() for line in block.splitlines()) for block in blocks) if b]


def wrap(block: str, width: int) -> list[str]:
    """Break every ``width`` characters, never inside a Latin word or a number."""
    lines, start = [], 0
    while start < len(block):
        end = min(start + width, len(block))
        for m in _ASCII_RUN.finditer(block, start):
            if m.start() < end < m.end() and m.start() > start:
                end = m.start()
                break
        lines.append(block[start:end])
        start = end
    return lines


def make_pdf(blocks: list[str], path: Path, *, chars_per_line: int = 13, rows_per_column: int = 34,
             columns: int = 2, font_size: float = 10.0) -> Path:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("wqy", fname=str(FONT))
    pdf.set_font("wqy", size=font_size)
    pitch = font_size * 1.5
    column_width = chars_per_line * font_size + 40
    top, left = 60.0, 50.0
    state = {"column": columns - 1, "row": rows_per_column}

    def next_row():
        if state["row"] >= rows_per_column:
            state["row"] = 0
            state["column"] += 1
            if state["column"] >= columns:
                state["column"] = 0
                pdf.add_page()
        y = top + state["row"] * pitch
        state["row"] += 1
        return left + state["column"] * column_width, y

    for block in blocks:
        for n, line in enumerate(wrap(block, chars_per_line)):
            x, y = next_row()
            pdf.text(x + (2 * font_size if n == 0 else 0), y, line)
        if state["row"] < rows_per_column:
            state["row"] += 1  # blank row after a paragraph, unless the column just ended
    pdf.output(str(path))
    return path
