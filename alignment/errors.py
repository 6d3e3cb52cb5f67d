"""Every error a user can act on, each kind with its own exit code, in one place.

The CLI and the web app turn these into one Norwegian line; anything else
is an internal error. Each kind carries its exit code (for the CLI) beside
its HTTP status (for the workbench), so the two front ends agree on what an
error is and the web layer maps every error in one place. Exit codes differ
by kind so scripts can tell a bad file from a plan in which nothing was found.
`EXIT_CODES` is the table the README shows; a test holds the two together.
"""

from __future__ import annotations

import errno

USAGE = 2  # click's own code for a wrong command line
INTERNAL = 70
INTERRUPTED = 130


class AlignmentError(Exception):
    """Base for errors caused by the user's input or environment."""

    exit_code = 1
    http_status = 500
    details: dict | None = None  # what a script needs beside the line (the web layer's JSON carries it)


class InputError(AlignmentError):
    """The plan file cannot be read as a document."""

    exit_code = 3
    http_status = 422


class UnsupportedFormatError(InputError):
    """The file is not a format the tool reads (told by its content as well as its name)."""

    http_status = 415


class ScanWithoutTextError(InputError):
    """A PDF with no text layer: a scan, to be read with OCR (the CLI's --ocr, the workbench's «Skannet PDF»)."""


class InputTooLargeError(InputError):
    """The file, or what it unpacks to, is over a limit."""

    http_status = 413


class UsageError(AlignmentError):
    """A setting the tool refuses (an address that would open the workbench to the network, ...)."""

    exit_code = USAGE
    http_status = 400


class NothingFoundError(AlignmentError):
    """The plan was read, but no measures were found in it."""

    exit_code = 4
    http_status = 422


class NotAPlanError(NothingFoundError):
    """The file was read, but it does not speak of drug policy at all: the wrong file was chosen."""


class ReferenceDataError(AlignmentError):
    """A data file (the Byråd's tiltak, the rewordings, the checklist) is broken."""

    exit_code = 5


class ModelError(AlignmentError):
    """The embedding model is missing or does not verify."""

    exit_code = 6
    http_status = 503


class OutputError(AlignmentError):
    """A report could not be written; the status says whether waiting (503) or freeing space (507) helps."""

    exit_code = 7

    @property
    def http_status(self) -> int:
        cause = self.__cause__
        return storage_status(cause) if isinstance(cause, OSError) else 500


class ReviewError(AlignmentError):
    """An advisor's review file (or a review sent to the web app) is broken."""

    exit_code = 8
    http_status = 422


class Refused(AlignmentError):
    """A request the workbench refuses (unknown plan, wrong token, busy, ...), with its own status.

    Only the web layer raises it; the CLI never sees one, so it shares the generic exit code.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.http_status = status
        self.message = message


# (exit code, kind) as the README's table lists them.
EXIT_CODES = (
    (USAGE, "wrong use of the command"),
    (InputError.exit_code, "the plan cannot be read"),
    (NothingFoundError.exit_code, "no measures found"),
    (ReferenceDataError.exit_code, "a bundled data file is broken"),
    (ModelError.exit_code, "the model"),
    (OutputError.exit_code, "the report cannot be written"),
    (ReviewError.exit_code, "the review file is broken"),
    (INTERNAL, "an internal error (a bug)"),
    (INTERRUPTED, "interrupted with Ctrl-C"),
)


_OS_REASONS = {
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.EACCES: "mangler tilgang",
    errno.EPERM: "mangler tilgang",
    errno.ENOENT: "finnes ikke",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
    errno.EISDIR: "er en mappe",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EIO: "lese- eller skrivefeil på disken",
}


# A full disk is 507 Insufficient Storage; a workspace that cannot be written now is 503 (try again later).
_STORAGE_STATUS = {errno.ENOSPC: 507, errno.EDQUOT: 507, errno.EROFS: 503, errno.EACCES: 503, errno.EPERM: 503}


def storage_status(error: OSError) -> int:
    """The HTTP status of a failed write: 507 for a full disk, 503 for a read-only or locked-down folder."""
    return _STORAGE_STATUS.get(error.errno, 500)


def os_reason(error: OSError) -> str:
    """The operating system's reason in Norwegian, for the common cases; the English one otherwise."""
    return _OS_REASONS.get(error.errno, error.strerror or type(error).__name__)
