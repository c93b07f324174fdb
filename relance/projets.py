"""France Relance projects: read the DGE list and staff lists, check every row, place each project.

Placement uses only the evidence that agrees: coordinates (point in a commune polygon and in the
territory polygons), postcode (leading zero restored) and département, and the commune name only
where these agree with it. Every project records how it was placed and with what confidence.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely

from relance import sources

OFFICIAL_HEADER = [
    "entreprise", "type_entreprise", "siren", "volet_relance", "mesure", "nom_departement", "nom_commune",
    "code_postal", "coordonnees_gps", "description_projet", "mesure_light", "mise_a_jour", "filiere",
    "tonnes_equivalent_co2_pour_les_projets_decarbonation", "code_departement", "nom_region",
]
TI_CALL = "Soutien à l'investissement industriel dans les territoires"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000

# Staff lists: accepted column names (normalised: lower case, no accents, "_" for spaces) per field.
ALIASES = {
    "nom": ["nom", "nom_projet", "nom_du_projet", "projet", "intitule", "intitule_projet", "intitule_du_projet",
            "libelle", "description"],
    "entreprise": ["entreprise", "porteur", "beneficiaire", "societe", "raison_sociale"],
    "siren": ["siren", "siret"],
    "commune_code": ["code_insee", "code_commune", "insee", "commune_insee", "code_geo", "codgeo"],
    "commune_nom": ["commune", "nom_commune", "ville", "localite"],
    "code_postal": ["code_postal", "cp", "postal"],
    "lat": ["lat", "latitude"],
    "lon": ["lon", "lng", "long", "longitude"],
    "coordonnees": ["coordonnees", "coordonnees_gps", "gps", "geoloc"],
    "montant_aide": ["montant_aide", "aide", "subvention", "montant_subvention", "aide_accordee", "montant"],
    "montant_investissement": ["montant_investissement", "investissement", "cout_total", "montant_total",
                               "cout_projet"],
    "mesure": ["mesure", "dispositif", "appel", "appel_a_projets"],
    "priorite": ["priorite", "axe"],
    "date": ["date", "date_decision", "date_attribution", "annee"],
    "ti_id": ["ti_id", "territoire", "id_territoire", "territoire_industrie"],
}
PRIORITY_WORDS = {"foncier": "foncier", "accueillir": "foncier", "competences": "competences",
                  "recruter": "competences", "innover": "innover", "decarboner": "innover", "innovation": "innover"}


class ImportError_(Exception):
    """A whole file cannot be read (format, size, missing columns); the message is in French."""


@dataclass
class Row:
    """One project as read from a file, before placement."""

    ligne: int
    nom: str
    entreprise: str | None = None
    siren: str | None = None
    mesure: str | None = None
    priorite: str | None = None
    type_entreprise: str | None = None
    filiere: str | None = None
    description: str | None = None
    commune_code: str | None = None
    commune_nom: str | None = None
    code_postal: str | None = None
    departement_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    montant_aide: float | None = None
    montant_investissement: float | None = None
    date: str | None = None
    ti_id: str | None = None
    problemes: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """A file read: its format, its valid rows and its rejected rows (line, reason)."""

    format: str  # "dge" or "liste"
    rows: list[Row]
    rejects: list[tuple[int, str]]
    sha256: str
    name: str


def _plain(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces: for comparing names."""
    text = str(text).replace("’", "'").replace("‘", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _column_key(name: str) -> str:
    return _plain(name).replace(" ", "_")


def clean_text(value) -> str | None:
    """Text without HTML entities, tags or surrounding spaces; None when empty."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = html.unescape(str(value))
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def parse_amount(value) -> float | None:
    """French amounts: `1 200,50 €`, `1.200,50`, `12 k€`, `1,2 M€` -> euros; ValueError if unreadable."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not text:
        return None
    factor = 1.0
    lowered = text.lower()
    for suffix, multiplier in (("md€", 1e9), ("m€", 1e6), ("k€", 1e3), ("meur", 1e6), ("keur", 1e3)):
        if lowered.endswith(suffix):
            factor, text = multiplier, text[: -len(suffix)]
            break
    text = text.replace("€", "").replace("EUR", "").replace("eur", "").replace(" ", "").strip()
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):  # 1.200,50
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+(,\d+)?", text):  # 1200,50
        text = text.replace(",", ".")
    elif not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"montant illisible : {value!r}")
    amount = float(text) * factor
    if amount < 0:
        raise ValueError(f"montant négatif : {value!r}")
    return amount


def postcode(value) -> str | None:
    """`8000` -> `08000`; `08000.0` -> `08000`; None if not a French postcode."""
    text = clean_text(value)
    if not text:
        return None
    text = re.sub(r"\.0+$", "", text.replace(" ", ""))
    if re.fullmatch(r"\d{4}", text):
        text = "0" + text
    return text if re.fullmatch(r"\d{5}", text) else None


def departement_code(value) -> str | None:
    """`8.0` -> `08`; `971.0` -> `971`; `2A` stays; None if not a département code."""
    text = clean_text(value)
    if not text:
        return None
    text = re.sub(r"\.0+$", "", text.upper())
    if re.fullmatch(r"\d", text):
        text = "0" + text
    return text if sources.DEP_CODE_RE.match(text) else None


def coordinates(value) -> tuple[float, float] | None:
    """`"43.71, -1.23"` (lat, lon) -> (lat, lon) when inside France with its overseas; else None."""
    text = clean_text(value)
    if not text:
        return None
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    return (lat, lon) if _plausible(lat, lon) else None


def _plausible(lat: float, lon: float) -> bool:
    return -25 <= lat <= 52 and -65 <= lon <= 60


def read_table(content: bytes, name: str) -> pd.DataFrame:
    """A CSV (`;` or `,`, UTF-8 or cp1252) or XLSX file as text cells; ImportError_ when not a table."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportError_(f"{name} : fichier trop gros ({len(content) / 1e6:.1f} Mo, au plus "
                           f"{MAX_UPLOAD_BYTES / 1e6:.0f} Mo)")
    if not content.strip():
        raise ImportError_(f"{name} : fichier vide")
    if content[:4] == b"PK\x03\x04":
        try:
            frame = pd.read_excel(io.BytesIO(content), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for damaged workbooks
            raise ImportError_(f"{name} : classeur XLSX illisible ({exc})") from exc
    else:
        if b"\x00" in content[:4096]:
            raise ImportError_(f"{name} : ce n'est pas un fichier texte CSV ni un classeur XLSX")
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        first = text.split("\n", 1)[0]
        sep = ";" if first.count(";") >= first.count(",") else ","
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        except Exception as exc:  # pandas' parser errors name the line
            raise ImportError_(f"{name} : CSV illisible ({exc})") from exc
    if len(frame) > MAX_ROWS:
        raise ImportError_(f"{name} : {len(frame)} lignes, au plus {MAX_ROWS}")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("")


def parse(content: bytes, name: str) -> Parsed:
    """Read a project file, telling the official DGE format and staff lists apart by their header."""
    frame = read_table(content, name)
    digest = hashlib.sha256(content).hexdigest()
    if [_column_key(c) for c in frame.columns] == OFFICIAL_HEADER:
        rows, rejects = _read_official(frame)
        return Parsed("dge", rows, rejects, digest, name)
    rows, rejects = _read_staff(frame, name)
    return Parsed("liste", rows, rejects, digest, name)


def _read_official(frame: pd.DataFrame) -> tuple[list[Row], list[tuple[int, str]]]:
    frame.columns = OFFICIAL_HEADER
    rows, rejects = [], []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2
        entreprise = clean_text(record["entreprise"])
        if not entreprise:
            rejects.append((line, "entreprise manquante"))
            continue
        siren = re.sub(r"\D", "", record["siren"] or "")
        coords = coordinates(record["coordonnees_gps"])
        row = Row(
            ligne=line, nom=clean_text(record["description_projet"])[:200] if clean_text(
                record["description_projet"]) else entreprise,
            entreprise=entreprise, siren=siren[:9] if len(siren) in (9, 14) else None,
            mesure=clean_text(record["mesure"]), type_entreprise=clean_text(record["type_entreprise"]),
            filiere=clean_text(record["filiere"]), description=clean_text(record["description_projet"]),
            commune_nom=clean_text(record["nom_commune"]), code_postal=postcode(record["code_postal"]),
            departement_code=departement_code(record["code_departement"]),
            lat=coords[0] if coords else None, lon=coords[1] if coords else None,
            date=clean_text(record["mise_a_jour"]),
        )
        if record["coordonnees_gps"].strip() and coords is None:
            row.problemes.append(f"coordonnées illisibles : {record['coordonnees_gps'][:40]!r}")
        if not (coords or row.code_postal or row.departement_code):
            rejects.append((line, "aucune localisation (ni coordonnées, ni code postal, ni département)"))
            continue
        rows.append(row)
    return rows, rejects


def _find_columns(frame: pd.DataFrame) -> dict[str, str]:
    keys = {_column_key(c): c for c in frame.columns}
    found = {}
    for target, names in ALIASES.items():
        for alias in names:
            if alias in keys:
                found[target] = keys[alias]
                break
    return found


def _read_staff(frame: pd.DataFrame, name: str) -> tuple[list[Row], list[tuple[int, str]]]:
    columns = _find_columns(frame)
    if "nom" not in columns:
        raise ImportError_(f"{name} : colonne du nom du projet manquante (attendu : "
                           f"{', '.join(ALIASES['nom'][:4])}…) ; colonnes lues : {', '.join(frame.columns)[:200]}")
    located = {"commune_code", "commune_nom", "code_postal", "lat", "coordonnees"} & set(columns)
    if not located:
        raise ImportError_(f"{name} : aucune colonne de localisation (code_insee, commune et code_postal, ou "
                           "latitude et longitude)")
    rows, rejects = [], []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2

        def get(field_name: str, record=record) -> str | None:
            return clean_text(record[columns[field_name]]) if field_name in columns else None

        nom = get("nom")
        if not nom:
            rejects.append((line, "nom du projet manquant"))
            continue
        row = Row(ligne=line, nom=nom, entreprise=get("entreprise"), mesure=get("mesure"), date=get("date"))
        problems = []
        siren = re.sub(r"\D", "", get("siren") or "")
        row.siren = siren[:9] if len(siren) in (9, 14) else None
        code = get("commune_code")
        if code:
            code = code.upper().zfill(5) if re.fullmatch(r"\d{4,5}|2[AB]\d{3}", code.upper()) else None
            if code is None:
                problems.append(f"code commune illisible : {get('commune_code')!r}")
        row.commune_code = code
        row.commune_nom = get("commune_nom")
        row.code_postal = postcode(get("code_postal"))
        if get("code_postal") and not row.code_postal:
            problems.append(f"code postal illisible : {get('code_postal')!r}")
        coords = None
        if "lat" in columns and "lon" in columns:
            try:
                lat = float((get("lat") or "").replace(",", "."))
                lon = float((get("lon") or "").replace(",", "."))
                coords = (lat, lon) if _plausible(lat, lon) else None
            except ValueError:
                coords = None
        elif "coordonnees" in columns:
            coords = coordinates(get("coordonnees"))
        if coords:
            row.lat, row.lon = coords
        for target in ("montant_aide", "montant_investissement"):
            raw = get(target)
            try:
                setattr(row, target, parse_amount(raw))
            except ValueError as exc:
                problems.append(str(exc))
        priority = _plain(get("priorite") or "")
        if priority:
            row.priorite = next((v for k, v in PRIORITY_WORDS.items() if k in priority), None)
            if row.priorite is None:
                problems.append(f"priorité inconnue : {get('priorite')!r}")
        ti = (get("ti_id") or "").lower()
        if ti:
            row.ti_id = ti if re.fullmatch(r"ti-\d{4}", ti) else None
            if row.ti_id is None:
                problems.append(f"identifiant de territoire illisible : {get('ti_id')!r}")
        if not (row.commune_code or row.code_postal or coords or row.commune_nom):
            rejects.append((line, "aucune localisation lisible" + (f" ({'; '.join(problems)})" if problems else "")))
            continue
        blocking = [p for p in problems if p.startswith(("montant", "priorité", "identifiant"))]
        if blocking:
            rejects.append((line, "; ".join(blocking)))
            continue
        row.problemes = problems
        rows.append(row)
    return rows, rejects


# --- Placement ---------------------------------------------------------------------------------------------


@dataclass
class Reference:
    """What placement needs, read from the built database (and the 2018 commune polygons when available)."""

    communes: pd.DataFrame  # code, nom, departement_code, epci_siren
    postcodes: dict[str, list[str]]  # code postal -> commune codes
    former: dict[str, str]  # former commune code -> current
    territory_of_commune: dict[tuple[int, str], str]  # (phase, commune) -> ti_id
    territory_shapes: dict[int, tuple]  # phase -> (ids, STRtree, polygons)
    raw: Path | None = None
    _commune_shapes: dict[str, tuple[list[str], list]] = field(default_factory=dict)

    @classmethod
    def from_database(cls, con, raw: Path | None) -> Reference:
        from relance import db

        communes = db.run(con, "placement_communes")
        postcodes: dict[str, list[str]] = {}
        for row in db.run(con, "placement_codes_postaux").itertuples():
            postcodes.setdefault(row.code_postal, []).append(row.commune_code)
        former_codes = db.run(con, "placement_anciens_codes")
        former = dict(zip(former_codes["ancien_code"], former_codes["commune_code"], strict=True))
        membership = {(r.phase, r.commune_code): r.ti_id for r in db.run(con, "placement_territoire_communes")
                      .itertuples()}
        shapes = {}
        for phase in (1, 2):
            rows = db.run(con, "placement_contours", phase=phase)
            geoms = [shapely.from_geojson(g) for g in rows["geojson"]]
            shapes[phase] = (list(rows["ti_id"]), shapely.STRtree(geoms), geoms)
        return cls(communes.set_index("code"), postcodes, former, membership, shapes,
                   raw if raw and Path(raw).is_dir() else None)

    def commune_at(self, lat: float, lon: float, departements: list[str]) -> str | None:
        """The current commune whose 2018 polygon holds the point (searching the given départements)."""
        if self.raw is None:
            return None
        point = shapely.Point(lon, lat)
        for dep in departements:
            if dep not in self._commune_shapes:
                try:
                    found = sources.read_commune_polygons(self.raw, _AllCodes(), {dep})
                except sources.SourceError:
                    found = {}
                self._commune_shapes[dep] = (list(found), list(found.values()))
            codes, geoms = self._commune_shapes[dep]
            for code, geom in zip(codes, geoms, strict=True):
                if geom.contains(point):
                    code = self.former.get(code, code)
                    return code if code in self.communes.index else None
        return None

    def territory_at(self, phase: int, lat: float, lon: float) -> str | None:
        ids, tree, geoms = self.territory_shapes[phase]
        point = shapely.Point(lon, lat)
        for index in tree.query(point):
            if geoms[index].contains(point):
                return ids[index]
        return None


class _AllCodes:
    """A set that contains every commune code (read a whole département's polygons)."""

    def __contains__(self, item) -> bool:
        return True


@dataclass
class Placement:
    """Where a project lands and why."""

    commune_code: str | None
    epci_siren: str | None
    departement_code: str | None
    territoires: dict[int, str | None]
    methode: str
    confiance: str  # "haute", "moyenne", "faible", "non placé"


def place(row: Row, ref: Reference) -> Placement:
    """Place a project by the evidence that agrees (see the module docstring)."""
    communes = ref.communes
    dep = row.departement_code or (row.code_postal[:2] if row.code_postal else None)
    if dep == "97" and row.code_postal:
        dep = row.code_postal[:3]
    if dep == "20" and row.code_postal:  # Corsica: the postcode does not tell 2A from 2B
        dep = None
    by_postcode = ref.postcodes.get(row.code_postal, []) if row.code_postal else []
    commune, method, confidence = None, "", "non placé"

    if row.commune_code:
        code = ref.former.get(row.commune_code, row.commune_code)
        if code in communes.index:
            commune, method, confidence = code, "code commune", "haute"
        else:
            row.problemes.append(f"code commune inconnu : {row.commune_code}")
    if commune is None and row.lat is not None:
        candidates = [dep] if dep else []
        candidates += sorted({communes.loc[c, "departement_code"] for c in by_postcode} - set(candidates))
        found = ref.commune_at(row.lat, row.lon, candidates) if candidates else None
        if found:
            commune = found
            if row.code_postal and found in by_postcode:
                method, confidence = "coordonnées et code postal concordants", "haute"
            elif row.code_postal:
                method, confidence = "coordonnées (le code postal désigne une autre commune)", "moyenne"
            else:
                method, confidence = "coordonnées", "moyenne"
    if commune is None and by_postcode:
        named = [c for c in by_postcode if row.commune_nom and _plain(communes.loc[c, "nom"]) == _plain(
            row.commune_nom)]
        if len(by_postcode) == 1:
            commune, method, confidence = by_postcode[0], "code postal (commune unique)", "moyenne"
        elif len(named) == 1:
            commune, method, confidence = named[0], "code postal et nom de commune concordants", "moyenne"
    if commune is None and row.commune_nom and row.lat is None:
        same_name = communes["nom"].map(_plain) == _plain(row.commune_nom)
        named = communes.index[same_name & (communes["departement_code"] == dep)] if dep else communes.index[
            same_name]
        if len(named) == 1:
            commune = named[0]
            method = "nom de commune et département" if dep else "nom de commune (unique en France)"
            confidence = "faible"
        elif len(named) > 1:
            row.problemes.append(f"nom de commune ambigu : {len(named)} communes « {row.commune_nom} »"
                                 + ("" if dep else " (donnez le code postal ou le code INSEE)"))
        elif not by_postcode:
            row.problemes.append(f"commune inconnue : « {row.commune_nom} »")

    territories: dict[int, str | None] = {}
    for phase in (1, 2):
        if commune is not None:
            territories[phase] = ref.territory_of_commune.get((phase, commune))
        elif row.lat is not None:
            territories[phase] = ref.territory_at(phase, row.lat, row.lon)
        else:
            territories[phase] = None
    if commune is None and row.lat is not None and any(territories.values()):
        method, confidence = "coordonnées dans le contour du territoire (commune non décidée)", "faible"
    elif commune is None and not method:
        method = "code postal ambigu" if len(by_postcode) > 1 else "aucun indice concordant"
    if row.ti_id and row.ti_id not in territories.values():
        placed = ", ".join(t for t in territories.values() if t) or "hors territoire"
        row.problemes.append(f"territoire déclaré {row.ti_id}, placé : {placed}")
    epci = communes.loc[commune, "epci_siren"] if commune is not None else None
    if commune is not None:
        dep = communes.loc[commune, "departement_code"]
        if row.departement_code and row.departement_code != dep:
            row.problemes.append(f"département {row.departement_code} publié, commune placée en {dep}")
            confidence = "faible"
    if row.commune_nom and commune is not None and _plain(row.commune_nom) != _plain(communes.loc[commune, "nom"]):
        row.problemes.append(f"nom de commune publié « {row.commune_nom} » écarté (placée à "
                             f"{communes.loc[commune, 'nom']})")
    return Placement(commune, epci if isinstance(epci, str) else None, dep, territories, method, confidence)


# --- Stored imports ----------------------------------------------------------------------------------------

MEASURES_FILE = Path(__file__).resolve().parent / "reference" / "mesures_priorites.csv"
SOURCE_LABELS = {"dge": "DGE, Plan de relance – projets industriels", "liste": "liste de l'équipe"}


def measure_priorities() -> pd.DataFrame:
    """The reviewed mapping of each France Relance measure to a programme priority."""
    return sources.read_csv_checked(MEASURES_FILE, ["mesure", "priorite", "justification"], sep=";")


def priority_of(measure: str | None, mapping: pd.DataFrame) -> str | None:
    """The priority of a measure (names compared without accents or apostrophe styles; prefix allowed)."""
    if not measure:
        return None
    key = _plain(measure)
    for row in mapping.itertuples():
        reference = _plain(row.mesure)
        if key == reference or key.startswith(reference):
            return row.priorite
    return None


def imports_dir(db: Path) -> Path:
    """Where imported project files are kept: $RELANCE_IMPORTS, else `imports/` beside the database."""
    import os

    return Path(os.environ.get("RELANCE_IMPORTS") or Path(db).parent / "imports")


def store(parsed: Parsed, content: bytes, folder: Path, day: str) -> tuple[str, bool]:
    """Keep an imported file (named by its content hash); (import_id, False) when it was there already."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    import_id = parsed.sha256[:16]
    meta = folder / f"{import_id}.json"
    if meta.exists():
        return import_id, False
    suffix = ".xlsx" if content[:4] == b"PK\x03\x04" else ".csv"
    (folder / f"{import_id}{suffix}").write_bytes(content)
    meta.write_text(json.dumps({"fichier": parsed.name, "format": parsed.format, "importe_le": day,
                                "sha256": parsed.sha256}, ensure_ascii=False), encoding="utf-8")
    return import_id, True


def stored(folder: Path) -> list[dict]:
    """The imports kept in `folder`, oldest first."""
    import json

    out = []
    for meta in sorted(Path(folder).glob("*.json")):
        info = json.loads(meta.read_text(encoding="utf-8"))
        data = next((p for p in meta.parent.glob(f"{meta.stem}.*") if p.suffix != ".json"), None)
        if data is not None:
            out.append({**info, "import_id": meta.stem, "path": data})
    return sorted(out, key=lambda i: (i["importe_le"], i["import_id"]))


def remove(folder: Path, import_id: str) -> bool:
    """Forget an import (its file and metadata); False if unknown."""
    if not re.fullmatch(r"[0-9a-f]{16}", import_id):
        return False
    found = list(Path(folder).glob(f"{import_id}.*"))
    for path in found:
        path.unlink()
    return bool(found)


def set_aside(folder: Path, import_id: str) -> list[tuple[Path, Path]]:
    """Move an import's files out of the way (renamed), so a rebuild leaves it out; see restore/discard."""
    if not re.fullmatch(r"[0-9a-f]{16}", import_id):
        raise ImportError_(f"import inconnu : {import_id}")
    moved = []
    for path in Path(folder).glob(f"{import_id}.*"):
        aside = path.with_name(path.name + ".retire")
        path.rename(aside)
        moved.append((path, aside))
    if not moved:
        raise ImportError_(f"import inconnu : {import_id}")
    return moved


def restore(moved: list[tuple[Path, Path]]) -> None:
    """Put set-aside files back (the rebuild failed)."""
    for original, aside in moved:
        aside.rename(original)


def discard(moved: list[tuple[Path, Path]]) -> None:
    """Delete set-aside files (the rebuild succeeded)."""
    for _, aside in moved:
        aside.unlink(missing_ok=True)


def official_files(raw: Path) -> list[Path]:
    """The full DGE list where `sync` puts it (the 14-row extract is for tests and is imported by hand)."""
    folder = Path(raw) / "dge-plan-de-relance"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def tables(con, raw: Path, folder: Path) -> dict[str, pd.DataFrame]:
    """projet, projet_territoire, projet_import, projet_rejet, mesure_priorite from every loaded list."""
    import datetime as dt

    mapping = measure_priorities()
    items = [{"import_id": "dge-" + p.stem[:11], "fichier": p.name, "path": p, "format": None,
              "importe_le": dt.date.fromtimestamp(p.stat().st_mtime).isoformat()} for p in official_files(raw)]
    items += stored(folder)
    ref = Reference.from_database(con, raw)
    projects, links, imports, rejects = [], [], [], []
    for item in items:
        content = Path(item["path"]).read_bytes()
        try:
            parsed = parse(content, item["fichier"])
        except ImportError_ as exc:
            raise sources.SourceError(item["path"], str(exc)) from exc
        imports.append({"import_id": item["import_id"], "fichier": item["fichier"], "format": parsed.format,
                        "source": SOURCE_LABELS[parsed.format], "importe_le": item["importe_le"],
                        "lignes": len(parsed.rows), "rejetees": len(parsed.rejects), "sha256": parsed.sha256})
        rejects += [{"import_id": item["import_id"], "ligne": line, "motif": reason}
                    for line, reason in parsed.rejects]
        for row in parsed.rows:
            placement = place(row, ref)
            projet_id = f"{item['import_id']}-{row.ligne}"
            projects.append({
                "projet_id": projet_id, "source": SOURCE_LABELS[parsed.format], "import_id": item["import_id"],
                "ligne": row.ligne, "nom": row.nom, "entreprise": row.entreprise, "siren": row.siren,
                "type_entreprise": row.type_entreprise, "filiere": row.filiere, "mesure": row.mesure,
                "priorite": row.priorite or priority_of(row.mesure, mapping),
                "departement_code": placement.departement_code, "commune_code": placement.commune_code,
                "epci_siren": placement.epci_siren, "lat": row.lat, "lon": row.lon,
                "placement": placement.methode, "confiance": placement.confiance,
                "problemes": "; ".join(row.problemes) or None, "montant_aide": row.montant_aide,
                "montant_investissement": row.montant_investissement, "date": row.date,
                "description": row.description,
            })
            links += [{"projet_id": projet_id, "phase": phase, "ti_id": ti}
                      for phase, ti in placement.territoires.items() if ti]
    columns = {
        "projet": ["projet_id", "source", "import_id", "ligne", "nom", "entreprise", "siren", "type_entreprise",
                   "filiere", "mesure", "priorite", "departement_code", "commune_code", "epci_siren", "lat", "lon",
                   "placement", "confiance", "problemes", "montant_aide", "montant_investissement", "date",
                   "description"],
        "projet_territoire": ["projet_id", "phase", "ti_id"],
        "projet_import": ["import_id", "fichier", "format", "source", "importe_le", "lignes", "rejetees", "sha256"],
        "projet_rejet": ["import_id", "ligne", "motif"],
    }
    out = {name: pd.DataFrame(rows, columns=columns[name])
           for name, rows in (("projet", projects), ("projet_territoire", links), ("projet_import", imports),
                              ("projet_rejet", rejects))}
    out["mesure_priorite"] = mapping
    return out
