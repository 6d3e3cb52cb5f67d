"""Every error a user can act on, each kind with its own exit code, in one place.

The CLI and the web app turn these into one Norwegian line (and the web app
into a 4xx); anything else is an internal error. Exit codes differ by kind
so scripts can tell a bad file from a plan in which nothing was found.
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


class InputError(AlignmentError):
    """The plan file cannot be read as a document."""

    exit_code = 3


class UnsupportedFormatError(InputError):
    """The file is not a format the tool reads (told by its content as well as its name)."""


class InputTooLargeError(InputError):
    """The file, or what it unpacks to, is over a limit."""


class NothingFoundError(AlignmentError):
    """The plan was read, but no measures were found in it."""

    exit_code = 4


class ReferenceDataError(AlignmentError):
    """A data file (the Byråd's tiltak, the rewordings, the checklist) is broken."""

    exit_code = 5


class ModelError(AlignmentError):
    """The embedding model is missing or does not verify."""

    exit_code = 6


class OutputError(AlignmentError):
    """A report could not be written."""

    exit_code = 7


class ReviewError(AlignmentError):
    """An advisor's review file (or a review sent to the web app) is broken."""

    exit_code = 8


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


def os_reason(error: OSError) -> str:
    """The operating system's reason in Norwegian, for the common cases; the English one otherwise."""
    return _OS_REASONS.get(error.errno, error.strerror or type(error).__name__)
