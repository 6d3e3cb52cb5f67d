"""Office files (XLSX, DOCX) with fixed times, so the same analysis gives the same bytes.

Both are zip packages: the zip entries carry the time they were written, and
docProps/core.xml the time the library saved the document. Both are set to a
fixed moment here.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

FIXED_TIME = datetime.datetime(2000, 1, 1)


def with_fixed_times(data: bytes) -> bytes:
    """The package rewritten with fixed zip entry times and a fixed 'modified' time in its core properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()
