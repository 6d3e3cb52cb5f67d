"""Reading what users hand us without trusting it: files and YAML.

A path may name a device or a pipe, a file may be far larger than any plan,
and a YAML file may hold an alias bomb (a billion laughs in a comment field)
or nesting deep enough to exhaust the parser's recursion. These helpers read
regular files only, up to a byte limit, and parse YAML with a safe loader
that refuses aliases and deep nesting, so every one of these becomes a
clear error instead of a hang or an exhausted machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from .errors import os_reason

MAX_YAML_DEPTH = 20


class NotRegularFile(OSError):
    """The path is a folder, a device, a pipe or a socket."""


class TooLarge(OSError):
    """The file is larger than the limit."""


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file (links followed), at most `limit`; raises OSError kinds otherwise."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(f"{path}: not a regular file")
    if info.st_size > limit:
        raise TooLarge(f"{path}: {info.st_size} bytes")
    # O_NONBLOCK: if the file is swapped for a pipe after the check, opening it does not hang.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotRegularFile(f"{path}: not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{path}: over {limit} bytes")
    return data


def read_named_file(path: str | Path, limit: int, noun: str, error: type[Exception], hint: str = "") -> bytes:
    """A file the user named (a review file, a letter template): its bytes, or one line about `noun` ("brevmalen")
    for each way it cannot be read, as `error`; `hint` says what to give instead."""
    tail = f" {hint}" if hint else ""
    try:
        return read_regular_file(path, limit)
    except FileNotFoundError as exc:
        raise error(f"{path}: finner ikke {noun}.{tail}") from exc
    except TooLarge as exc:
        raise error(f"{path}: {noun} er for stor (grensen er {limit // (1024 * 1024)} MB).") from exc
    except NotRegularFile as exc:
        raise error(f"{path}: {noun} er ikke en vanlig fil.{tail}") from exc
    except OSError as exc:
        raise error(f"{path}: kan ikke lese {noun} ({os_reason(exc)}).") from exc


class UnsafeYaml(yaml.YAMLError):
    """YAML that is valid but refused: an alias, or nesting deeper than any of our files needs."""

    def __init__(self, problem: str, mark) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


# libyaml's loader where PyYAML has it (ten times faster); the pure-Python one otherwise.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> tuple[object, yaml.Node | None]:
    """The data and its node tree (for line numbers); raises yaml.YAMLError, UnsafeYaml included.

    The events are read once first, to refuse aliases and deep nesting before anything is built.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise UnsafeYaml("anker og alias (& og *) er ikke tillatt", event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise UnsafeYaml(f"mer enn {MAX_YAML_DEPTH} nivåer inni hverandre", event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()
