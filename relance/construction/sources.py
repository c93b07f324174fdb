"""Where each raw file is, how it is read, and what it must contain.

Every reader checks the shape of its file and raises `SourceError` naming the
file, and the row or value at fault, before anything reaches the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from relance import fmt
from relance.errors import SourceError


@dataclass(frozen=True)
class Source:
    """One raw source as shown to users (Méthodologie page, chart footers)."""

    key: str
    path: str  # relative to the raw directory
    titre: str
    editeur: str
    licence: str
    millesime: str
    optional: bool = False  # the build goes on without it, and the pages say so


SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        Source(
            "ti_phase1",
            "anct-territoires-industrie-phase1/polygone-4326_ti.geojson",
            "Territoires d'industrie, phase 1 (composition et contours)",
            "ANCT",
            "Licence Ouverte 2.0",
            "périmètres phase 1 (2018-2022), géométrie 2025",
        ),
        Source(
            "ti_phase2",
            "anct-territoires-industrie-phase2/ti_geom.geojson",
            "Territoires d'industrie, phase 2 (composition et contours)",
            "ANCT",
            "Licence Ouverte 2.0",
            "liste ANCT du 04/07/2024",
        ),
        Source(
            "communes",
            "decoupage-administratif-6.0.0/communes.json",
            "Communes (code, département, SIREN, population)",
            "Etalab, d'après INSEE (COG, populations légales)",
            "Licence Ouverte",
            "@etalab/decoupage-administratif 6.0.0 (2026)",
        ),
        Source(
            "epci",
            "decoupage-administratif-6.0.0/epci.json",
            "EPCI à fiscalité propre et leurs communes",
            "Etalab, d'après DGCL",
            "Licence Ouverte",
            "@etalab/decoupage-administratif 6.0.0 (2026)",
        ),
        Source(
            "ept",
            "decoupage-administratif-6.0.0/ept.json",
            "Établissements publics territoriaux (Grand Paris)",
            "Etalab, d'après DGCL",
            "Licence Ouverte",
            "@etalab/decoupage-administratif 6.0.0 (2026)",
        ),
        Source(
            "departements",
            "decoupage-administratif-6.0.0/departements.json",
            "Départements",
            "Etalab, d'après INSEE (COG)",
            "Licence Ouverte",
            "@etalab/decoupage-administratif 6.0.0 (2026)",
        ),
        Source(
            "regions",
            "decoupage-administratif-6.0.0/regions.json",
            "Régions",
            "Etalab, d'après INSEE (COG)",
            "Licence Ouverte",
            "@etalab/decoupage-administratif 6.0.0 (2026)",
        ),
        Source(
            "dep_polygones",
            "anct-carto-admin-2025/polygone-4326_dep.geojson",
            "Contours des départements (généralisés)",
            "ANCT, d'après IGN Admin Express",
            "Licence Ouverte",
            "géographie 2025",
        ),
        Source(
            "communes_2018",
            "france-geojson-2018/communes",
            "Contours des communes (pour les territoires faits de communes)",
            "IGN Admin Express via france-geojson",
            "Licence Ouverte",
            "géographie 2018",
        ),
        Source(
            "barometre_dep",
            "barometre-resultats-action-publique/departements-detail",
            "Baromètre des résultats de l'action publique, relance, par département",
            "Etalab / DITP",
            "Licence Ouverte 2.0",
            "mise à jour du 18/01/2023",
        ),
        Source(
            "barometre_reg",
            "barometre-resultats-action-publique/barometre-resultats-relance-emploi-economie-detail-regional.csv",
            "Baromètre des résultats de l'action publique, relance, par région",
            "Etalab / DITP",
            "Licence Ouverte 2.0",
            "mise à jour du 18/01/2023",
        ),
        Source(
            "barometre_nat",
            "barometre-resultats-action-publique/barometre-resultats-relance-emploi-economie-detail-national.csv",
            "Baromètre des résultats de l'action publique, relance, France",
            "Etalab / DITP",
            "Licence Ouverte 2.0",
            "mise à jour du 18/01/2023",
        ),
        Source(
            "ptod_epci",
            "ptod-observatoire-territorial/agg_epci_exdeco.json",
            "Part de l'industrie dans l'emploi au lieu de travail, par EPCI",
            "calcul tiers (dépôt PTOD) d'après INSEE, recensement",
            "données INSEE sous Licence Ouverte ; dépôt sans licence",
            "RP 2022",
        ),
        Source(
            "urssaf_serie",
            "ptod-observatoire-territorial/urssaf_serie_indice100.parquet",
            "Effectifs salariés du secteur privé par EPCI et commune",
            "calcul tiers (dépôt PTOD) d'après URSSAF",
            "données URSSAF ouvertes ; dépôt sans licence",
            "2022 (série 2014-2024)",
        ),
        Source(
            "fonds_friches",
            "cerema-fonds-friches/fondsfriches_light.rds",
            "Fonds friches : candidatures et lauréats par région et procédure",
            "Cerema (Cartofriches)",
            "MIT (dépôt Cerema)",
            "extrait de septembre 2024",
        ),
        Source(
            "cartofriches_sites",
            "cerema-cartofriches-sites/f.xy.rds",
            "Fonds friches : commune et point de chaque candidature (sites Cartofriches)",
            "Cerema (Cartofriches)",
            "MIT (dépôt Cerema)",
            "version du 05/12/2023",
            optional=True,
        ),
        Source(
            "dge_liste",
            "dge-plan-de-relance/plan-de-relance.csv",
            "Plan de relance – projets industriels (lauréats, points GPS)",
            "DGE (transcription vérifiée d'une copie publique)",
            "Licence Ouverte",
            "liste complète, 3 080 projets (mises à jour 2021-2022)",
            optional=True,
        ),
    ]
}

# Fonds friches procedures (num_demarche): the three France Relance editions and the 2023 Fonds vert
# (PROVENANCE 4b: the site names of the Cartofriches file name each call).
FRICHES_EDITIONS = {
    "36961": ("Fonds friches, 1re édition (2021)", True),
    "46904": ("Fonds friches, 2e édition", True),
    "54008": ("Fonds friches, 3e édition", True),
    "68862": ("Fonds vert, recyclage foncier (2023)", False),
}

SIREN_RE = re.compile(r"^\d{9}$")
TI_ID_RE = re.compile(r"^ti-\d{4}$")
DEP_CODE_RE = re.compile(r"^(\d{2}|2A|2B|97\d)$")


def source_path(raw: Path, key: str) -> Path:
    """Absolute path of a source, failing clearly when it is absent."""
    path = Path(raw) / SOURCES[key].path
    if not path.exists():
        raise SourceError(path, "fichier absent du répertoire des données brutes")
    return path


def _load_json(path: Path):
    """Parse a JSON file, naming the line and column of a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"encodage non UTF-8 (octet {exc.start})") from exc
    if not text.strip():
        raise SourceError(path, "fichier vide")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"JSON tronqué ou invalide ({exc.msg})", f"ligne {exc.lineno}, colonne {exc.colno}"
        ) from exc


def _require_keys(path: Path, records: list[dict], keys: list[str], what: str) -> None:
    """Every record must hold the given keys."""
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise SourceError(path, f"{what} n'est pas un objet", f"élément {index + 1}")
        missing = [k for k in keys if k not in record]
        if missing:
            raise SourceError(path, f"champ(s) manquant(s) : {', '.join(missing)}", f"élément {index + 1}")


def _json_error(path: Path, exc: Exception) -> SourceError:
    """Why a GeoJSON file could not be read, with the line and column of a syntax error when there is one."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return SourceError(path, f"encodage non UTF-8 (octet {err.start})")
    if not text.strip():
        return SourceError(path, "fichier vide")
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return SourceError(path, f"JSON tronqué ou invalide ({err.msg})", f"ligne {err.lineno}, colonne {err.colno}")
    return SourceError(path, f"GeoJSON illisible ({exc})")


def read_layer(path: Path, properties: list[str], repair: bool = False) -> gpd.GeoDataFrame:
    """A GeoJSON FeatureCollection as a GeoDataFrame (geopandas through pyogrio), every feature checked: its
    properties present, its geometry readable, not empty and valid (with `repair`, an invalid geometry is mended
    instead, as polygons: `placement.mend`)."""
    try:
        path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise SourceError(path, "fichier absent") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"encodage non UTF-8 (octet {exc.start})") from exc
    try:
        frame = pyogrio.read_dataframe(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _json_error(path, exc) from exc
    if frame.empty:
        raise SourceError(path, "aucune entité (features) dans le fichier")
    missing = [p for p in properties if p not in frame.columns]
    if missing:
        raise SourceError(path, f"propriété(s) manquante(s) : {', '.join(missing)}", "entité 1")
    # checked on the whole column at once (a commune file holds hundreds of features), the first fault named
    absent = frame[properties].isna().any(axis=1).to_numpy()
    geoms = frame.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    invalid = ~empty & ~shapely.is_valid(geoms)
    for position in np.flatnonzero(absent | empty | (invalid & (not repair)))[:1]:
        where = f"entité {frame.index[position] + 1}"
        if absent[position]:
            gone = [p for p in properties if pd.isna(frame[p].iloc[position])]
            raise SourceError(path, f"propriété(s) manquante(s) : {', '.join(gone)}", where)
        if empty[position]:
            raise SourceError(path, "géométrie vide", where)
        raise SourceError(path, f"géométrie invalide ({shapely.is_valid_reason(geoms[position])})", where)
    if invalid.any():
        from relance import placement

        frame = frame.copy()
        frame.loc[frame.index[invalid], "geometry"] = placement.mend(geoms[invalid])
    return frame


def _check_ti_ids(path: Path, ids: list[str]) -> None:
    """Territory ids are `ti-NNNN` and unique within a file."""
    seen = set()
    for index, ti_id in enumerate(ids):
        if not isinstance(ti_id, str) or not TI_ID_RE.match(ti_id):
            raise SourceError(path, f"identifiant de territoire invalide : {ti_id!r}", f"entité {index + 1}")
        if ti_id in seen:
            raise SourceError(path, f"identifiant de territoire en double : {ti_id}", f"entité {index + 1}")
        seen.add(ti_id)


def _check_sirens(path: Path, ti_id: str, sirens: list[str], index: int) -> None:
    if not sirens:
        raise SourceError(path, f"territoire {ti_id} sans membre", f"entité {index + 1}")
    for siren in sirens:
        if not SIREN_RE.match(siren):
            raise SourceError(path, f"SIREN de membre invalide : {siren!r} ({ti_id})", f"entité {index + 1}")


def phase1_members(text: str, path: Path, index: int) -> list[str]:
    """Phase 1 (`siren_groupement`): `SIREN, SIREN` -> the SIRENs."""
    return [s.strip() for s in text.split(",") if s.strip()]


_MEMBER_RE = re.compile(r"^(?P<nom>.*)\((?P<siren>[^()]*)\)\s*$")


def phase2_members(text: str, path: Path, index: int) -> list[str]:
    """Phase 2 (`liste_geo`): `Nom (SIREN); Nom (SIREN)` -> the SIRENs; a part of another form is refused."""
    sirens = []
    for part in text.split(";"):
        if not part.strip():
            continue
        match = _MEMBER_RE.match(part.strip())
        if not match:
            raise SourceError(path, f"membre illisible {part.strip()!r} (attendu « nom (SIREN) »)",
                              f"entité {index + 1}")
        sirens.append(match["siren"].strip())
    return sirens


# Each phase's layer: its id, name and members fields, and how the members field reads (the build and the extract).
TERRITORY_LAYERS = {"ti_phase1": (("id_ti", "lib_ti", "siren_groupement"), phase1_members),
                    "ti_phase2": (("id_territoire", "lib_territoire", "liste_geo"), phase2_members)}


def _read_territories(raw: Path, source: str) -> gpd.GeoDataFrame:
    """A phase's territories: ti_id, nom, sirens (list), geometry as published (TERRITORY_LAYERS)."""
    (ident, name, members), members_of = TERRITORY_LAYERS[source]
    path = source_path(raw, source)
    layer = read_layer(path, [ident, name, members])
    _check_ti_ids(path, list(layer[ident]))
    sirens = []
    for index, (ti_id, text) in enumerate(zip(layer[ident], layer[members], strict=True)):
        sirens.append(members_of(str(text or ""), path, index))
        _check_sirens(path, ti_id, sirens[-1], index)
    return gpd.GeoDataFrame({"ti_id": layer[ident], "nom": layer[name].astype(str).str.strip(), "sirens": sirens},
                            geometry=layer.geometry.values, crs=layer.crs)


def read_ti_phase1(raw: Path) -> pd.DataFrame:
    """Phase-1 territories: ti_id, nom, sirens (list), geometry (as published)."""
    return _read_territories(raw, "ti_phase1")


def read_ti_phase2(raw: Path) -> pd.DataFrame:
    """Phase-2 territories: ti_id, nom, sirens (list), geometry."""
    return _read_territories(raw, "ti_phase2")


def read_regions(raw: Path) -> pd.DataFrame:
    """Régions of metropolitan France and the DROM: code, nom."""
    path = source_path(raw, "regions")
    data = _load_json(path)
    _require_keys(path, data, ["code", "nom", "zone"], "une région")
    df = pd.DataFrame(data)
    return df[df["zone"].isin(["metro", "drom"])][["code", "nom"]].reset_index(drop=True)


def read_departements(raw: Path) -> pd.DataFrame:
    """Départements of metropolitan France and the DROM: code, nom, region_code."""
    path = source_path(raw, "departements")
    data = _load_json(path)
    _require_keys(path, data, ["code", "nom", "region", "zone"], "un département")
    df = pd.DataFrame(data)
    df = df[df["zone"].isin(["metro", "drom"])]
    return df.rename(columns={"region": "region_code"})[["code", "nom", "region_code"]].reset_index(drop=True)


def read_communes(raw: Path) -> pd.DataFrame:
    """Current communes (metro + DROM): code, nom, departement_code, siren, population."""
    path = source_path(raw, "communes")
    data = _load_json(path)
    _require_keys(path, data, ["code", "nom", "type", "zone"], "une commune")
    df = pd.DataFrame(data)
    df = df[(df["type"] == "commune-actuelle") & df["zone"].isin(["metro", "drom"])].copy()
    if df.empty:
        raise SourceError(path, "aucune commune actuelle de métropole ou des DROM")
    for column in ["departement", "siren", "population"]:
        if column not in df:
            raise SourceError(path, f"champ manquant : {column}")
    bad = df[df["population"].isna()]
    if not bad.empty:
        raise SourceError(path, "population manquante", f"commune {bad.iloc[0]['code']}")
    dup = df[df["code"].duplicated()]
    if not dup.empty:
        raise SourceError(path, f"code commune en double : {dup.iloc[0]['code']}")
    df["population"] = df["population"].astype("int64")
    for column in ("codesPostaux", "anciensCodes"):
        if column not in df:
            df[column] = None
        df[column] = df[column].map(lambda v: list(v) if isinstance(v, list) else [])
    return df.rename(columns={"departement": "departement_code", "codesPostaux": "codes_postaux",
                              "anciensCodes": "anciens_codes"})[
        ["code", "nom", "departement_code", "siren", "population", "codes_postaux", "anciens_codes"]
    ].reset_index(drop=True)


def _read_groupings(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EPCI-like files: (groupings: siren, nom, type; members: siren, commune_code)."""
    data = _load_json(path)
    _require_keys(path, data, ["code", "nom", "type", "membres"], "un groupement")
    groups, members = [], []
    for index, record in enumerate(data):
        siren = str(record["code"])
        if not SIREN_RE.match(siren):
            raise SourceError(path, f"SIREN invalide : {siren!r}", f"élément {index + 1}")
        if not record["membres"]:
            raise SourceError(path, f"groupement {siren} sans commune membre", f"élément {index + 1}")
        groups.append({"siren": siren, "nom": record["nom"], "type": record["type"]})
        for member in record["membres"]:
            if "code" not in member:
                raise SourceError(path, f"membre sans code commune dans {siren}", f"élément {index + 1}")
            members.append({"siren": siren, "commune_code": member["code"]})
    groups_df = pd.DataFrame(groups, columns=["siren", "nom", "type"])  # none: an extract without EPT
    dup = groups_df[groups_df["siren"].duplicated()]
    if not dup.empty:
        raise SourceError(path, f"SIREN en double : {dup.iloc[0]['siren']}")
    return groups_df, pd.DataFrame(members, columns=["siren", "commune_code"])


def read_epci(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EPCI (siren, nom, type) and their member communes."""
    return _read_groupings(source_path(raw, "epci"))


def read_ept(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EPT of the Métropole du Grand Paris (siren, nom, type) and their communes."""
    return _read_groupings(source_path(raw, "ept"))


def read_departement_polygons(raw: Path) -> pd.DataFrame:
    """Département polygons (2025): code, nom, geometry."""
    path = source_path(raw, "dep_polygones")
    layer = read_layer(path, ["insee_dep", "lib_dep"])
    dup = layer[layer["insee_dep"].duplicated()]
    if not dup.empty:
        raise SourceError(path, f"département en double : {dup.iloc[0]['insee_dep']}")
    return gpd.GeoDataFrame({"code": layer["insee_dep"], "nom": layer["lib_dep"]}, geometry=layer.geometry.values,
                            crs=layer.crs)


def read_commune_polygons(raw: Path) -> gpd.GeoDataFrame:
    """Every 2018 commune polygon (code, departement, geometry), one file per département, each feature checked
    (`read_layer`); a few polygons of the source cross themselves (one in Calvados): they are mended
    (`shapely.make_valid`), not refused. Kept in the cache placement reads (`placement.all_commune_polygons`,
    under a name of their own: the build never takes polygons it did not check), read again when the files
    change."""
    from relance import placement

    folder = source_path(raw, "communes_2018")
    if not folder.is_dir():
        raise SourceError(folder, "dossier absent")

    def checked(files: list[Path]) -> gpd.GeoDataFrame:
        if not files:
            raise SourceError(folder, "aucun fichier de communes (communes-<département>-<nom>.geojson)")
        frames = []
        for path in files:
            frame = read_layer(path, ["code"], repair=True)[["code", "geometry"]]
            frames.append(frame.assign(departement=placement.departement_of_file(path)))
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)

    return placement.all_commune_polygons(folder, read=checked)


BAROMETRE_COLUMNS = {
    "departement": ["mesure", "indicateur", "id_indicateur", "code_departement", "libelle_departement", "date",
                    "valeur", "unite"],
    "region": ["mesure", "indicateur", "id_indicateur", "code_region", "libelle_region", "date", "valeur", "unite"],
    "national": ["mesure", "indicateur", "id_indicateur", "maille_geographique", "date", "valeur", "unite"],
}


def read_csv_checked(path: Path, columns: list[str], sep: str = ",") -> pd.DataFrame:
    """Read a CSV as text, requiring exactly the expected columns."""
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(path, "fichier absent") from exc
    if not raw_bytes.strip():
        raise SourceError(path, "fichier vide")
    try:
        raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise SourceError(path, "encodage non UTF-8 (cp1252 ?)", f"ligne {line}") from exc
    try:
        df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # pandas' parser errors name the line
        raise SourceError(path, f"CSV illisible ({exc})") from exc
    header = list(df.columns)
    missing = [c for c in columns if c not in header]
    if missing:
        if len(header) == 1 and sep not in header[0]:
            raise SourceError(path, f"séparateur inattendu : l'en-tête n'a qu'une colonne ({header[0][:80]!r})")
        raise SourceError(path, f"colonne(s) manquante(s) : {', '.join(missing)}", "ligne 1 (en-tête)")
    extra = [c for c in header if c not in columns]
    if extra:
        raise SourceError(path, f"colonne(s) inattendue(s) : {', '.join(extra)}", "ligne 1 (en-tête)")
    return df


def _parse_values(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    """Parse `date` (ISO) and `valeur` (number), naming the first bad line."""
    values = pd.to_numeric(df["valeur"], errors="coerce")
    bad = df.index[values.isna() & (df["valeur"].str.strip() != "")]
    if len(bad):
        raise SourceError(path, f"valeur non numérique : {df.loc[bad[0], 'valeur']!r}", f"ligne {bad[0] + 2}")
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    bad = df.index[dates.isna()]
    if len(bad):
        raise SourceError(path, f"date invalide : {df.loc[bad[0], 'date']!r}", f"ligne {bad[0] + 2}")
    out = df.copy()
    out["valeur"] = values
    out["date"] = dates.dt.date
    return out[out["valeur"].notna()]


def read_barometre(raw: Path, departements: set[str], regions: set[str]) -> pd.DataFrame:
    """Baromètre files in long form: id_indicateur, mesure, indicateur, unite, maille, code, date, valeur."""
    frames = []
    folder = source_path(raw, "barometre_dep")
    files = sorted(folder.glob("barometre-resultats-relance-emploi-economie-detail-departement-*.csv"))
    if not files:
        raise SourceError(folder, "aucun fichier départemental du Baromètre")
    for path in files:
        df = _parse_values(path, read_csv_checked(path, BAROMETRE_COLUMNS["departement"]))
        expected = path.stem.rsplit("-", 1)[-1]
        bad = df.index[df["code_departement"] != expected]
        if len(bad):
            raise SourceError(
                path, f"code département {df.loc[bad[0], 'code_departement']!r} dans le fichier du {expected}",
                f"ligne {bad[0] + 2}",
            )
        if expected not in departements:
            raise SourceError(path, f"département inconnu : {expected!r}")
        frames.append(df.assign(maille="departement", code=df["code_departement"]))
    path = source_path(raw, "barometre_reg")
    df = _parse_values(path, read_csv_checked(path, BAROMETRE_COLUMNS["region"]))
    bad = df.index[~df["code_region"].isin(regions)]
    if len(bad):
        raise SourceError(path, f"région inconnue : {df.loc[bad[0], 'code_region']!r}", f"ligne {bad[0] + 2}")
    frames.append(df.assign(maille="region", code=df["code_region"]))
    path = source_path(raw, "barometre_nat")
    df = _parse_values(path, read_csv_checked(path, BAROMETRE_COLUMNS["national"]))
    frames.append(df.assign(maille="national", code=None))
    out = pd.concat(frames, ignore_index=True)[
        ["id_indicateur", "mesure", "indicateur", "unite", "maille", "code", "date", "valeur"]
    ]
    dup = out[out.duplicated(["id_indicateur", "maille", "code", "date"])]
    if not dup.empty:
        row = dup.iloc[0]
        raise SourceError(
            "barometre-resultats-action-publique",
            f"valeur en double pour {row['id_indicateur']} ({row['maille']} {row['code']}, {row['date']})",
        )
    return out


INDUSTRY_YEAR = 2022  # census share (RP 2022) and URSSAF jobs of the same year


def read_industry_share(raw: Path) -> pd.DataFrame:
    """Share of industry in jobs (RP 2022) per EPCI/EPT: siren, part_industrie (0-1)."""
    path = source_path(raw, "ptod_epci")
    data = _load_json(path)
    if not isinstance(data, list):
        raise SourceError(path, "liste d'objets attendue")
    _require_keys(path, data, ["code", "type_epci", "eco_sectindus_pct_22"], "un EPCI")
    df = pd.DataFrame(data)[["code", "eco_sectindus_pct_22"]]
    df = df[df["code"].str.fullmatch(r"\d{9}")]
    share = pd.to_numeric(df["eco_sectindus_pct_22"], errors="coerce")
    bad = df.index[share.isna() | (share < 0) | (share > 100)]
    if len(bad):
        raise SourceError(path, f"part de l'industrie invalide : {df.loc[bad[0], 'eco_sectindus_pct_22']!r}",
                          f"élément {bad[0] + 1} (code {df.loc[bad[0], 'code']})")
    return pd.DataFrame({"siren": df["code"], "part_industrie": share / 100}).reset_index(drop=True)


def read_private_jobs(raw: Path) -> pd.DataFrame:
    """URSSAF private salaried jobs of INDUSTRY_YEAR for EPCI and communes: code, echelon, emplois."""
    path = source_path(raw, "urssaf_serie")
    try:
        df = pd.read_parquet(path, columns=["code", "echelon", "year", "eff_total"])
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise SourceError(path, f"Parquet illisible ({exc})") from exc
    df = df[(df["year"] == INDUSTRY_YEAR) & df["echelon"].isin(["epci", "communes"])]
    if df.empty:
        raise SourceError(path, f"aucune ligne pour l'année {INDUSTRY_YEAR}")
    if (df["eff_total"] < 0).any():
        raise SourceError(path, "effectif négatif")
    return df.rename(columns={"eff_total": "emplois"})[["code", "echelon", "emplois"]].reset_index(drop=True)


FRICHES_COLUMNS = ["libreg", "num_demarche", "laureat_fv", "num_dossier", "intervention", "mo_requal", "deficit",
                   "nat_friche", "site_area", "friche_area"]


def read_fonds_friches(raw: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Fonds friches applications (table `fonds_friches`): région, procedure, edition, laureate flag, areas, types,
    owner, operation, declared deficit and costs, normalised by `relance.friches`."""
    import pyreadr

    from relance.construction import friches

    path = source_path(raw, "fonds_friches")
    try:
        objects = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own error types for damaged archives
        raise SourceError(path, f"archive R illisible ({exc})") from exc
    if "fr_g_fdfriche_r" not in objects:
        raise SourceError(path, "objet fr_g_fdfriche_r absent de l'archive")
    df = objects["fr_g_fdfriche_r"]
    missing = [c for c in FRICHES_COLUMNS if c not in df.columns]
    if missing:
        raise SourceError(path, f"colonne(s) manquante(s) : {', '.join(missing)}")
    codes = dict(zip(regions["nom"], regions["code"], strict=True))
    unknown = df[df["libreg"].notna() & ~df["libreg"].isin(codes)]
    if not unknown.empty:
        row = unknown.iloc[0]
        raise SourceError(path, f"région inconnue : {row['libreg']!r}", f"dossier {row['num_dossier']}")
    bad = df[~df["laureat_fv"].isin(["Oui", "Non"])]
    if not bad.empty:
        row = bad.iloc[0]
        raise SourceError(path, f"laureat_fv inattendu : {row['laureat_fv']!r}", f"dossier {row['num_dossier']}")
    if df["num_dossier"].duplicated().any():
        raise SourceError(path, f"dossier en double : {df[df['num_dossier'].duplicated()].iloc[0]['num_dossier']}")
    return friches.applications(path, df, objects.get("depense_t_amenagement_r"), codes, FRICHES_EDITIONS)


FRICHES_SOURCE = "Appel à projet Fonds Friches"
SITES_COLUMNS = ["id_from_file", "site_nom", "comm_insee", "comm_nom", "source_nom"]


def read_friche_sites(raw: Path) -> pd.DataFrame | None:
    """Fonds friches applications located by the Cerema (Cartofriches sites whose source is the call):
    ligne, num_dossier, site_nom, commune_code, lat, lon. None when the optional file is absent."""
    from relance.construction import rds

    path = Path(raw) / SOURCES["cartofriches_sites"].path
    if not path.exists():
        return None
    try:
        frame = rds.read_rds(path)
        columns = rds.data_frame(frame)
    except (rds.RdsError, OSError, EOFError, ValueError) as exc:
        raise SourceError(path, f"fichier R illisible ({exc})") from exc
    geometry = frame.attributes.get("sf_column")
    missing = [c for c in SITES_COLUMNS if c not in columns]
    if geometry is None or geometry.value[0] not in columns:
        missing.append("geometry (sf_column)")
    if missing:
        raise SourceError(path, f"colonne(s) manquante(s) : {', '.join(missing)}")
    points = columns[geometry.value[0]]
    rows = []
    for index, source in enumerate(columns["source_nom"]):
        if source != FRICHES_SOURCE:
            continue
        point = points[index].value if points[index] is not None else None
        lon, lat = (float(point[0]), float(point[1])) if point is not None and len(point) == 2 else (None, None)
        name = fmt.sans_controle(columns["site_nom"][index] or "").strip().strip('"').strip()
        rows.append({"ligne": index + 1, "num_dossier": str(columns["id_from_file"][index] or "").strip(),
                     "site_nom": name or None, "commune_code": (columns["comm_insee"][index] or "").strip() or None,
                     "lat": lat if lat == lat else None, "lon": lon if lon == lon else None})
    return pd.DataFrame(rows, columns=["ligne", "num_dossier", "site_nom", "commune_code", "lat", "lon"])


MANIFEST = Path(__file__).resolve().parent.parent / "reference" / "sync_manifest.csv"


MARQUE_EXTRAIT = "extrait.json"


def extract_mark(raw: Path) -> dict | None:
    """What `extrait.json` says of a raw directory cut by `relance.construction.extrait` (perimetre, départements,
    territoires, fichiers), or None for the whole raw data."""
    path = Path(raw) / MARQUE_EXTRAIT
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"marque d'extrait illisible ({exc})") from exc
    if not isinstance(data, dict) or data.get("perimetre") != "extrait" or not isinstance(data.get("fichiers"), list):
        raise SourceError(path, "marque d'extrait inattendue (perimetre « extrait » et liste « fichiers » attendus)")
    return data


def perimeter(raw: Path) -> str:
    """`france` for the whole raw data, `extrait` for an extract (the expected counts of the checks follow it)."""
    return "extrait" if extract_mark(raw) else "france"


def check_expected(raw: Path) -> None:
    """Every file the raw directory must hold (the sync manifest, relance/reference/sync_manifest.csv; for an
    extract, the files its mark lists) is there; the optional project sources (DGE list, Cartofriches sites) may
    be absent. The first missing file stops the build, named."""
    optional = {s.path for s in SOURCES.values() if s.optional}
    mark = extract_mark(raw)
    if mark:
        names, listed = mark["fichiers"], f"{MARQUE_EXTRAIT} de l'extrait"
    else:
        names, listed = read_csv_checked(MANIFEST, ["fichier", "origine", "sha256"], sep=";")["fichier"], \
            "relance/reference/sync_manifest.csv"
    for name in names:
        if name not in optional and not (Path(raw) / name).exists():
            raise SourceError(Path(raw) / name, "fichier attendu absent du répertoire des données brutes (liste des "
                                                f"fichiers attendus : {listed})")
