"""Tables shown to users: French column names and French-formatted values."""

from __future__ import annotations

import pandas as pd

from relance import fmt


def members_table(members: pd.DataFrame) -> pd.DataFrame:
    """Member list of a territory: name, SIREN, type, population, communes."""
    return pd.DataFrame({
        "Membre": members["nom"],
        "SIREN": members["siren"],
        "Type": members["type"],
        "Population": [fmt.nombre(v) for v in members["population"]],
        "Communes": [fmt.nombre(v) for v in members["nb_communes"]],
    })


def departements_table(parts: pd.DataFrame) -> pd.DataFrame:
    """Départements of a territory with the population shares both ways."""
    return pd.DataFrame({
        "Département": [f"{n} ({c})" for n, c in zip(parts["departement_nom"], parts["departement_code"],
                                                       strict=True)],
        "Population dans le territoire": [fmt.nombre(v) for v in parts["population"]],
        "Part du territoire": [fmt.pourcent(v) for v in parts["part_territoire"]],
        "Part du département": [fmt.pourcent(v) for v in parts["part_departement"]],
    })


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The sources with their publisher, licence, vintage and row counts."""
    return pd.DataFrame({
        "Source": sources["titre"],
        "Éditeur": sources["editeur"],
        "Licence": sources["licence"],
        "Millésime": sources["millesime"],
        "Lignes chargées": [fmt.nombre(v) for v in sources["lignes"]],
        "Fichier": sources["fichier"],
    })


def peers_table(peers: pd.DataFrame) -> pd.DataFrame:
    """Closest territories: name, id, population, industrial share."""
    return pd.DataFrame({
        "Territoire": peers["nom"],
        "Identifiant": peers["ti_id"],
        "Population": [fmt.nombre(v) for v in peers["population"]],
        "Part de l'industrie": [fmt.pourcent(v) for v in peers["part_industrie"]],
    })


def priorities_table(indicators: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """The reviewed mapping to priorities: Baromètre indicators, then project measures."""
    return pd.concat([
        pd.DataFrame({
            "Type": "indicateur du Baromètre",
            "Priorité": indicators["priorite_libelle"],
            "Indicateur": indicators["libelle_court"],
            "Libellé du Baromètre": indicators["libelle"],
            "Identifiant": indicators["id_indicateur"],
            "Mesure": indicators["mesure"],
            "Justification": indicators["justification"],
        }),
        pd.DataFrame({
            "Type": "mesure des projets",
            "Priorité": measures["priorite_libelle"],
            "Indicateur": None,
            "Libellé du Baromètre": None,
            "Identifiant": None,
            "Mesure": measures["mesure"],
            "Justification": measures["justification"],
        }),
    ], ignore_index=True)


def friches_table(regions: pd.DataFrame) -> pd.DataFrame:
    """Fonds friches by région: France Relance applications and laureates, located or not, and the 2023 Fonds vert
    apart."""
    return pd.DataFrame({
        "Région": regions["region_nom"],
        "Candidatures France Relance": [fmt.nombre(v) for v in regions["candidatures"]],
        "Lauréates France Relance": [fmt.nombre(v) for v in regions["laureats"]],
        "Dont situées (dans les territoires)": [fmt.nombre(v) for v in regions["laureats_situes"]],
        "Dont sans site (dans aucun territoire)": [
            f"{fmt.nombre(n)} ({fmt.pourcent(n / total, 0)})" if total else "0"
            for n, total in zip(regions["laureats_non_situes"], regions["laureats"], strict=True)],
        "Fonds vert 2023 (hors France Relance) : candidatures": [
            fmt.nombre(v) for v in regions["fonds_vert_candidatures"]],
        "Fonds vert 2023 : lauréates": [fmt.nombre(v) for v in regions["fonds_vert_laureats"]],
    })


def french(frame: pd.DataFrame, decimales: int = 2) -> pd.DataFrame:
    """A small table as read on screen whatever the browser's language: numbers written the French way
    (`1 234`, `1,09`; whole numbers without decimals), missing cells empty."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            whole = bool(((values.dropna() % 1) == 0).all())
            shown[column] = [("" if pd.isna(v) else fmt.nombre(v, 0 if whole else decimales)) for v in values]
        else:
            shown[column] = values.astype(object).where(values.notna(), "")
    return shown
