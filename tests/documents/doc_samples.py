"""Sample policy files for the document tests. The notice is invented for the tests (it
is in no corpus): its facts are distinctive so an answer that uses it can be told apart."""
from __future__ import annotations

import io

TITLE = "关于开展2026年度高校毕业生求职创业补贴申领工作的通知"
NOTICE = """关于开展2026年度高校毕业生求职创业补贴申领工作的通知

各市人力资源和社会保障局：
为做好2026年度高校毕业生求职创业补贴发放工作，现就有
关事项通知如下。
一、补贴对象
在毕业学年内有求职创业意愿并积极求职创业的低保家庭、
零就业家庭、残疾人家庭的高校毕业生，以及获得国家助学
贷款的高校毕业生。
二、补贴标准
求职创业补贴标准为每人一次性2000元，由毕业生所在高校统
一代为申领。
三、申领时间
申领时间为2026年3月1日至2026年6月30日，逾期不再受理。
四、申领方式
毕业生通过所在高校向当地人社部门提交申请，经审核公示无
异议后，补贴资金直接发放到毕业生本人银行账户。

山西省人力资源和社会保障厅
2026年2月10日
"""
QUESTION = "高校毕业生求职创业补贴每人多少钱？怎么申领？"


def docx_with_table(path) -> bytes:
    """A DOCX notice whose standards are in a table (python-docx)."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("关于调整城乡居民基础养老金最低标准的通知")
    doc.add_paragraph("各市人力资源和社会保障局、财政局：")
    doc.add_paragraph("经省政府同意，自2026年1月1日起调整城乡居民基础养老金最低标准，具体标准见下表。")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("年龄段", "原标准", "调整后标准"), ("60至69周岁", "每人每月150元", "每人每月170元"),
                             ("70周岁以上", "每人每月160元", "每人每月185元")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("各地要确保调整后的基础养老金按时足额发放到位。")
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
HEADER = "山西人社工作通讯　2026年第2期"


def blocks_of(text: str) -> list[str]:
    """Paragraphs of a typed text as the preview cleans it (headings and signature apart)."""
    from retrieval.managed import preview
    from retrieval.registry import DocumentRecord

    return preview(DocumentRecord("sample", extraction="text"), text)["text"].split("\n")


def two_column_pdf(blocks: list[str], *, chars_per_line: int = 12, rows_per_column: int = 14,
                   header: str = HEADER) -> bytes:
    """A two-column PDF (fpdf2) with a running header and a page-number footer on every page;
    paragraphs start with a two-character indent."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(420, 595))
    pdf.set_auto_page_break(False)
    pdf.add_font("wqy", fname=FONT)
    size = 10.0
    pitch = size * 1.5
    column_width = chars_per_line * size + 30
    top, left = 70.0, 40.0
    state = {"column": 1, "row": rows_per_column, "page": 0}

    def new_page():
        pdf.add_page()
        state["page"] += 1
        pdf.set_font("wqy", size=8)
        pdf.text(left, 30, header)
        pdf.text(left + column_width - 10, 560, f"— {state['page']} —")
        pdf.set_font("wqy", size=size)

    def next_row():
        if state["row"] >= rows_per_column:
            state["row"] = 0
            state["column"] += 1
            if state["column"] >= 2:
                state["column"] = 0
                new_page()
        y = top + state["row"] * pitch
        state["row"] += 1
        return left + state["column"] * column_width, y

    for block in blocks:
        first = True
        rest = block
        while rest:
            width = chars_per_line - (2 if first else 0)
            line, rest = rest[:width], rest[width:]
            x, y = next_row()
            pdf.text(x + (2 * size if first else 0), y, line)
            first = False
        if state["row"] < rows_per_column:
            state["row"] += 1
    return bytes(pdf.output())


def picture_pdf(lines: list[str]) -> bytes:
    """An image-only PDF (a scan): the lines drawn into a picture, no text layer."""
    import io

    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 28)
    image = Image.new("L", (1240, 120 + 48 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((80, 60 + 48 * n), line, font=font, fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=20, y=20, w=555)
    return bytes(pdf.output())
