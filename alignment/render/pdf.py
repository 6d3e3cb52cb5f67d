"""The letter as PDF: the Word document converted by LibreOffice, headless.

A PDF is what a district can file or forward unchanged; the DOCX stays the
one an advisor edits. LibreOffice does the conversion, as it lays out Word
documents far better than anything in Python. Each conversion gets its own
LibreOffice profile, so two at once (the workbench and a `check`) do not
wait on each other's lock, and the times LibreOffice stamps into the PDF are
set to a fixed moment, so the same letter gives the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import OutputError

TIMEOUT_SECONDS = 180
INSTALL_HINT = ("PDF krever LibreOffice. Installer det (sudo apt-get install libreoffice-writer-nogui), "
                "eller skriv brevet som Word-fil med --format docx.")


def libreoffice() -> str | None:
    """The LibreOffice program, when one is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_from_docx(docx: bytes) -> bytes:
    program = libreoffice()
    if program is None:
        raise OutputError(f"Kan ikke lage PDF: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="alignment-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "brev.docx").write_bytes(docx)
        command = [program, f"-env:UserInstallation={(folder / 'profil').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder), str(folder / "brev.docx")]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
                           env={**os.environ, "HOME": str(folder)})
        except subprocess.TimeoutExpired as exc:
            raise OutputError(f"LibreOffice brukte mer enn {TIMEOUT_SECONDS} s på å lage PDF-en; prøv igjen, "
                              "eller skriv brevet som Word-fil med --format docx.") from exc
        result = folder / "brev.pdf"
        if not result.is_file():
            raise OutputError("LibreOffice kunne ikke lage PDF-en av brevet. Skriv det som Word-fil med --format docx "
                              "og lagre som PDF fra Word.")
        return with_fixed_times(result.read_bytes())


def with_fixed_times(pdf: bytes) -> bytes:
    """The PDF with its creation time, checksum and file ID fixed; same-length replacements keep every offset valid."""
    pdf = re.sub(rb"D:\d{14}([+-]\d{2}'\d{2}'?)?", lambda m: b"D:20000101000000" + re.sub(rb"\d", b"0", m.group(1) or b""),
                 pdf)
    pdf = re.sub(rb"/DocChecksum /([0-9A-F]+)", lambda m: b"/DocChecksum /" + b"0" * len(m.group(1)), pdf)
    return re.sub(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]",
                  lambda m: m.group(0).replace(m.group(1), b"0" * len(m.group(1))).replace(m.group(2), b"0" * len(m.group(2))),
                  pdf)
