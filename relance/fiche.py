"""The fiche territoire: a note of a few A4 pages, as a PDF and as an editable Word file written from one
content, and a ZIP of its charts (PNG, SVG) with their data.

`contenu` says what the fiche holds, as a list of blocks (titles, paragraphs, tables, images, a side-by-side
pair); `pdf` (reportlab) and `docx` (python-docx) lay the same blocks out. Numbers arrive formatted by the
views (French formats), so both files read the same.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from relance import charts, export, fmt, tables
from relance.filtres import PHASES
from relance.lectures import MULTIPLE_MIN
from relance.metriques import METHOD_ESTIMATE, METHOD_RATE, METRIQUES

PROJECTS_LISTED = 8  # projects listed in the fiche; the ZIP and the Projets page hold them all
FRICHES_LISTED = 5
MAX_PAGES = 4
MEMBERS_LISTED = 12  # the most populous first (query territoire_membres)
CELL_CHARACTERS = 60  # longer names and descriptions are cut in the fiche (whole in the ZIP)
TEXT_WIDTH_CM = 17.0  # A4 portrait with 2 cm margins
CHART_WIDTH_CM = 16.0  # charts are drawn for 16 cm (export.WIDTH): their smallest text prints at 7 pt
LOCATOR_PX = (460, 400)
BLUE = "#deebf7"
GREY = "#595959"  # 7:1 on white


# --- Content ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Titre:
    texte: str
    niveau: int = 2


@dataclass(frozen=True)
class Texte:
    texte: str
    style: str = "corps"  # corps, chapeau (under the title), note (small grey: method, source)


@dataclass(frozen=True)
class Tableau:
    data: pd.DataFrame  # formatted strings
    largeurs: list[float]  # relative column widths
    droite: tuple[str, ...] = ()  # columns of numbers, right-aligned
    legende: str = ""  # what the table is, said to screen readers and in the Word file's table title


@dataclass(frozen=True)
class Image:
    png: bytes
    largeur_cm: float
    alternative: str  # text alternative


@dataclass(frozen=True)
class Cote:
    """Two columns side by side (page 1: the territory's figures and its locator map)."""

    gauche: list
    droite: list
    parts: tuple[float, float] = (0.6, 0.4)


@dataclass(frozen=True)
class Contenu:
    titre: str
    pied: str  # footer before the page number
    blocs: list
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fiche:
    """The files of a fiche territoire."""

    pdf: bytes
    pdf_name: str
    docx: bytes
    docx_name: str
    zip: bytes
    zip_name: str
    pages: int


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _short(value) -> str:
    """A listed cell, cut at CELL_CHARACTERS."""
    text = _cell(value)
    return text if len(text) <= CELL_CHARACTERS else text[: CELL_CHARACTERS - 1].rstrip() + "…"


def _plain(text: str) -> str:
    """A source line as written on charts (`<br>` where it wraps) as plain text."""
    return text.replace("<br>", " ").replace("<b>", "").replace("</b>", "")


BLOC_TABLE = ["Indicateur", "Date", "Estimation pour le territoire", "Taux pour 10 000 habitants",
              "France, pour 10 000 habitants", "Rang du taux"]


def _bloc(bloc) -> list:
    """One reading of the priority: its title and role, its sentence, its figures and facts, what it leaves out."""
    out = [Titre(f"{bloc.titre} ({bloc.role})", 3), Texte(bloc.phrase)]
    if not bloc.lecture.principale:  # a reading beside the lead one: its sentence, the rest on the page
        return [*out, Texte(f"Ce que cette lecture laisse de côté : {bloc.lecture.laisse_de_cote}", "note")]
    out += [Texte(line) for line in bloc.lignes]
    if bloc.tableau is not None and len(bloc.tableau):
        out.append(Tableau(bloc.tableau[BLOC_TABLE], [2.2, 1.3, 1.4, 1.1, 1.1, 1.2],
                           droite=("Taux pour 10 000 habitants", "France, pour 10 000 habitants"),
                           legende=f"{bloc.titre} : valeurs départementales lues pour le territoire"))
    out.append(Texte(f"Ce que cette lecture laisse de côté : {bloc.lecture.laisse_de_cote}", "note"))
    return out


def contenu(profil, day: dt.date, court: int = 0, images: dict | None = None
            ) -> tuple[Contenu, dict[str, bytes]]:
    """What the fiche says, in order, and the files of its ZIP (charts as PNG/SVG with their data as CSV): each
    reading of the priority (the reading model), the lead first, with its real sources. `court`, for a territory
    whose full fiche runs past MAX_PAGES: 1, shorter lists and no peers; 2, the laureates' and the Fonds friches'
    lists left to the ZIP (a sentence says so); the members always listed (which member received what is what a
    note asks of the fiche); `images`: PNGs already drawn, by chart."""
    images = {} if images is None else images
    listed_projects, listed_friches, listed_members = {0: (PROJECTS_LISTED, FRICHES_LISTED, MEMBERS_LISTED),
                                                       1: (5, 3, MEMBERS_LISTED), 2: (0, 0, MEMBERS_LISTED)}[court]

    def png(chart) -> bytes:
        if chart.what not in images:
            images[chart.what] = chart.image("png")
        return images[chart.what]

    phase, ti, nom, info = profil.phase, profil.ti, profil.nom, profil.info
    relance = profil.laureats
    synthese = profil.synthese
    files: dict[str, bytes] = {}
    blocs: list = []
    sources: list[str] = []  # each source once, in order of appearance

    def source(text: str) -> None:
        for part in _plain(text).replace(" ; ", ";").split(";"):
            part = re.sub(r"^(Sources?|populations) : ", "", part.strip()).rstrip(".").strip()
            if part and part not in sources:
                sources.append(part)

    # Page 1: who, the lead reading's sentence, every reading of the priority, the territory next to its
    # départements, région and France, then where it is.
    blocs += [
        Titre(nom, 1),
        Texte(f"Territoire d'industrie, {PHASES[phase].lower()} · Région {info['region_nom']} · "
              f"{'Départements' if ',' in info['departements_noms'] else 'Département'} : "
              f"{info['departements_noms']} · identifiant {ti} · {profil.priorite_libelle}", "chapeau"),
        Titre(f"France Relance dans le territoire : {profil.priorite_libelle.lower()}"),
    ]
    for bloc in synthese.blocs:
        blocs += _bloc(bloc)
        source(bloc.source)
    if synthese.somme:
        blocs.append(Texte(synthese.somme, "note"))
    echelles = profil.echelles
    if len(echelles.tableau):
        numbers = tuple(c for c in echelles.tableau.columns if c != "Échelle")
        blocs += [
            Titre("Le territoire, ses départements, sa région et la France"),
            Texte(echelles.phrase),
            Tableau(echelles.tableau, [2.6] + [1.0] * len(numbers), droite=numbers,
                    legende=f"Lauréats France Relance : {nom}, ses départements, sa région et la France"),
            Texte(echelles.note, "note"),
        ]
    facts = {
        "Intercommunalités": fmt.nombre(info["nb_intercommunalites"]),
        "Communes": fmt.nombre(info["nb_communes"]),
        "Membres": fmt.nombre(info["nb_membres"]),
        "Part de l'industrie dans l'emploi": profil.industrie_rang,
    }
    locator = export.figure_bytes(profil.locator, "png", width=LOCATOR_PX[0], height=LOCATOR_PX[1])
    files[export.file_name("localisation", "png", phase, ti, day)] = locator
    blocs.append(Cote(
        [Titre("Le territoire", 3),
         Tableau(pd.DataFrame({"Rubrique": list(facts), "Valeur": list(facts.values())}), [1.2, 1.6],
                 legende=f"Le territoire {nom} en chiffres")],
        [Image(locator, 6.6, f"Carte de France situant {nom} (en rouge)"),
         Texte(f"{nom} en rouge ; départements en gris.", "note")],
    ))
    source(profil.source)
    files[export.file_name("chiffres-cles", "csv", phase, ti, day)] = export.csv_bytes(
        pd.concat([echelles.tableau.rename(columns={"Échelle": "Rubrique"}),
                   pd.DataFrame({"Rubrique": list(facts), "Population": list(facts.values())})]))

    # The first chart of the priority's readings (the measure composition, or the lead indicator's series), and the
    # lead Baromètre series when it is not that one: never a chart of a source the priority does not read.
    charts_done = []
    ordered = profil.graphiques
    wanted = ordered[:1]
    lead_series = any(r.source == "barometre" and r.principale for r in profil.lectures)
    if lead_series and profil.serie is not None and profil.serie not in wanted:
        wanted.append(profil.serie)
    for chart in wanted:
        blocs.append(Image(png(chart), CHART_WIDTH_CM, f"{chart.title}. Données : fichier CSV du ZIP."))
        if chart is profil.serie:
            blocs.append(Texte(profil.serie_note, "note"))
        charts_done.append(chart)
        source(chart.source)
    listed = relance.projets.data
    if len(listed) and not listed_projects:
        blocs.append(Texte(f"Lauréats du territoire : {fmt.compte(len(listed), 'lauréat')}, listé"
                           f"{'s' if len(listed) > 1 else ''} dans le ZIP de la fiche "
                           f"({export.file_name('laureats', 'csv', phase, ti, day)}) et sur la page Projets.",
                           "note"))
        source(relance.projets.source)
    elif len(listed):
        shown = listed.iloc[:listed_projects]
        columns = ["Entreprise", "Projet", "Mesure", "Sites (communes)", "Lignes de la liste"]
        more = (f" (les {len(shown)} premiers ; la liste complète est dans le ZIP et sur la page Projets)"
                if len(listed) > len(shown) else "")
        blocs += [Titre(f"Lauréats du territoire : {fmt.compte(len(listed), 'lauréat')}{more}", 3),
                  Tableau(shown[columns].map(_short), [1.5, 2.7, 2.0, 1.4, 0.7], droite=("Lignes de la liste",),
                          legende=f"Lauréats France Relance de {nom}"),
                  Texte("Un lauréat par ligne : les lignes de la liste DGE d'une même entreprise au même projet (ses "
                        "sites) sont un lauréat ; la liste DGE ne donne que la date de mise à jour de chaque ligne, "
                        "pas celle de l'attribution.", "note")]
        source(relance.projets.source)
    files[export.file_name("laureats", "csv", phase, ti, day)] = relance.projets.csv()
    friches = relance.friches.data
    if len(friches) and "friches" in {r.source for r in profil.lectures}:
        plural = "s" if len(friches) > 1 else ""
        if not listed_friches:
            blocs.append(Texte(f"Fonds friches (France Relance) : {fmt.compte(len(friches), 'candidature')} située"
                               f"{plural} dans le territoire, listée{plural} dans le ZIP de la fiche "
                               f"({export.file_name('fonds-friches', 'csv', phase, ti, day)}).", "note"))
        else:
            shown = friches.iloc[:listed_friches]
            more = f" (les {len(shown)} premières ; toutes dans le ZIP)" if len(friches) > len(shown) else ""
            table = shown.assign(**{"Friche (ha)": shown["Friche (ha)"].map(lambda v: fmt.nombre(v, 2))})
            blocs += [Titre(f"Fonds friches (France Relance) : {fmt.compte(len(friches), 'candidature')} située"
                            f"{plural} dans le territoire{more}", 3),
                      Tableau(table[["Site", "Commune", "Édition", "Lauréate", "Friche (ha)", "Porteur"]].map(_short),
                              [2.4, 1.2, 1.6, 0.8, 0.8, 1.6], droite=("Friche (ha)",),
                              legende=f"Candidatures France Relance au Fonds friches situées dans {nom}")]
        source(relance.friches.source)
        files[export.file_name("fonds-friches", "csv", phase, ti, day)] = relance.friches.csv()
        if len(relance.fonds_vert.data):
            files[export.file_name("fonds-vert", "csv", phase, ti, day)] = relance.fonds_vert.csv()

    # Members (with their laureates) and the closest territories.
    members = profil.membres
    more = f" (les {listed_members} plus peuplés ; tous dans le ZIP)" if len(members) > listed_members else ""
    files[export.file_name("membres", "csv", phase, ti, day)] = export.csv_bytes(profil.membres_export)
    # one table: each member, its population and its laureates (a note can say which received what)
    by_member = profil.par_membre
    shown = tables.french(by_member.table.data.drop(columns=["SIREN", "Type"]))  # both in the ZIP
    shown = shown.rename(columns={"Pour 10 000 habitants": "Pour 10 000 hab."})
    widths = [2.8, 1.0, 0.8, 0.9] + [1.1] * (len(shown.columns) - 4)
    blocs += [Titre(f"Membres et leurs lauréats : {fmt.compte(len(members), 'membre')}{more}"),
              Texte(by_member.phrase),
              Tableau(shown.iloc[:listed_members].map(_short), widths, droite=tuple(shown.columns[1:]),
                      legende=f"Membres de {nom} et leurs lauréats"),
              Texte(f"Méthode : {by_member.table.method}", "note")]
    files[export.file_name(by_member.table.what, "csv", phase, ti, day)] = by_member.table.csv()
    carte = by_member.carte
    if carte is not None:  # which member received what, on a map of the members (the drawing, its note under it)
        if "carte-membres-seule" not in images:  # drawn once, however many times the fiche is laid out
            images["carte-membres-seule"] = export.figure_bytes(by_member.carte_seule, "png",
                                                                height=int(by_member.carte_seule.layout.height))
        drawing = images["carte-membres-seule"]
        blocs += [Image(drawing, CHART_WIDTH_CM, f"{carte.title} : {charts.MEMBERS_MAP_WHAT}. Données : fichier "
                                                 "CSV du ZIP."),
                  Texte(by_member.carte_note, "note")]
        files[export.file_name(carte.what, "png", phase, ti, day)] = png(carte)
        source(carte.source)
    if len(profil.pairs) and not court:
        blocs += [Titre("Territoires comparables (population et part de l'industrie proches)", 3),
                  Tableau(profil.pairs, [2.8, 1.0, 1.1, 1.1], droite=("Population", "Part de l'industrie"),
                          legende=f"Territoires proches de {nom}")]

    for chart in charts_done:
        files[export.file_name(chart.what, "svg", phase, ti, day)] = chart.image("svg")
        files[export.file_name(chart.what, "csv", phase, ti, day)] = chart.csv()
    for chart in charts_done:
        files[export.file_name(chart.what, "png", phase, ti, day)] = next(
            b.png for b in blocs if isinstance(b, Image) and b.alternative.startswith(chart.title))
    sources = [s for s in sources if not any(o != s and o.startswith(s) for o in sources)]
    staff = [b for b in synthese.blocs if b.lecture.source == "equipe"]
    methods = [f"Part de l'industrie : {METRIQUES['part_industrie'].methode[0].lower()}"
               f"{METRIQUES['part_industrie'].methode[1:]}", METHOD_RATE, METHOD_ESTIMATE, LAUREATES,
               RANKS, "Listes de l'équipe : " + (staff[0].phrase if staff else "aucune liste de l'équipe chargée.")]
    blocs += [Titre("Sources et méthodes", 3), Texte("Sources : " + " ; ".join(sources) + ".", "note"),
              *[Texte(m, "note") for m in methods],
              Texte(f"Fiche établie le {fmt.date_longue(day)} avec Relance & Territoires · "
                    f"filtres : {profil.filtres_texte}.", "note")]
    return Contenu(f"Fiche territoire : {nom}", f"{nom} · fiche établie le {fmt.date_longue(day)}", blocs,
                   sources), files


LAUREATES = ("Lauréats : un lauréat est compté une fois ; dans un territoire, les lignes de la liste DGE d'une même "
             "entreprise au même descriptif de projet sont un lauréat, les partenaires d'un consortium restent "
             "distincts. Rangs, rapports et comparaisons ne comptent que les listes qui couvrent toute la France "
             "(liste DGE, Fonds friches), jamais les listes de l'équipe. Tonnes de CO2 : évitées par an, comme le "
             "disent les descriptifs qui les donnent.")
RANKS = (f"Rangs : par le taux pour 10 000 habitants, montrés seulement quand le territoire ne partage pas sa valeur "
         f"avec plus d'un quart des territoires de la phase ; rapports (« n fois ») seulement quand les deux nombres "
         f"comparés sont d'au moins {MULTIPLE_MIN} lauréats ; classes (quarts) calculées sur les territoires qui "
         "comptent au moins un lauréat.")


def build(profil, day: dt.date | None = None) -> Fiche:
    """The PDF, the Word file and the ZIP (which holds both, the charts and their data) of a territory's profile
    (`views.territoire.profil`, built with its map layers inline)."""
    day = day or dt.date.today()
    images: dict[str, bytes] = {}
    try:
        content, files = contenu(profil, day, images=images)
        pdf_file, pages = pdf(content)
        for court in (1, 2):  # a note, not a report: shorter lists, no peers, then the lists left to the ZIP
            if pages <= MAX_PAGES:
                break
            content, files = contenu(profil, day, court=court, images=images)
            pdf_file, pages = pdf(content)
        docx_file = docx(content)
    except Exception as exc:  # reportlab and python-docx raise many types; the user gets one French message
        raise export.ExportError(f"la mise en page de la fiche a échoué ({type(exc).__name__})") from exc
    names = {ext: export.file_name("fiche-territoire", ext, profil.phase, profil.ti, day) for ext in ("pdf", "docx",
                                                                                                   "zip")}
    files = {names["pdf"]: pdf_file, names["docx"]: docx_file, **files}
    return Fiche(pdf=pdf_file, pdf_name=names["pdf"], docx=docx_file, docx_name=names["docx"],
                 zip=export.zip_bytes(files), zip_name=names["zip"], pages=pages)


# --- PDF (reportlab) ----------------------------------------------------------------------------------------

FONT_FILES = {  # DejaVu (Debian's fonts-dejavu-core, beside Chromium) or the Vera fonts reportlab ships
    "regular": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Vera.ttf"),
    "bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "VeraBd.ttf"),
}


def _fonts() -> tuple[str, str]:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = []
    for weight, (system, bundled) in FONT_FILES.items():
        name = f"Fiche-{weight}"
        if name not in pdfmetrics.getRegisteredFontNames():
            path = system if Path(system).exists() else next(
                str(Path(d) / bundled) for d in rl_config.TTFSearchPath if (Path(d) / bundled).exists())
            pdfmetrics.registerFont(TTFont(name, path))
        names.append(name)
    return names[0], names[1]


def _styles():
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _fonts()
    base = ParagraphStyle("corps", fontName=regular, fontSize=10, leading=13.5, spaceAfter=5)
    return {
        "corps": base,
        "chapeau": ParagraphStyle("chapeau", parent=base, textColor=HexColor(GREY), fontSize=9.5, spaceAfter=8),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10.5, textColor=HexColor(GREY)),
        1: ParagraphStyle("h1", parent=base, fontName=bold, fontSize=18, leading=22, spaceAfter=4),
        2: ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=10,
                          spaceAfter=5, textColor=HexColor("#08306b")),
        3: ParagraphStyle("h3", parent=base, fontName=bold, fontSize=10.5, leading=13.5, spaceBefore=8,
                          spaceAfter=4),
        "cellule": ParagraphStyle("cellule", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "nombre": ParagraphStyle("nombre", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=2),
        "entete": ParagraphStyle("entete", parent=base, fontName=bold, fontSize=8.5, leading=10.5, spaceAfter=0),
        "entete_nombre": ParagraphStyle("entete_nombre", parent=base, fontName=bold, fontSize=8.5, leading=10.5,
                                        spaceAfter=0, alignment=2),
    }


def _flowables(blocs: list, width: float, styles, keep: bool = True) -> list:
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Table, TableStyle
    from reportlab.platypus import Image as PdfImage

    out = []
    pending: list = []  # a title and the notes under it stay with the start of what follows them
    for bloc in blocs:
        if isinstance(bloc, Titre):
            item = Paragraph(escape(bloc.texte), styles[bloc.niveau])
            if bloc.niveau > 1 and keep:
                # a title and its texts with no table or image after them stay together, before this new title
                if pending:
                    out.append(KeepTogether(pending) if len(pending) > 1 else pending[0])
                pending = [item]
                continue
        elif isinstance(bloc, Texte):
            item = Paragraph(escape(bloc.texte), styles[bloc.style])
            if pending:
                pending.append(item)
                continue
        elif isinstance(bloc, Tableau):
            item = _pdf_table(bloc, width, styles)
        elif isinstance(bloc, Image):
            from PIL import Image as Pil

            with Pil.open(io.BytesIO(bloc.png)) as picture:
                ratio = picture.height / picture.width
            shown = min(bloc.largeur_cm * cm, width)
            item = PdfImage(io.BytesIO(bloc.png), width=shown, height=shown * ratio)
            item.hAlign = "LEFT"
        elif isinstance(bloc, Cote):
            left_w, right_w = (width * p - 0.3 * cm for p in bloc.parts)
            item = Table([[_flowables(bloc.gauche, left_w, styles, keep=False),
                           _flowables(bloc.droite, right_w, styles, keep=False)]],
                         colWidths=[width * p for p in bloc.parts], hAlign="LEFT")
            item.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        else:
            raise TypeError(f"bloc inconnu : {bloc!r}")
        if pending:
            if isinstance(bloc, Tableau) and len(bloc.data) > 6:
                # A long table may split: its title only needs room for the header and a few rows.
                out += [CondPageBreak(4 * cm + sum(p.wrap(width, 1000)[1] for p in pending)), *pending]
            else:
                item = KeepTogether([*pending, item])
            pending = []
        out.append(item)
    return out + pending


def _pdf_table(bloc: Tableau, width: float, styles):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, Table, TableStyle

    header = [Paragraph(escape(str(c)), styles["entete_nombre" if c in bloc.droite else "entete"])
              for c in bloc.data.columns]
    rows = [[Paragraph(escape(_cell(v)), styles["nombre" if c in bloc.droite else "cellule"])
             for c, v in zip(bloc.data.columns, row, strict=True)] for row in bloc.data.itertuples(index=False)]
    total = sum(bloc.largeurs)
    table = Table([header, *rows], colWidths=[width * w / total for w in bloc.largeurs], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(BLUE)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor("#bdbdbd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    table.spaceAfter = 4
    return table


def _height(flowable, width: float, canvas) -> float:
    from reportlab.platypus import KeepTogether

    if isinstance(flowable, KeepTogether):
        return sum(_height(f, width, canvas) for f in flowable._content)
    return flowable.wrapOn(canvas, width, 10**6)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _fill_first_page(flowables: list, width: float, height: float) -> list:
    """When a chart does not fit at the bottom of page 1 and would leave a quarter of it empty, the next long
    table (which can split across pages) comes first and fills that space; the chart follows it."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import CondPageBreak, KeepTogether, Table
    from reportlab.platypus import Image as PdfImage

    canvas = Canvas(io.BytesIO())
    used = 0.0
    for i, flowable in enumerate(flowables):
        needed = _height(flowable, width, canvas)
        if used + needed <= height:
            used += needed
            continue
        if isinstance(flowable, KeepTogether | PdfImage) and height - used > height / 4:
            start = next((j for j in range(i + 1, len(flowables)) if isinstance(flowables[j], CondPageBreak)), None)
            if start is not None:
                end = next((j for j in range(start, len(flowables)) if isinstance(flowables[j], Table)), None)
                if end is not None:
                    group = flowables[start:end + 1]
                    return [*flowables[:i], *group, *flowables[i:start], *flowables[end + 1:]]
        break
    return flowables


def pdf(content: Contenu) -> tuple[bytes, int]:
    """The fiche as an A4 PDF with a footer (title, date, page n sur N); and its number of pages."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    styles = _styles()
    regular = styles["note"].fontName
    counted: list[int] = []

    class NumberedCanvas(Canvas):
        """Draws each page's footer once the number of pages is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            counted.append(total)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(regular, 8)
                self.setFillColor(HexColor(GREY))
                self.drawString(2 * cm, 1.2 * cm, content.pied)
                self.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"page {self._pageNumber} sur {total}")
                super().showPage()
            super().save()

    buffer = io.BytesIO()
    width, height = A4[0] - 4 * cm, A4[1] - 3.6 * cm
    flowables = _fill_first_page(_flowables(content.blocs, width, styles), width, height)
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.6 * cm,
                                 bottomMargin=2 * cm, title=content.titre, author="Relance & Territoires",
                                 subject="Fiche territoire", lang="fr-FR")
    document.build(flowables, canvasmaker=NumberedCanvas)
    return buffer.getvalue(), counted[-1]


# --- Word (python-docx) -------------------------------------------------------------------------------------


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _repeat_header(row) -> None:
    """A table's first row repeats at the top of each page it runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _shade(cell, color: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def _docx_blocks(container, blocs: list, width_cm: float) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    for bloc in blocs:
        if isinstance(bloc, Titre):
            container.add_paragraph(bloc.texte, style="Title" if bloc.niveau == 1 else f"Heading {bloc.niveau - 1}")
        elif isinstance(bloc, Texte):
            paragraph = container.add_paragraph(bloc.texte)
            if bloc.style != "corps":
                for run in paragraph.runs:
                    run.font.size = Pt(8 if bloc.style == "note" else 9.5)
                    run.font.color.rgb = RGBColor.from_string(GREY.lstrip("#"))
        elif isinstance(bloc, Tableau):
            data = bloc.data
            table = container.add_table(rows=1 + len(data), cols=len(data.columns))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            table.autofit = False
            total = sum(bloc.largeurs)
            _repeat_header(table.rows[0])
            for j, column in enumerate(data.columns):
                table.columns[j].width = Cm(width_cm * bloc.largeurs[j] / total)  # the grid, read by LibreOffice
                values = [column, *[_cell(v) for v in data[column]]]
                for i, value in enumerate(values):
                    cell = table.cell(i, j)
                    cell.width = Cm(width_cm * bloc.largeurs[j] / total)
                    paragraph = cell.paragraphs[0]
                    run = paragraph.add_run(value)
                    run.font.size = Pt(8.5)
                    run.bold = i == 0
                    if column in bloc.droite:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    if i == 0:
                        _shade(cell, BLUE)
            if bloc.legende:
                from docx.oxml import OxmlElement
                from docx.oxml.ns import qn

                caption = OxmlElement("w:tblCaption")
                caption.set(qn("w:val"), bloc.legende[:250])
                table._tbl.tblPr.append(caption)
            container.add_paragraph()
        elif isinstance(bloc, Image):
            container.add_paragraph().add_run().add_picture(io.BytesIO(bloc.png), width=Cm(min(bloc.largeur_cm,
                                                                                             width_cm)))
            picture = container.paragraphs[-1]._p.xpath(".//wp:docPr")
            if picture:
                picture[0].set("descr", bloc.alternative)
        elif isinstance(bloc, Cote):
            table = container.add_table(rows=1, cols=2)
            table.autofit = False
            for j, (cell, part, inner) in enumerate(zip(table.rows[0].cells, bloc.parts, (bloc.gauche, bloc.droite),
                                                        strict=True)):
                table.columns[j].width = cell.width = Cm(width_cm * part)
                _docx_blocks(cell, inner, width_cm * part - 0.4)
                first = cell.paragraphs[0]
                if not first.text and not first.runs:
                    first._p.getparent().remove(first._p)
        else:
            raise TypeError(f"bloc inconnu : {bloc!r}")


def docx(content: Contenu) -> bytes:
    """The fiche as an editable Word file: headings, real tables, charts as images, footer with page numbers."""
    from docx import Document
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(language)
    properties = document.core_properties
    properties.title, properties.author, properties.language = content.titre, "Relance & Territoires", "fr-FR"
    properties.subject = "Fiche territoire"
    _docx_blocks(document, content.blocs, TEXT_WIDTH_CM)
    document.styles["Footer"].font.size = Pt(8)  # the page fields take the paragraph's style
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{content.pied}\tpage ")
    _field(footer, "PAGE")
    footer.add_run(" sur ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
