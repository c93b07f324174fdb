"""The Cerema's Fonds friches applications read for what they hold: edition, brownfield and site areas (hectares),
brownfield type and project owner type normalised through reviewed tables, the operating deficit the owner declared
and the twelve declared cost items (build side).

The file spells its categories many ways (« Collectivité locale » with and without a trailing space, a dash written
–, \\x96 or left out, tabs after « Friche commerciale »); each value is normalised once here, against
`reference/friches_natures.csv` and `reference/friches_porteurs.csv`. A value neither table knows stops the build,
named with its dossier.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from relance.errors import SourceError

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
NATURES_FILE = REFERENCE_DIR / "friches_natures.csv"
PORTEURS_FILE = REFERENCE_DIR / "friches_porteurs.csv"
COST_COLUMNS = ["daa_ht", "dab_ht", "dac_ht", "dad_ht", "daf_ht", "dag1_ht", "dag2_ht", "dag3_ht", "dag4_ht",
                "dag5_ht", "dag6_ht", "dag7_ht"]
NOT_GIVEN = "non renseigné"


def plain(value) -> str:
    """A category as written in the file, made comparable: lower case, control characters (\\x92) dropped, every
    dash a hyphen (\\x96 is the Windows en dash), tabs and runs of spaces one space."""
    if value is None or value != value:
        return ""
    text = str(value).replace("\x96", "-").replace("–", "-").replace("—", "-")
    text = "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\t ")
    text = re.sub(r"\s+", " ", text.lower()).strip()
    # « Friche urbaine  îlots » lost its dash: put it back, so one pattern reads both
    text = re.sub(r"friche urbaine (?=îlots)", "friche urbaine - ", text)
    return re.sub(r"\s*-\s*", " - ", text)


def _reference(path: Path, columns: list[str]) -> pd.DataFrame:
    from relance.construction.sources import read_csv_checked

    return read_csv_checked(path, columns, sep=";")


def natures_table() -> list[tuple[str, str, bool]]:
    """(pattern, nature, industrial) in the order they are tried (the reviewed table)."""
    frame = _reference(NATURES_FILE, ["motif", "nature", "industrielle", "justification"])
    return [(plain(m), n, i == "oui") for m, n, i in zip(frame["motif"], frame["nature"], frame["industrielle"],
                                                         strict=True)]


def porteurs_table() -> dict[str, str]:
    frame = _reference(PORTEURS_FILE, ["valeur", "porteur", "justification"])
    return {plain(v): p for v, p in zip(frame["valeur"], frame["porteur"], strict=True)}


def natures_of(value, table: list[tuple[str, str, bool]]) -> tuple[list[str], bool] | None:
    """The brownfield types a value names (one or several, in the file's order) and whether one is industrial; None
    when the value says nothing (empty or « 0 »). ValueError when words are left that no pattern reads."""
    text = plain(value)
    if text in ("", "0"):
        return None
    found: list[tuple[int, str]] = []
    industrial = False
    for pattern, nature, is_industrial in table:
        while (at := text.find(pattern)) >= 0:
            found.append((at, nature))
            industrial = industrial or is_industrial
            text = text[:at] + " " * len(pattern) + text[at + len(pattern):]
    left = re.sub(r"[\s,;]|\bet\b", "", text)
    if left or not found:
        raise ValueError(f"nature de friche non reconnue : {value!r}")
    names = [n for _, n in sorted(found)]
    return list(dict.fromkeys(names)), industrial


def porteur_of(value, table: dict[str, str]) -> str:
    """The project owner's type, normalised; NOT_GIVEN when empty. KeyError when the reviewed table lacks it."""
    text = plain(value)
    if not text:
        return NOT_GIVEN
    return table[text]


def deficit_of(value) -> tuple[float | None, str]:
    """The declared operating deficit in euros and its state: positif, nul, négatif, absent or illisible."""
    if value is None or value != value or (isinstance(value, str) and not value.strip()):
        return None, "absent"
    try:
        number = float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None, "illisible"
    if number != number or number in (float("inf"), float("-inf")):
        return None, "illisible"
    return number, "positif" if number > 0 else "nul" if number == 0 else "négatif"


def applications(path: Path, table: pd.DataFrame, costs: pd.DataFrame | None, codes: dict[str, str],
                 editions: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """The `fonds_friches` table: one row per application with its région, procedure, edition, France Relance or
    not, laureate flag, areas, types, owner, operation, deficit and total declared costs (excl. VAT)."""
    natures, porteurs = natures_table(), porteurs_table()
    rows = []
    totals = {}
    if costs is not None:
        missing = [c for c in ["num_dossier", *COST_COLUMNS] if c not in costs.columns]
        if missing:
            raise SourceError(path, f"colonne(s) manquante(s) de depense_t_amenagement_r : {', '.join(missing)}")
        values = costs[COST_COLUMNS].apply(pd.to_numeric, errors="coerce")
        totals = dict(zip(costs["num_dossier"].astype(str), values.sum(axis=1, min_count=1), strict=True))
    for row in table.itertuples(index=False):
        dossier = str(row.num_dossier)
        try:
            typed = natures_of(row.nat_friche, natures)
        except ValueError as exc:
            raise SourceError(path, f"{exc} (à ajouter à relance/reference/friches_natures.csv)",
                              f"dossier {dossier}") from exc
        try:
            owner = porteur_of(row.mo_requal, porteurs)
        except KeyError as exc:
            raise SourceError(path, f"type de porteur non reconnu : {row.mo_requal!r} (à ajouter à "
                                    "relance/reference/friches_porteurs.csv)", f"dossier {dossier}") from exc
        deficit, state = deficit_of(row.deficit)
        edition = editions.get(str(row.num_demarche))
        if edition is None:
            raise SourceError(path, f"procédure inconnue : {row.num_demarche!r}", f"dossier {dossier}")
        areas = []
        for name in ("friche_area", "site_area"):
            value = pd.to_numeric(getattr(row, name), errors="coerce")
            areas.append(float(value) if value == value and value >= 0 else None)
        operation = plain(row.intervention)
        rows.append({
            "num_dossier": dossier,
            "region_code": codes.get(row.libreg) if isinstance(row.libreg, str) else None,
            "num_demarche": str(row.num_demarche),
            "laureat": row.laureat_fv == "Oui",
            "edition": edition[0],
            "france_relance": edition[1],
            "friche_ha": areas[0],
            "site_ha": areas[1],
            "natures": " ; ".join(typed[0]) if typed else None,
            "friche_industrielle": typed[1] if typed else None,
            "porteur": owner,
            "operation": None if operation in ("", "0", "non précisé") else str(row.intervention).strip(),
            "deficit": deficit,
            "deficit_etat": state,
            "depenses_ht": totals.get(dossier),
        })
    frame = pd.DataFrame(rows)
    frame["friche_industrielle"] = frame["friche_industrielle"].astype("boolean")
    return frame
