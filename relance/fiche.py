"""The fiche territoire: a few-page PDF for a note, and a ZIP of its charts (PNG, SVG) with their data."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from relance import charts, export, fmt
from relance.filtres import PHASES

PAGE = (1123, 794)  # A4 landscape at 96 dpi
MEMBERS_PER_PAGE = 18
LIST_PER_PAGE = 12
LIST_PAGES = 2  # pages of projects at most; the ZIP holds them all


def _short(value, limit: int = 75) -> str:
    """A cell of a listed table: empty when missing, cut at `limit` characters, markup shown as text."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = fmt.escape_html(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Fiche:
    """The two files of a fiche territoire."""

    pdf: bytes
    pdf_name: str
    zip: bytes
    zip_name: str
    pages: int


def _table(header: list[str], columns: list[list], widths: list[float] | None = None,
           domain: dict | None = None) -> go.Table:
    return go.Table(
        header={"values": [f"<b>{h}</b>" for h in header], "fill_color": "#deebf7", "align": "left",
                "font": {"size": 12, "color": "#111"}, "line_color": "#999"},
        cells={"values": columns, "align": "left", "font": {"size": 11, "color": "#222"}, "height": 24,
               "line_color": "#ccc", "fill_color": "white"},
        columnwidth=widths, domain=domain or {"x": [0, 1], "y": [0, 1]},
    )


def _page(fig: go.Figure, title: str, subtitle: str, source: str) -> go.Figure:
    charts._layout(fig, title, subtitle, source, height=PAGE[1], width=95, left=40, right=40, bottom=90)
    return charts.fit_size(fig, PAGE[0], PAGE[1])


def build(profil, day: dt.date | None = None) -> Fiche:
    """The PDF (cover with locator map and key figures, indicator chart, indicator table, members) and the ZIP
    of the same charts as PNG/SVG with their data as CSV, from a territory's profile (`views.territoire.profil`,
    built with its map layers inline)."""
    day = day or dt.date.today()
    phase, ti, nom, info = profil.phase, profil.ti, profil.nom, profil.info
    pages: list[go.Figure] = []
    files: dict[str, bytes] = {}

    # 1. Cover: the sentence and France Relance figures first, then identity, and the locator map.
    relance = profil.laureats
    key_rows = [
        *relance.chiffres.principaux.items(),
        ("Fonds friches", relance.chiffres.friches.split(" : ", 1)[-1]),
        *([("Aide déclarée (listes de l'équipe)", relance.chiffres.aides.split(" : ", 1)[-1])]
          if relance.chiffres.aides else []),
        *([("Décarbonation (liste DGE)", relance.chiffres.co2.split(" : ", 1)[-1])] if relance.chiffres.co2 else []),
        ("Identifiant", ti),
        ("Phase", PHASES[phase]),
        ("Région", info["region_nom"]),
        ("Départements", info["departements_noms"]),
        *profil.chiffres.items(),
        ("Membres", fmt.nombre(info["nb_membres"])),
        ("Part de l'industrie dans l'emploi", profil.industrie_rang),
    ]
    locator = profil.locator
    cover = go.Figure([_table(["Chiffres clés", ""], [[k for k, _ in key_rows], [v for _, v in key_rows]],
                              widths=[0.42, 0.58], domain={"x": [0, 0.58], "y": [0, 0.86]}), *locator.data])
    cover.update_geos(locator.layout.geo)
    cover.update_geos(domain={"x": [0.62, 1], "y": [0.05, 0.86]})
    cover.add_annotation(text=charts.wrap(relance.chiffres.phrase, 150), xref="paper", yref="paper", x=0, y=0.99,
                         xanchor="left", yanchor="top", showarrow=False, align="left", font={"size": 13})
    pages.append(_page(cover, f"Fiche territoire : {nom}", f"{profil.filtres_texte} · {fmt.date_longue(day)}",
                       f"{profil.source}<br>{relance.projets.source}"))
    files[export.file_name("chiffres-cles", "csv", phase, ti, day)] = export.csv_bytes(
        pd.DataFrame(key_rows, columns=["Rubrique", "Valeur"]))

    # 2. Projects by measure and priority, then the list of projects and of Fonds friches applications.
    exported: list[export.Chart] = []
    if relance.graphiques:
        pages.append(charts.fit_size(go.Figure(relance.graphiques[0].figure), PAGE[0], PAGE[1]))
        exported.append(relance.graphiques[0])
    listed = relance.projets.data
    shown = listed.iloc[:LIST_PER_PAGE * LIST_PAGES]
    for start in range(0, len(shown), LIST_PER_PAGE):
        chunk = shown.iloc[start:start + LIST_PER_PAGE]
        columns = ["Entreprise", "Projet", "Mesure", "Commune", "Année"]
        cells = [[_short(v) for v in chunk[c]] for c in columns]
        suffix = f" ({start // LIST_PER_PAGE + 1})" if len(shown) > LIST_PER_PAGE else ""
        more = (f" · les {len(shown)} premiers ; la liste complète est dans le ZIP (CSV)"
                if len(listed) > len(shown) else "")
        pages.append(_page(go.Figure([_table(columns, cells, widths=[1.4, 3, 2, 1.1, 0.5])]),
                           f"{nom} : projets France Relance{suffix}",
                           f"{len(listed)} projets{more} · {profil.filtres_texte}", relance.projets.source))
    files[export.file_name("projets", "csv", phase, ti, day)] = relance.projets.csv()
    friches = relance.friches.data
    if len(friches):
        chunk = friches.iloc[:LIST_PER_PAGE]
        columns = ["Site", "Commune", "Édition", "Lauréate"]
        more = f" (les {LIST_PER_PAGE} premières ; toutes dans le ZIP)" if len(friches) > LIST_PER_PAGE else ""
        pages.append(_page(go.Figure([_table(columns, [[_short(v) for v in chunk[c]] for c in columns],
                                             widths=[3, 1.2, 2, 0.7])]),
                           f"{nom} : candidatures au Fonds friches{more}",
                           f"{len(friches)} candidatures situées dans le territoire · {profil.filtres_texte}",
                           relance.friches.source))
        files[export.file_name("fonds-friches", "csv", phase, ti, day)] = relance.friches.csv()

    # 3. The Baromètre indicator over time (département values), against région and France.
    if profil.serie is not None:
        pages.append(charts.fit_size(go.Figure(profil.serie.figure), PAGE[0], PAGE[1]))
        exported.append(profil.serie)

    # 4. Every indicator of the priority: rate, estimate, rank; and the closest territories.
    ranks = profil.indicateurs
    if not ranks.empty:
        columns = ["Indicateur", "Date", "Taux pour 10 000 habitants", "Estimation pour le territoire",
                   "Rang du taux", "Valeurs des départements"]
        peers = profil.pairs
        table = go.Figure([
            _table(columns, [ranks[c].tolist() for c in columns], widths=[2.2, 1.1, 1, 1.3, 0.9, 2],
                   domain={"x": [0, 1], "y": [0.42, 1]}),
            _table(["Territoires comparables", *peers.columns[1:]], [peers[c].tolist() for c in peers.columns],
                   domain={"x": [0, 1], "y": [0, 0.36]}),
        ])
        pages.append(_page(table, f"{nom} : indicateurs France Relance",
                           f"{profil.priorite_libelle} · rang parmi les territoires de la {PHASES[phase].lower()} · "
                           "estimations : valeur départementale × part de la population", profil.source_relance))
        files[export.file_name("indicateurs", "csv", phase, ti, day)] = export.csv_bytes(ranks)

    # 5. Members (several pages when needed).
    members = profil.membres
    for start in range(0, len(members), MEMBERS_PER_PAGE):
        chunk = members.iloc[start:start + MEMBERS_PER_PAGE]
        page = go.Figure([_table(list(chunk.columns), [chunk[c].tolist() for c in chunk.columns],
                                 widths=[3, 1.2, 1, 1, 0.8])])
        suffix = f" ({start // MEMBERS_PER_PAGE + 1})" if len(members) > MEMBERS_PER_PAGE else ""
        pages.append(_page(page, f"{nom} : membres{suffix}", f"{len(members)} membres · {profil.filtres_texte}",
                           profil.source))
    files[export.file_name("membres", "csv", phase, ti, day)] = export.csv_bytes(profil.membres_export)

    pdf = _merge([export.figure_bytes(page, "pdf", width=PAGE[0], height=PAGE[1]) for page in pages])
    pdf_name = export.file_name("fiche-territoire", "pdf", phase, ti, day)
    files[pdf_name] = pdf
    files[export.file_name("localisation", "png", phase, ti, day)] = export.figure_bytes(pages[0], "png",
                                                                                        width=PAGE[0],
                                                                                        height=PAGE[1])
    for chart in exported:
        files[export.file_name(chart.what, "png", phase, ti, day)] = chart.image("png")
        files[export.file_name(chart.what, "svg", phase, ti, day)] = chart.image("svg")
        files[export.file_name(chart.what, "csv", phase, ti, day)] = chart.csv()
    return Fiche(pdf=pdf, pdf_name=pdf_name, zip=export.zip_bytes(files),
                 zip_name=export.file_name("fiche-territoire", "zip", phase, ti, day), pages=len(pages))


def _merge(documents: list[bytes]) -> bytes:
    """One PDF from several."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
