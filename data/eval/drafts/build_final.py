"""Build two held-out evaluation plans (fictional districts), written independently
of the extraction code.

    tveita.pdf   (reportlab, text layer, A4 portrait) - prose plan organised by the
                 city's three strategies, bold unnumbered sub-headings, situation
                 first and then what the district will do; one numbered list
                 "1) ... 2) ..." after "Konkret vil vi:"; running header and page
                 numbers on every page.
    lindal.docx  (python-docx) - intro/background in prose with Word heading styles,
                 then "Handlingsplan" as small two-column key-value tables
                 (Mål / Tiltak / Ansvar / Frist), one per goal, interleaved with
                 short prose paragraphs, some of which also state measures.

The text of both plans lives in this file. Gold labels: data/eval/gold/tveita.yaml
and data/eval/gold/lindal.yaml.

Output is deterministic: reportlab invariant mode, fixed .docx core-property dates
and the .docx zip rewritten with fixed member timestamps.

Run:  .venv/bin/python data/eval/drafts/build_final.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from build_drafts import pdf_text, save_docx  # beside this file: the same deterministic zip and helpers

HERE = Path(__file__).resolve().parent
FIXED_DATE = dt.datetime(2025, 3, 1, 12, 0, 0)
ZIP_DATE = (2025, 3, 1, 12, 0, 0)


# =========================================================================== TVEITA
#
# Blocks: ("h1", text) chapter heading, ("h2", text) bold sub-heading without number,
# ("p", text) paragraph, ("ol", [items]) numbered list "1) ...", ("break", None).

TVEITA_TITLE = "Ruspolitisk handlingsplan for Bydel Tveita 2025–2028"
TVEITA_HEADER = "Bydel Tveita  |  Ruspolitisk handlingsplan 2025–2028"

TVEITA_COVER = [
    "Bydel Tveita",
    TVEITA_TITLE,
    "Vedtatt av bydelsutvalget 20. mars 2025, sak 14/25",
    "Saksbehandler: Tjenesten for psykisk helse og rus, i samarbeid med SaLTo-koordinator "
    "og folkehelsekoordinator",
]

TVEITA_CONTENTS = [
    "Forord",
    "1 Innledning",
    "2 Slik har vi arbeidet med planen",
    "3 Rusbildet i Tveita",
    "4 Forebyggingsoffensiv",
    "5 Tidligere innsats og hjelp ut av rusproblemene",
    "6 Økt livskvalitet ved rusproblemer",
    "7 Byens og statens ansvar",
    "8 Oppfølging og evaluering",
]

TVEITA_BLOCKS = [
    ("h1", "Forord"),
    ("p", "Rusproblemer rammer ikke bare den som ruser seg. Barn, foreldre, søsken, naboer og "
          "kolleger merker det også. I Tveita møter vi mange som har levd lenge med rusproblemer "
          "i familien uten å vite hvor de kan få hjelp, og vi møter ungdom som begynner å ruse seg "
          "tidligere enn før."),
    ("p", "Denne planen er bydelens svar på byrådets strategiske plan for rusfeltet. Den er blitt "
          "til gjennom samtaler med brukere, pårørende, ungdom, ansatte og frivillige. Jeg vil takke "
          "alle som har bidratt med tid, erfaringer og kritiske spørsmål. Planen forplikter hele "
          "bydelsadministrasjonen, ikke bare de tjenestene som arbeider med rus til daglig."),
    ("p", "Tveita, mars 2025. Ingrid Sæther, bydelsdirektør"),
    ("break", None),

    ("h1", "1 Innledning"),
    ("p", "Bydel Tveita har om lag 41 000 innbyggere og strekker seg fra boligblokkene rundt Tveita "
          "senter til småhusområdene i øst. Bydelen har en ung befolkning, og nesten hver fjerde "
          "innbygger er under 20 år. Mange familier har lav inntekt, og andelen som bor trangt, er "
          "høyere enn i Oslo for øvrig. Om lag 45 prosent av innbyggerne har innvandrerbakgrunn."),
    ("p", "Planen viser hvordan bydelen vil arbeide med rusfeltet i perioden 2025–2028. Den bygger "
          "på Byrådets strategiske plan for rusfeltet i Oslo fra 2018, Bydel Tveitas strategiske "
          "plan 2024–2027 og bydelens plan for psykisk helse. Planen er ordnet etter de tre "
          "strategiene i byrådets plan: forebyggingsoffensiv, tidligere innsats og økt livskvalitet "
          "ved rusproblemer."),
    ("p", "Vårt mål er at færre innbyggere i Tveita utvikler rusproblemer, og at de som har "
          "rusproblemer, får hjelp ut fra sine behov til å leve et meningsfylt liv. Vi ønsker at "
          "tjenestene skal oppleves som én dør inn, uansett om det er den som ruser seg eller en "
          "pårørende som tar kontakt. Hjelpen skal bygge på folks egne ressurser og det de selv "
          "mener er viktig."),
    ("p", "Under hver strategi beskriver vi først situasjonen i bydelen og hva vi allerede gjør, og "
          "deretter hva bydelen vil gjøre i planperioden. Tiltakene er innarbeidet i "
          "virksomhetsplanene til de enhetene som har ansvaret, og de finansieres innenfor "
          "bydelens ordinære budsjett med mindre noe annet er sagt."),

    ("h1", "2 Slik har vi arbeidet med planen"),
    ("p", "Arbeidet ble ledet av en arbeidsgruppe med representanter fra Tjenesten for psykisk helse "
          "og rus, NAV Tveita, barneverntjenesten, helsestasjon og skolehelsetjeneste, Ungdom og "
          "fritid og SaLTo-koordinator. KoRus Oslo har gitt faglige råd underveis, blant annet om "
          "hvordan planen kan følges opp og evalueres."),
    ("p", "Vi har hatt to dialogmøter med brukere, ett med pårørende og ett med ungdomsrådet. "
          "Brukerrådet for psykisk helse og rus har lest utkastet og gitt skriftlige innspill. Planen "
          "var på høring fra oktober til desember 2024, og vi fikk elleve høringssvar, blant annet "
          "fra Tveita frivilligsentral, to borettslag, Ivareta og politiet."),
    ("p", "Mange av innspillene handlet om det samme: pårørende vet ikke hvor de skal henvende seg, "
          "ungdom savner voksne å snakke med, og brukerne ønsker å bli møtt av de samme ansatte "
          "over tid. Dette har preget prioriteringene i planen. Innspill som gjelder byens eller "
          "statens ansvar, er omtalt i kapittel 7."),

    ("h1", "3 Rusbildet i Tveita"),
    ("h2", "Ungdom"),
    ("p", "Ung i Oslo 2023 viser at de fleste ungdommene i Tveita har det bra. Alkoholbruken blant "
          "ungdom er lavere enn i Oslo samlet: 31 prosent av elevene i videregående oppgir at de "
          "har vært beruset siste år, mot 44 prosent i byen. Samtidig har andelen som har brukt "
          "hasj siste år, økt fra 6 til 10 prosent på VG1–VG3 siden 2018. Flere unge forteller at "
          "det er lett å få tak i hasj via sosiale medier, og at mange ikke ser på hasj som farlig."),
    ("h2", "Voksne med rusproblemer"),
    ("p", "BrukerPlan-kartleggingen for 2023 registrerte 287 voksne med rusproblemer eller samtidige "
          "rus- og psykiske lidelser som mottar tjenester fra bydelen. Om lag en tredel har ikke "
          "meningsfull aktivitet på dagtid, og 34 personer mangler egnet bolig. 41 personer er i "
          "legemiddelassistert rehabilitering (LAR). Gruppen over 60 år har økt mest de siste fem "
          "årene."),
    ("p", "Det var fire overdosedødsfall blant bydelens innbyggere i 2023. Tre av dem som døde, hadde "
          "nylig skrevet seg ut fra institusjon eller var løslatt fra fengsel."),
    ("h2", "Barn og familier"),
    ("p", "Barneverntjenesten anslår at rus hos foreldre er en medvirkende årsak i om lag en av fem "
          "nye undersøkelsessaker. Helsestasjonen melder at flere foreldre spør om råd om rus og "
          "skjermbruk hos ungdom, og at mange foreldre med minoritetsbakgrunn etterlyser "
          "informasjon på eget språk."),
    ("break", None),

    ("h1", "4 Forebyggingsoffensiv"),
    ("p", "Forebygging er den største satsingen i planen. Det meste av arbeidet skjer på barn og "
          "unges vanlige arenaer: helsestasjonen, barnehagen, skolen, fritidsklubbene og "
          "idrettslagene. Vårt mål er at flere unge utsetter debuten med alkohol og hasj, og at "
          "de som strever, blir sett tidlig."),
    ("h2", "Samtaler der ungdommen er"),
    ("p", "Skolehelsetjenesten er til stede på alle fire ungdomsskoler og på Tveita videregående "
          "skole, men ventetiden for en samtale er opptil tre uker. Ungdom sier at de ikke går til "
          "helsesykepleier med spørsmål om rus fordi de frykter at foreldrene får vite det. Vi går "
          "inn for å etablere et lavterskel samtaletilbud om rus og psykisk helse på alle "
          "ungdomsskolene, med faste veiledningsmøter med BUP hver måned. Tilbudet skal være "
          "åpent uten timebestilling to dager i uka."),
    ("h2", "Når noen er bekymret"),
    ("p", "Bekymringer om rus hos unge kommer i dag inn til mange ulike steder: skolen, barnevernet, "
          "fritidsklubbene, politiet og helsestasjonen. Det hender at ingen følger opp, fordi alle "
          "tror at noen andre gjør det. Det er besluttet at SaLTo-koordinator fra 2025 har ansvaret "
          "for at hver bekymring om rus hos barn og unge blir fordelt til én navngitt ansvarlig i "
          "bydelen innen en uke. Rutinen skal være kjent i alle enheter innen sommeren 2025."),
    ("h2", "Kompetanse hos dem som møter barn og unge"),
    ("p", "Ansatte i barnehager og fritidsklubber sier at de er usikre på hvordan de skal ta opp en "
          "bekymring for rus i en familie. Bydelen skal gi alle ansatte som arbeider med barn og "
          "unge, opplæring i bekymringssamtalen og i hvordan de skal handle når de er urolige for "
          "rus hos barn eller foreldre. Opplæringen skal være gjennomført i alle enheter innen "
          "utgangen av 2026."),
    ("h2", "Samarbeid rundt de minste"),
    ("p", "Bydelen bruker i dag modellen Bedre Tverrfaglig Innsats (BTI) i samarbeidet om barn i "
          "skolealder, og erfaringene er gode. Vi planlegger å innføre BTI også for familier med "
          "barn 0–6 år, slik at helsestasjon og barnehager følger samme handlingsveileder."),
    ("h2", "Oppsøkende arbeid"),
    ("p", "Uteteamet har tre årsverk og er ute fire kvelder i uka, særlig rundt Tveita senter og "
          "T-banestasjonene. Teamet har ikke skriftlige rutiner, og kvaliteten på arbeidet "
          "avhenger i stor grad av hvem som er på jobb. Uteteamet skal i 2025 utarbeide egne "
          "skriftlige rutiner for det oppsøkende arbeidet og gå gjennom dem hvert år sammen med "
          "leder."),
    ("h2", "Foreldre som ressurs"),
    ("p", "Foreldre er den viktigste ressursen i forebyggingen. Mange foreldre i Tveita har lite "
          "kunnskap om hasj og om hvordan rusmidler kjøpes via sosiale medier. Vi planlegger å "
          "arrangere temamøter om rus for foreldre på alle ungdomsskolene hvert høstsemester, i "
          "samarbeid med FAU og politiets forebyggende enhet."),
    ("p", "Flere foreldre har bedt om skriftlig informasjon de kan lese hjemme. Bydelen skal derfor "
          "dele ut en trykt brosjyre om rus på flere språk til alle foreldre med barn i 8. klasse."),
    ("h2", "Fritid"),
    ("p", "Fritidsklubbene på Tveita og Hellerud har god oppslutning på hverdager, men er stengt i "
          "helgene, da behovet for trygge steder å være er størst. Fra høsten 2025 skal Tveita "
          "fritidsklubb holde åpent fredag og lørdag kveld, med minst to voksne på jobb."),

    ("h1", "5 Tidligere innsats og hjelp ut av rusproblemene"),
    ("p", "Mange venter lenge før de søker hjelp, og pårørende bærer ofte en tung bør alene. Vårt "
          "mål er at den som tar kontakt, blir tatt imot raskt og får hjelp av noen de kjenner. "
          "Tjenesten for psykisk helse og rus har i dag 14 årsverk og tar imot henvendelser fra "
          "innbyggere, fastleger, NAV og spesialisthelsetjenesten."),
    ("h2", "Første kontakt"),
    ("p", "I dag kan det gå flere uker fra noen tar kontakt med tjenesten til de får en samtale, og "
          "pårørende blir ofte henvist videre. Tjenesten for psykisk helse og rus vil tilby en "
          "oppfølgingssamtale innen to uker til alle som henvender seg om rusproblemer, også til "
          "pårørende. Samtalen kan skje hjemme, på kontoret eller på telefon."),
    ("h2", "Én å forholde seg til"),
    ("p", "Brukerne forteller at de må gjenta historien sin for mange ansatte, og at de mister "
          "oversikten over hvem som gjør hva. Bydelen skal gi alle som mottar tjenester for "
          "rusproblemer én fast kontaktperson, som også samordner kontakten med NAV og fastlegen."),
    ("p", "Fastlegene etterlyser bedre informasjon om hvilke tjenester pasientene deres får fra "
          "bydelen. Det er besluttet at tjenesten skal innhente samtykke til å utveksle "
          "opplysninger med fastlegen ved oppstart av hvert forløp."),
    ("h2", "Pårørende"),
    ("p", "Bydelen hadde tidligere en samtalegruppe for foreldre til unge som ruser seg, men den ble "
          "lagt ned under pandemien. Mange pårørende opplever at ingen spør hvordan de har det, og "
          "barn i familier med rusproblemer blir ofte ikke snakket med i det hele tatt. "
          "Barneverntjenesten tar i planperioden ansvar for å spørre barn i familier med "
          "rusproblemer hva som kan gjøre hverdagen lettere for dem, og å følge opp svarene i "
          "barnets tiltaksplan."),
    ("h2", "Selvhjelp og brukerorganisasjoner"),
    ("p", "Det finnes flere selvhjelpsgrupper i og rundt bydelen, men få av brukerne våre kjenner til "
          "dem. Vi går inn for å gjøre brukere og familier kjent med selvhjelpsgrupper og "
          "brukerorganisasjoner som RIO og Ivareta, og å følge dem til første møte dersom de "
          "ønsker det."),
    ("h2", "Ungdom og hasj"),
    ("p", "Økningen i hasjbruk bekymrer både foreldre og ansatte. Bydelen har ikke eget tilbud om "
          "hasjavvenning, og ungdom som vil slutte, henvises i dag til Uteseksjonen. Foreldre ber om "
          "mer kunnskap om hvordan de kan snakke med ungdommen sin om hasj. Vi planlegger å tilby "
          "foreldrekurset Snakk om hasj to ganger i året, med tolk ved behov."),
    ("break", None),

    ("h1", "6 Økt livskvalitet ved rusproblemer"),
    ("p", "For mange av brukerne våre er målet ikke nødvendigvis å slutte helt med rusmidler, men å "
          "få et bedre liv: et sted å bo, noe å gjøre på dagtid, bedre helse og noen å være sammen "
          "med. Vårt mål er at flere brukere selv opplever at livet har blitt bedre."),
    ("h2", "Livskvalitet som mål"),
    ("p", "Vi måler i dag hvor mange som er i aktivitet og hvor mange som har bolig, men ikke "
          "hvordan brukerne selv opplever livet sitt. Vi går inn for å la alle brukere selv vurdere "
          "sin livskvalitet ved oppstart og hvert halvår, og å bruke svarene som resultatmål i "
          "oppfølgingen."),
    ("h2", "Arbeid og aktivitet"),
    ("p", "NAV Tveita har et godt samarbeid med lokale arbeidsgivere, men få personer med "
          "rusproblemer deltar i arbeidsrettede tiltak. NAV Tveita skal tilby personer med "
          "rusproblemer kvalifisering, arbeidstrening og opplæring på lik linje med andre, også når "
          "de bor i Velferdsetatens tiltak."),
    ("p", "IPS-tilbudet gjelder i dag bare personer med psykiske lidelser. I planperioden skal "
          "IPS utvides til også å omfatte personer med rusproblemer, og NAV vil rekruttere flere "
          "arbeidsgivere til ordningen."),
    ("h2", "Likepersoner og erfaringskompetanse"),
    ("p", "Brukerrådet har pekt på at erfaringskompetanse mangler i tjenestene. Det er besluttet at "
          "Tjenesten for psykisk helse og rus ansetter en erfaringskonsulent i full stilling, som "
          "skal delta i endrings- og mestringsarbeidet sammen med brukerne."),
    ("p", "Vi planlegger også å knytte to likepersoner til aktivitetshuset Tveitastua, slik at "
          "brukerne har noen med egen erfaring å snakke med hver dag."),
    ("h2", "Nye tilbud sammen med brukerne"),
    ("p", "Aktivitetshuset Tveitastua er åpent på hverdager og drives av bydelen. Mange brukere er "
          "alene i helgene. Bydelen skal utvikle et nytt helgetilbud på Tveitastua sammen med "
          "brukerne og Tveita frivilligsentral."),
    ("h2", "Bolig og oppfølging i hjemmet"),
    ("p", "Bydelen har 46 kommunale boliger for personer med rusproblemer, og Boligoppfølgingstjenesten "
          "følger opp rundt 90 personer i hjemmet på dagtid. Mange kriser oppstår likevel om kvelden "
          "og i helgene. Det er besluttet at Boligoppfølgingstjenesten fra 2026 skal være "
          "tilgjengelig på kveldstid og i helgene."),
    ("p", "For at flere skal kunne bo spredt og trygt, planlegger vi å kjøpe seks nye leiligheter i "
          "ordinære borettslag i løpet av perioden."),
    ("h2", "Helse og overdoseforebygging"),
    ("p", "Personer med rusproblemer har dårligere helse og lever kortere enn andre. Mange har ikke "
          "vært hos tannlege på flere år. Bydelen deler allerede ut brukerutstyr og tilbyr "
          "vaksinasjon ved helsestasjonen for rusavhengige. Konkret vil vi:"),
    ("ol", [
        "inngå en avtale med sektorsykehuset om et oppsøkende FACT-team for personer med "
        "alvorlige rusproblemer,",
        "gjennomgå alle alvorlige hendelser og dødsfall blant brukerne i et tverrfaglig møte, "
        "med læringspunkter til alle enheter,",
        "dele ut nalokson nesespray til brukere og pårørende og lære dem å bruke den,",
        "hjelpe brukerne å få tannbehandling gjennom Den offentlige tannhelsetjenesten,",
        "tilby gratis testing for hepatitt C på Tveitastua hver måned.",
    ]),

    ("h1", "7 Byens og statens ansvar"),
    ("p", "Flere av tiltakene i byrådets strategiske plan er byens eller statens ansvar. Bydelen vil "
          "følge dem opp der vi blir invitert til å delta. Utdanningsetaten skal oppdatere det "
          "rusforebyggende programmet i Osloskolen, og Velferdsetaten skal utvide Nyttig arbeid. "
          "Byrådet skal ta initiativ overfor staten til en fast nasjonal finansiering av utstyr til "
          "smittevern og overdoseforebygging, og til et pilotprosjekt med politiet om alternative "
          "reaksjoner for unge under 23 år."),
    ("p", "Staten har gjennom Nasjonal overdosestrategi og opptrappingsplanen for rusfeltet gitt "
          "føringer som kommunene skal følge. Regjeringen skal legge fram en forebyggings- og "
          "behandlingsreform for rusfeltet, og Helsedirektoratet skal revidere retningslinjene for "
          "LAR. Bydelen vil tilpasse tjenestene når nye føringer kommer."),

    ("h1", "8 Oppfølging og evaluering"),
    ("p", "Hver enhet har ansvar for å gjennomføre sine tiltak og rapporterer status til rusfaglig "
          "forum to ganger i året. Forumet består av lederne i de enhetene som har deltatt i "
          "arbeidet med planen, og ledes av avdelingsdirektør for helse og velferd."),
    ("p", "Bydelsdirektøren legger hvert år fram en rapport om planen for bydelsutvalget, sammen med "
          "nye tall fra BrukerPlan og Ungdata. Planen evalueres i 2027 med hjelp fra KoRus Oslo, og "
          "en ny plan skal vedtas innen utgangen av 2028."),
]




def build_tveita(out: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (KeepTogether, PageBreak, Paragraph, SimpleDocTemplate,
                                    Spacer)

    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11.5, leading=16,
                          spaceAfter=8)
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=15, leading=19,
                        spaceBefore=14, spaceAfter=8)
    h2 = ParagraphStyle("h2", fontName="Times-Bold", fontSize=11.5, leading=16,
                        spaceBefore=6, spaceAfter=2)
    item = ParagraphStyle("item", parent=body, leftIndent=22, firstLineIndent=-16,
                          spaceAfter=4)
    cover_small = ParagraphStyle("cs", fontName="Helvetica", fontSize=14, leading=18,
                                 spaceAfter=10)
    cover_big = ParagraphStyle("cb", fontName="Helvetica-Bold", fontSize=24, leading=30,
                               spaceAfter=24)
    cover_meta = ParagraphStyle("cm", fontName="Helvetica", fontSize=11, leading=15,
                                spaceAfter=6)
    toc = ParagraphStyle("toc", parent=body, leftIndent=10, spaceAfter=3)

    def decorate(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(2.5 * cm, A4[1] - 1.4 * cm, TVEITA_HEADER)
        canvas.setLineWidth(0.4)
        canvas.line(2.5 * cm, A4[1] - 1.55 * cm, A4[0] - 2.5 * cm, A4[1] - 1.55 * cm)
        canvas.drawRightString(A4[0] - 2.5 * cm, 1.4 * cm, f"Side {doc_.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(out), pagesize=A4,
        leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.4 * cm, bottomMargin=2.4 * cm,
        title=TVEITA_TITLE, author="Bydel Tveita", subject="Ruspolitisk handlingsplan",
        creator="build_final.py", invariant=1,
    )

    story = [Spacer(1, 5 * cm),
             Paragraph(pdf_text(TVEITA_COVER[0]), cover_small),
             Paragraph(pdf_text(TVEITA_COVER[1]), cover_big)]
    story += [Paragraph(pdf_text(t), cover_meta) for t in TVEITA_COVER[2:]]
    story.append(PageBreak())
    story.append(Paragraph("Innhold", h1))
    story += [Paragraph(pdf_text(t), toc) for t in TVEITA_CONTENTS]
    story.append(Spacer(1, 12))

    # Headings, and a lead-in ending in ":", are held back and kept on the same page
    # as the block that follows them.
    pending = []
    for kind, val in TVEITA_BLOCKS:
        if kind == "break":
            story += pending
            pending = []
            story.append(PageBreak())
        elif kind == "h1":
            pending.append(Paragraph(pdf_text(val), h1))
        elif kind == "h2":
            pending.append(Paragraph(pdf_text(val), h2))
        elif kind == "p":
            para = Paragraph(pdf_text(val), body)
            if val.endswith(":"):
                pending.append(para)
                continue
            story.append(KeepTogether(pending + [para]) if pending else para)
            pending = []
        elif kind == "ol":
            items = [Paragraph(f"{i}) {pdf_text(t)}", item) for i, t in enumerate(val, 1)]
            story.append(KeepTogether(pending + items))
            pending = []
    story += pending
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)


# =========================================================================== LINDAL
#
# Blocks: ("title", text), ("meta", text), ("h1"/"h2", text), ("p", text),
# ("table", {"mal": str, "tiltak": [str, ...], "ansvar": str, "frist": str}).

LINDAL_BLOCKS = [
    ("title", "Handlingsplan for rusfeltet 2025–2027"),
    ("meta", "Bydel Lindal – vedtatt i bydelsutvalget 6. februar 2025"),

    ("h1", "Innledning"),
    ("p", "Handlingsplanen beskriver hva Bydel Lindal skal gjøre for å forebygge rusproblemer og gi "
          "bedre hjelp til innbyggere med rusproblemer og deres pårørende. Den følger opp Byrådets "
          "strategiske plan for rusfeltet i Oslo (2018) og bydelens strategiske plan, og den er et "
          "arbeidsdokument for tjenestene."),
    ("p", "Planen er laget av en tverrfaglig arbeidsgruppe ledet av folkehelsekoordinator. "
          "Brukerrådet og ungdomsrådet har deltatt i to verksteder, og Lindal frivilligsentral og "
          "LMS har gitt skriftlige innspill."),

    ("h1", "Bakgrunn"),
    ("h2", "Lindal i tall"),
    ("p", "Bydelen har 28 400 innbyggere, hvorav 5 900 er under 18 år. Ifølge Ung i Oslo 2023 har "
          "8 prosent av elevene på videregående brukt cannabis siste år, og 38 prosent har vært "
          "tydelig beruset. BrukerPlan 2023 viser 198 personer med rusproblemer som mottar "
          "tjenester fra bydelen; 22 av dem er under 25 år. To innbyggere døde av overdose i 2023."),
    ("h2", "Dette har vi i dag"),
    ("p", "Bydelen har en ungdomskontakt i Oppvekst, et rusteam med seks ansatte og Lindal "
          "aktivitetssenter, som er åpent tre dager i uka. Koordinerende enhet har ansvar for "
          "individuell plan. Frisklivssentralen har i dag ingen egne tilbud for personer med "
          "rusproblemer."),
    ("h2", "Utfordringer"),
    ("p", "Pårørende forteller at de ikke vet hvor de kan henvende seg. Unge som står uten bolig, "
          "blir plassert på hospits med etablerte rusmiljøer. Ansatte i rusteamet bruker mye tid "
          "på kartlegging og vedtak, og brukerne etterlyser mer tid sammen med dem som hjelper."),

    ("h1", "Handlingsplan"),
    ("p", "Handlingsplanen er ordnet etter de tre strategiene i byrådets plan. For hvert mål viser "
          "tabellen tiltakene, hvem som har ansvaret og fristen. Tiltak som ikke står i en tabell, "
          "er omtalt i teksten mellom tabellene."),

    ("h2", "Forebygging"),
    ("table", {
        "mal": "Unge som vi er bekymret for, blir fulgt opp",
        "tiltak": [
            "Lage en skriftlig rutine for hvordan skolehelsetjenesten følger opp bekymring om rus "
            "hos elever.",
            "Sammen med skolene gi elever som bortvises på grunn av rus, et alternativt dagtilbud "
            "med oppfølging fra ungdomskontakten.",
        ],
        "ansvar": "Helsestasjon og skolehelsetjeneste; Oppvekst",
        "frist": "Juni 2025",
    }),
    ("p", "Fritidsklubbene er viktige for mange unge i Lindal, og ungdomsrådet ønsker at de skal "
          "være åpne oftere. I tillegg vil bydelen holde Lindal fritidsklubb åpen også fredager, "
          "som et lavterskel møtested for ungdom."),
    ("table", {
        "mal": "Utsatte unge møter voksne som arbeider oppsøkende og kjenner dem",
        "tiltak": [
            "Delta i Ute-seksjonens arbeid med en felles faglig standard og kvalitetssikring av "
            "oppsøkende arbeid.",
            "Gi alle ansatte i fritidsklubbene kurs i å ta den vanskelige samtalen om rus.",
        ],
        "ansvar": "Ungdom og fritid",
        "frist": "2026",
    }),
    ("table", {
        "mal": "Innbyggerne finner lett fram til hjelp",
        "tiltak": [
            "Oppdatere bydelens sider på oslo.kommune.no med en oversikt over hvem man kan "
            "kontakte om rus, og hvilke tilbud som finnes.",
        ],
        "ansvar": "Kommunikasjon; rusteamet",
        "frist": "Mars 2025",
    }),

    ("h2", "Tidlig innsats"),
    ("p", "Mange pårørende tar kontakt først når situasjonen har blitt svært vanskelig. Bydelen vil "
          "derfor gjøre det lettere for pårørende å få hjelp tidlig."),
    ("table", {
        "mal": "Pårørende får støtte",
        "tiltak": [
            "Tilby alle pårørende som tar kontakt, en samtale med rusteamet innen to uker.",
            "Spørre pårørende, også barn som pårørende, hva som vil avlaste og støtte dem, og "
            "skrive svaret inn i planen.",
            "Starte en pårørendekafé på Lindal bibliotek annenhver tirsdag, uten påmelding.",
        ],
        "ansvar": "Rusteamet, i samarbeid med biblioteket",
        "frist": "Høsten 2025",
    }),
    ("table", {
        "mal": "Samarbeidet med pårørende er avklart fra start",
        "tiltak": [
            "Be om samtykkeerklæring til samarbeid med pårørende i den første samtalen med alle "
            "nye brukere.",
        ],
        "ansvar": "Rusteamet",
        "frist": "2025",
    }),
    ("p", "Ansatte i rusteamet bruker i dag mye tid på kartlegging og skriving av vedtak. I tillegg "
          "vil bydelen forenkle vedtaksrutinene slik at de ansatte får mer tid i direkte kontakt "
          "med brukerne."),
    ("table", {
        "mal": "Unge får hjelp tidlig",
        "tiltak": [
            "Tilby hasjavvenningsprogrammet HAP ved ungdomskontakten for unge mellom 15 og 25 år.",
            "Inngå en avtale med politiet om at unge som tas for bruk av narkotika, får tilbud om "
            "samtale med ungdomskontakten innen en uke.",
            "Følge opp unge som gjennomfører ungdomsstraff, i samarbeid med Konfliktrådet.",
        ],
        "ansvar": "Ungdomskontakten",
        "frist": "Løpende",
    }),
    ("table", {
        "mal": "Unge uten bolig havner ikke på hospits",
        "tiltak": [
            "Disponere to korttidsleiligheter for unge under 25 år med rusproblemer som står uten "
            "bolig, med tett oppfølging fra ungdomskontakten.",
        ],
        "ansvar": "Boligkontoret; ungdomskontakten",
        "frist": "2026",
    }),

    ("h2", "Livskvalitet"),
    ("p", "Brukerne i Lindal har ofte dårlig fysisk helse, og mange spiser lite og uregelmessig. "
          "Flere har ikke vært hos tannlege på mange år."),
    ("table", {
        "mal": "Bedre fysisk helse",
        "tiltak": [
            "Etablere et frisklivstilbud for personer med rusproblemer med trening, "
            "kostholdsveiledning og hjelp til røykeslutt.",
            "Servere frokost hver dag på aktivitetssenteret og hjelpe brukerne å få time hos Den "
            "offentlige tannhelsetjenesten.",
        ],
        "ansvar": "Frisklivssentralen; Lindal aktivitetssenter",
        "frist": "2025",
    }),
    ("table", {
        "mal": "Færre overdosedødsfall",
        "tiltak": [
            "Gjennomgå hvert overdosedødsfall i bydelen i et tverrfaglig møte, og dele "
            "læringspunktene med alle enheter.",
        ],
        "ansvar": "Rusteamet",
        "frist": "Løpende",
    }),
    ("table", {
        "mal": "Flere har noen å dele erfaringer med",
        "tiltak": [
            "Knytte to likepersoner til aktivitetssenteret, slik at brukerne får støtte fra noen "
            "med egen erfaring.",
            "Utnevne en koordinator for alle brukere som har individuell plan.",
        ],
        "ansvar": "Lindal aktivitetssenter; Koordinerende enhet",
        "frist": "2026",
    }),
    ("p", "NAV Lindal har mange unge brukere som verken er i skole eller arbeid. I tillegg vil "
          "bydelen tilby arbeidstrening i bydelens parkavdeling for unge som står uten skoleplass."),
    ("table", {
        "mal": "Samordnet hjelp til dem med sammensatte problemer",
        "tiltak": [
            "Sammen med nabobydelene utrede et felles samhandlingshus for personer med rus-, "
            "psykisk helse- og voldsproblemer.",
        ],
        "ansvar": "Bydelsdirektøren",
        "frist": "2026",
    }),
    ("p", "For å planlegge tjenestene bedre vil bydelen kartlegge alle brukere med BrukerPlan hvert "
          "år og bruke resultatene i budsjettarbeidet."),

    ("h1", "Oppfølging"),
    ("p", "Rusfaglig forum følger opp planen og rapporterer til bydelsutvalget hvert år. Planen "
          "rulleres i 2027."),
]




def build_lindal(out: Path) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)

    for kind, val in LINDAL_BLOCKS:
        if kind == "title":
            doc.add_heading(val, level=0)
        elif kind == "meta":
            doc.add_paragraph(val).runs[0].italic = True
        elif kind == "h1":
            doc.add_heading(val, level=1)
        elif kind == "h2":
            doc.add_heading(val, level=2)
        elif kind == "p":
            doc.add_paragraph(val)
        elif kind == "table":
            table = doc.add_table(rows=4, cols=2)
            table.style = "Table Grid"
            rows = [("Mål", [val["mal"]]), ("Tiltak", val["tiltak"]),
                    ("Ansvar", [val["ansvar"]]), ("Frist", [val["frist"]])]
            for r, (label, values) in zip(table.rows, rows):
                key, cell = r.cells
                key.text = ""
                key.paragraphs[0].add_run(label).bold = True
                if label == "Tiltak" and len(values) > 1:
                    cell.text = ""
                    first = True
                    for v in values:
                        p = cell.paragraphs[0] if first else cell.add_paragraph()
                        p.style = doc.styles["List Bullet"]
                        p.add_run(v)
                        first = False
                else:
                    cell.text = values[0]
                key.width = Cm(3.0)
                cell.width = Cm(13.0)
            doc.add_paragraph()

    save_docx(doc, out, "Bydel Lindal – Handlingsplan for rusfeltet 2025–2027", "Bydel Lindal", FIXED_DATE, ZIP_DATE)


def main() -> None:
    build_tveita(HERE / "tveita.pdf")
    build_lindal(HERE / "lindal.docx")
    print("wrote", HERE / "tveita.pdf")
    print("wrote", HERE / "lindal.docx")


if __name__ == "__main__":
    main()
