"""The review file an advisor fills in: the machine's verdicts, and empty fields for the reviewer.

It records the machine's status and evidence when it was made, and the text
of every measure then, so that a review survives a new draft (see
`alignment.review`).
"""

from __future__ import annotations

import json

from ..records import Analysis
from ..review import measure_review_text

HEADER = """\
# Vurderingsfil for {title}
# Plan: {source}
#
# Her kan en rådgiver bekrefte eller rette maskinens vurdering av hvert av
# Byrådets tiltak. Kjør deretter `alignment check` på planen igjen med samme
# --out: denne filen ved siden av rapporten brukes da. Den kan også
# oppgis med --review.
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


def review_template(analysis: Analysis) -> str:
    """The file for a first review: the machine's verdicts, nothing decided yet."""
    source = analysis.document.source
    lines = [HEADER.format(title=analysis.plan.title, source=source), f"plan: {json.dumps(source, ensure_ascii=False)}",
             "tiltak:"]
    for verdict in analysis.machine_verdicts:
        evidence = ", ".join(e.measure.id for e in verdict.evidence)
        lines += [
            f"  {json.dumps(verdict.tiltak.id)}:",
            f"    maskin: {{status: {verdict.status}, evidence: [{evidence}]}}",
            "    status:",
            "    evidence: []",
            '    comment: ""',
            '    reviewer: ""',
            '    date: ""',
        ]
    lines.append("# Tiltakene i planen slik de lød da filen ble laget (brukes til å se endringer i nye utkast).")
    lines.append("tiltak_i_planen:")
    for measure in analysis.measures:
        lines.append(f"  {measure.id}: {json.dumps(measure_review_text(measure), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
