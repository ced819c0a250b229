"""Builds files/official_notice.docx, the docxtpl template of every notice, in the layout of
GB/T 9704-2012 《党政机关公文格式》: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines
of 28 characters of 3号仿宋 (16 pt); 标题 2号小标宋 (22 pt); red 发文机关标志 and 版头 line
(optional, by setting); 成文日期 右空四字 with 署名 centred over it and the seal over both;
page numbers 4号 "— 1 —", odd pages right, even pages left.

The committed file is the output of `python -m xinfang.documents.docx_template`; edit this
builder and run it again rather than editing the .docx by hand. Fonts are named as the
offices' machines have them (仿宋, 方正小标宋简体); Word substitutes where one is missing.
"""
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).parent / "files" / "official_notice.docx"

BODY_FONT = "仿宋"            # 仿宋_GB2312 on older machines; Word maps one to the other
TITLE_FONT = "方正小标宋简体"
NUMBER_FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_PT = 16                  # 3号
TITLE_PT = 22                 # 2号
LINE_PT = 28.95               # 225 mm / 22 lines
CHAR_PT = BODY_PT


def _fonts(run_or_style, east_asia: str, ascii_font: str = NUMBER_FONT) -> None:
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", ascii_font), ("w:hAnsi", ascii_font), ("w:eastAsia", east_asia),
                        ("w:cs", ascii_font)):
        fonts.set(qn(attr), value)


def _paragraph(doc_or_cell, text: str = "", *, align=None, first_indent_chars: float = 0, right_indent_chars: float = 0,
               font: str = BODY_FONT, size: float = BODY_PT, color=None, bold=False, space_before_pt: float = 0):
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(max(LINE_PT, size * 1.25))
    fmt.space_before = Pt(space_before_pt)
    fmt.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    if first_indent_chars:
        fmt.first_line_indent = Pt(CHAR_PT * first_indent_chars)
    if right_indent_chars:
        fmt.right_indent = Pt(CHAR_PT * right_indent_chars)
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
        _fonts(run, font)
    return p


def _border(element_pr, tag: str, edges: tuple[str, ...], *, color: str, size: int, style: str = "single") -> None:
    box = OxmlElement(tag)
    for edge in edges:
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), style)
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), color)
        box.append(line)
    element_pr.append(box)


def _page_number(footer, align) -> None:
    """— 1 — in 4号 (14 pt) 宋体, 一字线 either side, 空一字 from the edge."""
    p = footer.paragraphs[0]
    p.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = Pt(14)
    else:
        p.paragraph_format.left_indent = Pt(14)

    def run(text="", field=None):
        r = p.add_run(text)
        r.font.size = Pt(14)
        _fonts(r, "宋体", "宋体")
        if field:
            for kind, value in (("begin", None), ("instr", field), ("separate", None), ("text", "1"), ("end", None)):
                if kind == "instr":
                    instr = OxmlElement("w:instrText")
                    instr.set(qn("xml:space"), "preserve")
                    instr.text = value
                    r._r.append(instr)
                elif kind == "text":
                    t = OxmlElement("w:t")
                    t.text = value
                    r._r.append(t)
                else:
                    char = OxmlElement("w:fldChar")
                    char.set(qn("w:fldCharType"), kind)
                    r._r.append(char)

    run("— ")
    run(field=" PAGE ")
    run(" —")


def template_build(path: Path = TEMPLATE_PATH) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)   # the page number sits 7 mm below the 版心
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal, BODY_FONT)

    # Odd pages number on the right, even pages on the left (GB/T 9704 §7.5).
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    _paragraph(doc, "{%p if red_head %}")
    # 发文机关标志: red, centred; size set per name so it stays on one line.
    _paragraph(doc, "{{r head }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=36, color=RED,
               space_before_pt=10)
    _paragraph(doc)
    _paragraph(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    # 版头 separator: a red line the width of the 版心, 4 mm below the 发文字号.
    line = _paragraph(doc)
    line.paragraph_format.line_spacing = Pt(12)
    _border(line._p.get_or_add_pPr(), "w:pBdr", ("bottom",), color="C00000", size=12)
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc)
    _paragraph(doc, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_PT)
    _paragraph(doc, "{%p if not red_head %}")
    _paragraph(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc)
    _paragraph(doc, "{{ addressee }}")
    _paragraph(doc, "{%p for para in paragraphs %}")
    _paragraph(doc, "{{ para }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent_chars=2)
    _paragraph(doc, "{%p endfor %}")
    _paragraph(doc).paragraph_format.keep_with_next = True   # no signature alone atop a page

    # 署名 and 成文日期 (右空四字), centred on each other, inside the seal's placeholder box.
    table = doc.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    table.autofit = False
    widths = (Mm(156 - 72 - 23), Mm(72), Mm(23))
    for cell, width in zip(table.rows[0].cells, widths):
        cell.width = width
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    row_pr.append(OxmlElement("w:cantSplit"))
    seal = table.rows[0].cells[1]
    _border(seal._tc.get_or_add_tcPr(), "w:tcBorders", ("top", "left", "bottom", "right"), color="C00000",
            size=8, style="dashed")
    seal.paragraphs[0]._p.getparent().remove(seal.paragraphs[0]._p)
    _paragraph(seal, "（印章）", align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5, color=RED)
    _paragraph(seal, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(seal, "{{ date }}", align=WD_ALIGN_PARAGRAPH.CENTER)

    _paragraph(doc)
    _paragraph(doc, "{{ note }}", first_indent_chars=2)   # 附注: 居左空二字，加圆括号
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(template_build())
