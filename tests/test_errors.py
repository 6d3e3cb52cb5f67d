"""The exit codes in errors.py are the ones the README promises."""

import re

from alignment import errors

from .conftest import ROOT


def _readme_exit_codes():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("| exit code | kind |"):]
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \|", section, flags=re.MULTILINE)
    return [(int(code), kind) for code, kind in rows]


def test_readme_lists_every_exit_code_with_its_kind():
    assert _readme_exit_codes() == list(errors.EXIT_CODES)


def test_every_error_kind_has_its_own_code():
    kinds = [errors.InputError, errors.NothingFoundError, errors.ReferenceDataError, errors.ModelError,
             errors.OutputError, errors.ReviewError]
    codes = [kind.exit_code for kind in kinds]
    assert len(set(codes)) == len(codes) and all(issubclass(kind, errors.AlignmentError) for kind in kinds)
    assert {code for code, _ in errors.EXIT_CODES} == {*codes, errors.USAGE, errors.INTERNAL, errors.INTERRUPTED}


def test_common_os_reasons_are_norwegian():
    assert errors.os_reason(OSError(28, "No space left on device")) == "disken er full"
    assert errors.os_reason(OSError(30, "Read-only file system")) == "filsystemet er skrivebeskyttet"
    assert errors.os_reason(PermissionError(13, "Permission denied")) == "mangler tilgang"
    assert errors.os_reason(OSError(999, "Something odd")) == "Something odd"
