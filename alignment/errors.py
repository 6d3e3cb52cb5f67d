"""Errors a user can act on, each with its own exit code.

The CLI turns these into one-line messages; anything else is an internal
error. Exit codes differ by kind so scripts can tell a bad file from a plan
in which nothing was found (2, wrong use of a command, is click's).
"""


class AlignmentError(Exception):
    """Base for errors caused by the user's input or environment."""

    exit_code = 1


class InputError(AlignmentError):
    """The plan file cannot be read as a document."""

    exit_code = 3


class NothingFoundError(AlignmentError):
    exit_code = 4


class ReferenceDataError(AlignmentError):
    """The reference tiltak file is broken."""

    exit_code = 5


class ModelError(AlignmentError):
    """The embedding model is missing or does not verify."""

    exit_code = 6


class OutputError(AlignmentError):
    """A report could not be written."""

    exit_code = 7
