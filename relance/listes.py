"""Project lists as their authors wrote them: the DGE list and staff lists (CSV or XLSX), read and checked row by row.

Nothing here places or stores a project: `placement` says where each row lands, the build stores the lists.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import math
import re
import sys
import threading
import unicodedata
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from relance import fmt
from relance.errors import ListeError

DEP_CODE_RE = re.compile(r"^(\d{2}|2A|2B|97\d)$")
SOURCE_LABELS = {"dge": "DGE, Plan de relance – projets industriels", "liste": "liste de l'équipe"}
FORMAT_LABELS = {"dge": "liste officielle DGE", "liste": "liste de l'équipe"}
OFFICIAL_HEADER = [
    "entreprise", "type_entreprise", "siren", "volet_relance", "mesure", "nom_departement", "nom_commune",
    "code_postal", "coordonnees_gps", "description_projet", "mesure_light", "mise_a_jour", "filiere",
    "tonnes_equivalent_co2_pour_les_projets_decarbonation", "code_departement", "nom_region",
]
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
    "montant_aide": ["montant_aide", "aide", "subvention", "montant_subvention", "aide_accordee", "montant",
                     "montant_aide_accordee", "aide_france_relance", "montant_aide_france_relance",
                     "montant_subvention_accordee", "aide_publique"],
    "montant_investissement": ["montant_investissement", "investissement", "cout_total", "montant_total",
                               "cout_projet", "cout_total_projet", "cout_total_investissement",
                               "montant_total_investissement", "investissement_total", "assiette_eligible"],
    "mesure": ["mesure", "dispositif", "appel", "appel_a_projets", "mesure_france_relance", "volet"],
    "priorite": ["priorite", "axe"],
    "date": ["date", "date_decision", "date_attribution", "annee", "date_laureat", "date_notification",
             "annee_decision", "date_signature"],
    "ti_id": ["ti_id", "territoire", "id_territoire", "territoire_industrie"],
}
PRIORITY_WORDS = {"foncier": "foncier", "accueillir": "foncier", "competences": "competences",
                  "recruter": "competences", "innover": "innover", "decarboner": "innover", "innovation": "innover"}


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
    annee: int | None = None
    tonnes_co2: float | None = None
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
    warnings: list[str] = field(default_factory=list)  # about the file as a whole (columns not read)


@functools.lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces: for comparing names."""
    text = str(text).replace("’", "'").replace("‘", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_STOPWORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "en", "eur", "euros", "e", "ht", "ttc"}


def _column_key(name: str) -> str:
    """A header as compared with the aliases: `Montant de l'aide (€)` -> `montant_aide`."""
    text = re.sub(r"\([^)]*\)", " ", str(name)).replace("€", " ")
    return "_".join(w for w in plain(text).split() if w not in _STOPWORDS)


MAX_TEXT = 2000  # characters kept of any text cell (a description is a few hundred)


def clean_text(value, limit: int = MAX_TEXT) -> str | None:
    """Text without HTML entities, tags or surrounding spaces, cut at `limit` characters; None when empty."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = html.unescape(str(value)[: limit * 4])
    text = re.sub(r"<[^>]+>", " ", text)
    text = fmt.sans_controle(re.sub(r"\s+", " ", text)).strip()
    return text[:limit] or None


def parse_amount(value) -> float | None:
    """French amounts: `1 200,50 €`, `1.200,50`, `12 k€`, `1,2 M€` -> euros; ValueError if unreadable."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float)):
        return _plausible_amount(float(value), value)
    text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")[:40]
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
    return _plausible_amount(amount, value)


MAX_AMOUNT = 1e10  # euros: no single France Relance aid comes near 10 billion (the whole plan is 100 billion)


def _plausible_amount(amount: float, value) -> float:
    if not math.isfinite(amount) or amount > MAX_AMOUNT:
        raise ValueError(f"montant non plausible : {str(value)[:30]!r} (plus de 10 milliards d'euros)")
    if amount < 0:
        raise ValueError(f"montant négatif : {str(value)[:30]!r}")
    return amount


def year_of(value) -> int | None:
    """The year of a date as written (`2021-05-01`, `05/2021`, `2021`): a year of the plan, 2020 to 2023."""
    match = re.search(r"(?<!\d)(20[2-3]\d)(?!\d)", str(value or ""))
    return int(match.group(1)) if match and 2020 <= int(match.group(1)) <= 2023 else None


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
    return text if DEP_CODE_RE.match(text) else None


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


MAX_COLUMNS = 100
MAX_LINE = 200_000  # characters of one CSV line
MAX_UNCOMPRESSED = 60 * 1024 * 1024  # bytes of a workbook's sheets and strings once unzipped


def _line_of(content: bytes, offset: int) -> int:
    return content[:offset].count(b"\n") + 1


def _decode(content: bytes, name: str) -> str:
    """A CSV's text: UTF-16 (with its byte-order mark), UTF-8 (with or without), else Windows-1252 when no byte
    of the file is UTF-8 (a file mixing both is refused, naming the line, never guessed as a whole); line endings
    made `\n` (a bare CR inside a cell is a line break, never a row split)."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        if len(content) % 2:
            raise ListeError(f"{name} : fichier UTF-16 tronqué (un nombre impair d'octets) : enregistrez-le de "
                             "nouveau, de préférence en CSV UTF-8")
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ListeError(f"{name} : fichier UTF-16 illisible vers l'octet {exc.start} : enregistrez-le de "
                             "nouveau, de préférence en CSV UTF-8") from exc
    elif b"\x00" in content[:4096]:
        raise ListeError(f"{name} : ce n'est pas un fichier texte CSV ni un classeur XLSX")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            loose = content.decode("utf-8", errors="replace")
            if any(ord(c) > 127 and c != "\ufffd" for c in loose):  # UTF-8 elsewhere in the file: two encodings
                raise ListeError(
                    f"{name}, ligne {_line_of(content, exc.start)} : caractère qui n'est pas en UTF-8 (octet "
                    f"{content[exc.start]:#04x}) alors que le reste du fichier l'est : le fichier mélange deux "
                    "encodages. Corrigez cette ligne, ou enregistrez le fichier en « CSV UTF-8 »") from exc
            text = content.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


SEPARATORS = {";": "point-virgule", "\t": "tabulation", ",": "virgule"}


def _sniff(text: str) -> str:
    """The column separator: the one that splits the first lines (quotes respected) into the same number of fields,
    more than one; `;`, then tab, then `,` when several do."""
    sample = text.split("\n", 30)[:30]
    best, score = ";", (-1, 0)
    for sep in SEPARATORS:
        counts = [len(r) for r in csv.reader(sample, delimiter=sep) if any(f.strip() for f in r)]
        if not counts or max(counts) < 2:
            continue
        header = counts[0]
        agreeing = sum(1 for c in counts[1:] if c == header)
        candidate = (agreeing, header)
        if candidate > score:
            best, score = sep, candidate
    return best


def _read_csv(text: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows of a CSV read with the csv module (quoted fields may hold separators and line breaks)."""
    sep = _sniff(text)
    return _frame(list(csv.reader(io.StringIO(text), delimiter=sep)), name, split_is_error=sep == ",")


def _frame(rows: list[list[str]], name: str, split_is_error: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """A table of text cells under its header (the first non-empty row): every row has the header's number of
    fields. Empty fields past the header are ignored; text past it is a note (said, not read) but, in a comma file
    (`split_is_error`), a cell split by a comma in an amount (refused, with the line and the fix). A repeated
    column name gets its rank."""
    line = 0
    while rows and not any(f.strip() for f in rows[0]):
        rows.pop(0)
        line += 1
    if not rows:
        raise ListeError(f"{name} : fichier vide")
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()  # empty cells right of the header
    seen: dict[str, int] = {}
    for index, column in enumerate(header):  # a repeated name gets its rank, as a spreadsheet would show it apart
        seen[column] = seen.get(column, 0) + 1
        if seen[column] > 1:
            header[index] = f"{column or 'colonne sans nom'} ({seen[column]})"
    width = len(header)
    if width > MAX_COLUMNS:
        raise ListeError(f"{name} : {width} colonnes, au plus {MAX_COLUMNS}")
    if width < 2:
        raise ListeError(f"{name} : une seule colonne lue ({header[0][:60] if header else ''!r}) : séparez les "
                         "colonnes par « ; » (ou par des virgules, ou des tabulations)")
    warnings, body = [], []
    line += 1
    for row in rows[1:]:
        line += 1
        if not any(f.strip() for f in row):
            continue
        extra = [f for f in row[width:] if f.strip()]
        if extra and split_is_error:
            raise ListeError(
                f"{name}, ligne {line} : {len(row)} champs au lieu des {width} de l'en-tête : une virgule dans un "
                f"montant (« 1 200,50 ») coupe la ligne. Séparez les colonnes par « ; », ou mettez les montants entre "
                "guillemets")
        if extra:
            warnings.append(f"ligne {line} : texte à droite des colonnes, non lu (« {clean_text(extra[0], 40)} »)")
        body.append((row + [""] * width)[:width])
    return pd.DataFrame(body, columns=header, dtype=str), warnings


def _read_xlsx(content: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    """The first sheet of a workbook, its size checked before parsing (uncompressed sheets, rows, columns);
    warnings for the other sheets and for formulas without a stored value."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        # every part, wherever it lives in the archive: the workbook's relationships may name any of them
        sizes = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ListeError(f"{name} : classeur XLSX illisible ({exc})") from exc
    if sizes > MAX_UNCOMPRESSED:
        raise ListeError(f"{name} : classeur trop gros une fois décompressé ({sizes / 1e6:.0f} Mo, au plus "
                         f"{MAX_UNCOMPRESSED / 1e6:.0f} Mo) : il n'est pas lu")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise ListeError(f"{name} : classeur XLSX illisible ({exc})") from exc
    warnings = []
    if len(book.sheetnames) > 1:
        warnings.append(f"le classeur a {len(book.sheetnames)} feuilles : seule la première (« {book.sheetnames[0]} »)"
                        f" est lue, pas {', '.join(f'« {n} »' for n in book.sheetnames[1:4])}"
                        f"{'…' if len(book.sheetnames) > 4 else ''}")
    rows = []
    for index, row in enumerate(book.worksheets[0].iter_rows(values_only=True)):
        if index > MAX_ROWS:
            raise ListeError(f"{name} : plus de {fmt.compte(MAX_ROWS, 'ligne')} : le fichier n'est pas lu")
        if len(row) > MAX_COLUMNS:
            raise ListeError(f"{name} : {len(row)} colonnes, au plus {MAX_COLUMNS}")
        rows.append(["" if v is None else str(v)[: MAX_TEXT * 4] for v in row])
    book.close()
    sheet = next((n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")), None)
    if sheet:
        empty = _formulas_without_value(archive, sheet)
        if empty:
            warnings.append(f"{len(empty)} cellule(s) contiennent une formule sans valeur calculée ("
                            f"{', '.join(empty[:5])}{'…' if len(empty) > 5 else ''}) : elles sont lues vides ; "
                            "ouvrez le classeur dans un tableur et enregistrez-le pour calculer leurs valeurs")
    if not any(any(c.strip() for c in r) for r in rows):
        raise ListeError(f"{name} : feuille vide")
    frame, notes = _frame(rows, name)
    return frame, warnings + notes


def _formulas_without_value(archive: zipfile.ZipFile, sheet: str) -> list[str]:
    """The cells of a sheet that hold a formula and no stored value, read in one pass of the XML (linear in the
    sheet's size: a regular expression here took 14 s on 8 000 styled empty cells)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml.common import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    found = []
    try:
        with archive.open(sheet) as stream:
            for _, element in iterparse(stream, events=("end",)):
                if element.tag.endswith("}c"):
                    children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                    value = children.get("v")
                    if "f" in children and (value is None or not (value.text or "").strip()):
                        found.append(element.get("r", "?"))
                    element.clear()
                elif element.tag.endswith("}row"):
                    element.clear()
    except (ParseError, DefusedXmlException, OSError, zipfile.BadZipFile):
        return found
    return found


def read_table(content: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    """A CSV (`;` or `,`, UTF-8, UTF-16 or cp1252) or XLSX file as text cells, and warnings about what is not
    read; limits are checked on what is read (size, rows, columns, line length), before a full parse."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ListeError(f"{name} : fichier trop gros ({len(content) / 1e6:.1f} Mo, au plus "
                         f"{MAX_UPLOAD_BYTES / 1e6:.0f} Mo)")
    if not content.strip():
        raise ListeError(f"{name} : fichier vide")
    warnings: list[str] = []
    if content[:4] == b"PK\x03\x04":
        frame, warnings = _read_xlsx(content, name)
    else:
        text = _decode(content, name)
        lines = text.count("\n")
        if lines > MAX_ROWS + 1:
            raise ListeError(f"{name} : {fmt.compte(lines, 'ligne')}, au plus {fmt.nombre(MAX_ROWS)} : "
                             "le fichier n'est pas lu")
        if max((len(line) for line in text.split("\n")), default=0) > MAX_LINE:
            raise ListeError(f"{name} : une ligne dépasse {fmt.compte(MAX_LINE, 'caractère')} : "
                             "le fichier n'est pas lu")
        frame, warnings = _read_csv(text, name)
    if len(frame) > MAX_ROWS:
        raise ListeError(f"{name} : {fmt.compte(len(frame), 'ligne')}, au plus {fmt.nombre(MAX_ROWS)}")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna(""), warnings


def content_digest(content: bytes) -> str:
    """A list's fingerprint: the bytes of a workbook; a CSV's text, whatever its byte-order mark, encoding of
    line endings (so the same list saved again is not imported twice)."""
    if content[:4] == b"PK\x03\x04":
        return hashlib.sha256(content).hexdigest()
    try:
        text = _decode(content, "")
    except ListeError:
        return hashlib.sha256(content).hexdigest()
    return hashlib.sha256(text.rstrip("\n").encode("utf-8")).hexdigest()


def parse(content: bytes, name: str) -> Parsed:
    """Read a project file, telling the official DGE format and staff lists apart by their header."""
    frame, warnings = read_table(content, name)
    digest = content_digest(content)
    if [plain(c).replace(" ", "_") for c in frame.columns] == OFFICIAL_HEADER:
        rows, rejects = _read_official(frame)
        return Parsed("dge", rows, rejects, digest, name, warnings)
    rows, rejects, staff_warnings = _read_staff(frame, name)
    return Parsed("liste", rows, rejects, digest, name, warnings + staff_warnings)


def _read_official(frame: pd.DataFrame) -> tuple[list[Row], list[tuple[int, str]]]:
    frame.columns = OFFICIAL_HEADER
    rows, rejects = [], []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2
        entreprise = clean_text(record["entreprise"])
        siren = re.sub(r"\D", "", record["siren"] or "")
        coords = coordinates(record["coordonnees_gps"])
        row = Row(
            ligne=line, nom=clean_text(record["description_projet"])[:200] if clean_text(
                record["description_projet"]) else (entreprise or "projet sans description"),
            entreprise=entreprise, siren=siren[:9] if len(siren) in (9, 14) else None,
            mesure=clean_text(record["mesure"]), type_entreprise=clean_text(record["type_entreprise"]),
            filiere=clean_text(record["filiere"]), description=clean_text(record["description_projet"]),
            commune_nom=clean_text(record["nom_commune"]), code_postal=postcode(record["code_postal"]),
            departement_code=departement_code(record["code_departement"]),
            lat=coords[0] if coords else None, lon=coords[1] if coords else None,
            date=clean_text(record["mise_a_jour"]), annee=year_of(record["mise_a_jour"]),
        )
        if not entreprise:
            row.problemes.append("entreprise non publiée dans la liste DGE")
        co2 = clean_text(record["tonnes_equivalent_co2_pour_les_projets_decarbonation"])
        if co2:
            try:
                row.tonnes_co2 = float(co2.replace(",", ".").replace(" ", ""))
            except ValueError:
                row.problemes.append(f"tonnes de CO2 illisibles : {co2[:40]!r}")
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


def _read_staff(frame: pd.DataFrame, name: str) -> tuple[list[Row], list[tuple[int, str]], list[str]]:
    columns = _find_columns(frame)
    if "nom" not in columns:
        raise ListeError(f"{name} : colonne du nom du projet manquante (attendu : "
                           f"{', '.join(ALIASES['nom'][:4])}…) ; colonnes lues : {', '.join(frame.columns)[:200]}")
    located = {"commune_code", "commune_nom", "code_postal", "lat", "coordonnees"} & set(columns)
    if not located:
        raise ListeError(f"{name} : aucune colonne de localisation (code_insee, commune et code_postal, ou "
                           "latitude et longitude)")
    warnings = unread_columns(frame, set(columns.values()))
    rows, rejects = [], []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2

        def get(field_name: str, record=record) -> str | None:
            return clean_text(record[columns[field_name]]) if field_name in columns else None

        nom = get("nom")
        if not nom:
            rejects.append((line, "nom du projet manquant"))
            continue
        row = Row(ligne=line, nom=nom, entreprise=get("entreprise"), mesure=get("mesure"), date=get("date"),
                  annee=year_of(get("date")))
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
        priority = plain(get("priorite") or "")
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
    return rows, rejects, warnings


_AMOUNT_WORDS = {"montant", "aide", "aides", "cout", "subvention", "budget", "financement", "investissement", "prix",
                 "depense", "depenses", "assiette"}
_DATE_WORDS = {"date", "annee", "mois", "jour"}
_DATE_RE = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}(-\d{2})?|\d{1,2}/\d{4}|20\d{2})$")


def unread_columns(frame: pd.DataFrame, read: set[str]) -> list[str]:
    """Warnings for columns that look like an amount or a date but are not read (never a silent drop)."""
    warnings = []
    for column in frame.columns:
        if column in read:
            continue
        words = set(_column_key(column).split("_")) | ({"euro"} if "€" in str(column) else set())
        values = [v for v in frame[column].astype(str).str.strip() if v][:200]
        dates = sum(bool(_DATE_RE.match(v)) for v in values)
        amounts = 0
        for value in values:
            try:
                amounts += parse_amount(value) is not None and not _DATE_RE.match(value)
            except ValueError:
                pass
        if words & _DATE_WORDS or (values and dates / len(values) > 0.8):
            warnings.append(f"la colonne « {column} » ressemble à une date mais n'est pas reconnue : elle n'est pas "
                            "lue (renommez-la « Date de décision » pour qu'elle le soit)")
        elif words & (_AMOUNT_WORDS | {"euro"}) or (values and amounts / len(values) > 0.8 and "€" in "".join(values)):
            warnings.append(f"la colonne « {column} » ressemble à un montant mais n'est pas reconnue : elle n'est pas "
                            "lue (renommez-la « Montant de l'aide (€) » ou « Coût total du projet (€) »)")
    return warnings


def measure_map(mapping: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The reviewed measure -> priority mapping (`mesure`, `priorite` columns): (plain name, priority, name)."""
    return [(plain(m), p, m) for m, p in zip(mapping["mesure"], mapping["priorite"], strict=True)]


def _mapped(measure: str | None, mapping: list[tuple[str, str, str]]) -> tuple[str, str] | None:
    if not measure:
        return None
    key = plain(measure)
    for reference, priorite, name in mapping:
        if key == reference or key.startswith(reference):
            return priorite, name
    return None


def priority_of(measure: str | None, mapping: list[tuple[str, str, str]]) -> str | None:
    """The priority of a measure (see `measure_map`): names compared without accents or apostrophe styles, a
    longer name starting with a mapped one allowed."""
    found = _mapped(measure, mapping)
    return found[0] if found else None


def measure_name(measure: str | None) -> str | None:
    """A measure as stored: typographic apostrophes made straight (’ and ' are the same measure)."""
    return measure.replace("’", "'").replace("‘", "'") if measure else measure


def classify(row: Row, mapping: list[tuple[str, str, str]]) -> str | None:
    """The row's priority (given, else its measure's), its measure name normalised; a measure the reviewed
    mapping does not know is recorded as a problem."""
    found = _mapped(row.mesure, mapping)
    if found and plain(row.mesure) == plain(found[1]):
        row.mesure = found[1]
    else:
        row.mesure = measure_name(row.mesure)
    if row.mesure and not found and not row.priorite:
        row.problemes.append(f"mesure non reconnue : « {row.mesure[:60]} » (priorité non classée)")
    return row.priorite or (found[0] if found else None)


PARSE_SECONDS = 30  # a preview's parse, in its own process, is stopped past this time...
PARSE_MEMORY = 2 * 1024**3  # ... or this address space (bytes): a slow or huge file costs its own user only


def _parse_worker(connection, content: bytes, name: str, memory: int) -> None:
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        connection.send(("lu", parse(content, name)))
    except ListeError as exc:
        connection.send(("refus", str(exc)))
    except MemoryError:
        connection.send(("refus", f"{name} : la lecture demande trop de mémoire : le fichier n'est pas lu"))
    except Exception as exc:  # the server gets a French message, never the worker's traceback
        connection.send(("refus", f"{name} : fichier illisible ({type(exc).__name__})"))
    finally:
        connection.close()


_MAIN_SWAP = threading.Lock()


def parse_bounded(content: bytes, name: str, seconds: float = PARSE_SECONDS, memory: int = PARSE_MEMORY) -> Parsed:
    """`parse` in a process of its own, stopped past `seconds` or `memory`: what the server does while a user
    previews a file (the size limits are checked first, here, before any process starts)."""
    import multiprocessing

    if len(content) > MAX_UPLOAD_BYTES:
        raise ListeError(f"{name} : fichier trop gros ({len(content) / 1e6:.1f} Mo, au plus "
                         f"{MAX_UPLOAD_BYTES / 1e6:.0f} Mo)")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["relance.listes"])
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_parse_worker, args=(sender, content, name, memory), daemon=True)
    # A new process runs the main module again first. Under Streamlit (and AppTest) the main module is the page
    # script being run: the worker would run the dashboard (or die on a test's script) before reading the file. It
    # is started with this module as the main one instead (a name, imported again: nothing runs).
    with _MAIN_SWAP:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = sys.modules[__name__]
        try:
            worker.start()
        finally:
            sys.modules["__main__"] = main
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ListeError(f"{name} : la lecture dépasse {seconds:.0f} s : le fichier n'est pas lu (enregistrez-le "
                             "en CSV, ou coupez-le en plusieurs listes)")
        kind, value = receiver.recv()
    except EOFError as exc:  # the process ended without a word: its memory limit
        raise ListeError(f"{name} : la lecture demande trop de mémoire : le fichier n'est pas lu") from exc
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
    if kind == "refus":
        raise ListeError(value)
    return value
