"""Build the held-out evaluation draft granlia.docx from granlia_source.yaml.

    granlia_source.yaml -> granlia.docx  (python-docx; Word "Title", "Heading 1/2", "Normal" and
                                          "List Bullet" paragraphs; a plan ordered by target groups)

solvberg.md (Markdown) is authored directly as text and is not built.

Output is deterministic: fixed core-properties dates and the .docx zip rewritten with fixed
member timestamps (as build_drafts.py does).

Run:  .venv/bin/python data/eval/drafts/build_holdout.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from build_drafts import load, save_docx  # beside this file: the same deterministic zip and helpers


HERE = Path(__file__).resolve().parent
FIXED_DATE = dt.datetime(2025, 3, 20, 12, 0, 0)
ZIP_DATE = (2025, 3, 20, 12, 0, 0)






def build_docx(src: dict, out: Path) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)

    doc.add_heading(src["title"], level=0)
    doc.add_paragraph(src["subtitle"]).runs[0].bold = True
    doc.add_paragraph(src["adopted"]).runs[0].italic = True

    for block in src["blocks"]:
        (kind, value), = block.items()
        if kind == "h1":
            doc.add_heading(value, level=1)
        elif kind == "h2":
            doc.add_heading(value, level=2)
        elif kind == "p":
            doc.add_paragraph(value)
        elif kind == "bullets":
            for item in value:
                doc.add_paragraph(item, style="List Bullet")
        else:
            raise ValueError(f"unknown block kind: {kind}")

    save_docx(doc, out, f"{src['title']} – {src['subtitle']}", src["author"], FIXED_DATE, ZIP_DATE)


def main() -> None:
    build_docx(load("granlia_source.yaml"), HERE / "granlia.docx")
    print("wrote", HERE / "granlia.docx")


if __name__ == "__main__":
    main()
