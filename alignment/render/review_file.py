"""The review file an advisor fills in: the machine's verdicts, and the reviewer's fields.

It records the machine's status and evidence when it was made, and the text
of every measure then, so that a review survives a new draft (see
`alignment.review`). Every value from a plan goes through the YAML dumper
(quoted and escaped), and the comments at the top are kept on their lines,
so a file name or a measure with a line break in it cannot break the file.
"""

from __future__ import annotations

import yaml

from ..records import Analysis, Decision, Review
from ..review import measure_review_text

HEADER = """\
# Vurderingsfil for {title}
# Plan: {source}
#
# Her kan en rådgiver bekrefte eller rette maskinens vurdering av hvert av
# Byrådets tiltak. Kjør deretter `alignment check` på planen igjen med samme
# --out: denne filen ved siden av rapporten brukes da. Den kan også
# oppgis med --review. Arbeidsbenken (`alignment serve`) skriver den samme filen.
#
# For hvert tiltak:
#   maskin      maskinens vurdering da filen ble laget (ikke endre).
#   status      din vurdering: covered (dekket), partial (delvis) eller missing
#               (mangler). Tomt = maskinens vurdering gjelder.
#   evidence    tiltak i planen du vil legge til som belegg (M07) eller fjerne
#               (-M07). Numrene står under `tiltak_i_planen` nederst.
#   comment     din kommentar; vises i rapporten.
#   reviewer    ditt navn.       date    dato, f.eks. 2026-11-22.
#
# Filen skrives bare når den ikke finnes fra før: verktøyet overskriver aldri
# en rådgivers vurderinger. Ved et nytt utkast av planen beholdes vurderingene;
# de som bygger på tekst som er endret eller borte, merkes «trenger ny vurdering».
"""


def review_file(analysis: Analysis, review: Review | None = None) -> str:
    """The file for `analysis`: its machine verdicts and measures, and the decisions of `review`.

    `review` must speak of this analysis's measures (see `review.rebase_review`); without one, nothing
    is decided yet.
    """
    decisions = review.decisions if review is not None else {}
    source = analysis.document.source
    lines = [HEADER.format(title=_comment(analysis.plan.title), source=_comment(source)),
             f"plan: {_quoted(source)}", f"bydel: {_quoted(analysis.plan.title)}", "tiltak:"]
    for verdict in analysis.machine_verdicts:
        decision = decisions.get(verdict.tiltak.id) or Decision(verdict.tiltak.id)
        evidence = [e.measure.id for e in verdict.evidence]
        lines += [
            f"  {_quoted(verdict.tiltak.id)}:",
            f"    maskin: {_flow({'status': verdict.status, 'evidence': evidence})}",
            f"    status:{' ' + decision.status if decision.status else ''}",
            f"    evidence: {_flow([*decision.add, *('-' + m for m in decision.remove)])}",
            f"    comment: {_quoted(decision.comment)}",
            f"    reviewer: {_quoted(decision.reviewer)}",
            f"    date: {_quoted(decision.date)}",
        ]
        if decision.stale:
            lines.append(f"    ny_vurdering: {_quoted(decision.stale)}")
    if review is not None and review.new_measures:
        lines.append("# Tiltak som var nye i dette utkastet da vurderingene ble flyttet over fra forrige utkast.")
        lines.append(f"nye_tiltak: {_flow(list(review.new_measures))}")
    lines.append("# Tiltakene i planen slik de lød da filen ble laget (brukes til å se endringer i nye utkast).")
    lines.append("tiltak_i_planen:")
    for measure in analysis.measures:
        lines.append(f"  {measure.id}: {_quoted(measure_review_text(measure))}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2 ** 31 - 1).rstrip("\n")


def _flow(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=2 ** 31 - 1).rstrip("\n")


def _comment(text: str) -> str:
    """Text for a comment line: anything that would end the line is shown escaped."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
