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


def test_every_error_kind_carries_its_http_status_beside_its_exit_code():
    assert errors.InputError("x").http_status == 422
    assert errors.UnsupportedFormatError("x").http_status == 415
    assert errors.InputTooLargeError("x").http_status == 413
    assert errors.ReviewError("x").http_status == 422
    assert errors.ModelError("x").http_status == 503
    assert errors.ReferenceDataError("x").http_status == 500
    assert errors.Refused(409, "Planen sjekkes nå.").http_status == 409


def test_a_failed_write_says_whether_to_free_space_or_wait():
    def output_error(code):
        try:
            raise errors.OutputError("kunne ikke skrive") from OSError(code, "x")
        except errors.OutputError as error:
            return error

    assert output_error(28).http_status == 507  # disk full
    assert output_error(30).http_status == 503  # read-only
    assert output_error(5).http_status == 500
    assert errors.OutputError("uten årsak").http_status == 500
