"""A measure while a reader is still putting it together.

Readers find a measure's title, text and units over several lines, so they
build a mutable draft; `freeze` turns it into the frozen `Measure` once its
number is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Measure


@dataclass
class MeasureDraft:
    section: str
    title: str
    text: str
    ansvar: list[str] = field(default_factory=list)
    line: int | None = None
    page: int | None = None
    layout: str = ""
    group: str = ""
    frist: str = ""
    row: int | None = None

    def freeze(self, measure_id: str) -> Measure:
        return Measure(measure_id, self.section, self.title, self.text, tuple(self.ansvar), self.line, self.page,
                       self.layout, self.group, self.frist, self.row)
