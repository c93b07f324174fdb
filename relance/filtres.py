"""The filters every page shares (phase, priorité, indicateur) and the parsing of address values.

Each parser returns (value, message in French or None): a value that is unknown, malformed, too long or
SQL-looking gives the default and a short message, with the bad value shown back inert.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from relance.fmt import sans_controle, verbatim

PHASES = {1: "Phase 1 (2018-2022)", 2: "Phase 2 (2023-2027)"}
DEFAULT_PHASE = 1
ALL_PRIORITIES = "toutes"  # address value for "every priority" (not a priority of the programme)
ALL_PRIORITIES_LABEL = "Toutes les priorités"
DEFAULT_INDICATOR = "nb-entreprises-industrielles-agricoles"
MAX_LEN = 64
COMPARE_LIMIT = 6
_TI_RE = re.compile(r"^ti-\d{4}$")


@dataclass(frozen=True)
class Priorite:
    """A priority of the programme, as reviewed in relance/reference/priorites.csv (loaded into the database)."""

    code: str
    libelle: str
    description: str
    couleur: str
    motif: str  # plotly pattern shape, so bars read in black and white
    symbole: str  # plotly marker symbol for points


NATURES = {"cumul": "cumul depuis le début", "stock": "effectif du mois", "annuel": "valeur de l'année",
           "campagne": "cumul de la campagne en cours"}


@dataclass(frozen=True)
class Indicateur:
    """A Baromètre indicator as offered to users."""

    id: str
    libelle: str
    libelle_court: str
    mesure: str
    unite: str
    priorite: str
    priorite_libelle: str
    derniere_date: dt.date
    nature: str  # cumul, stock, annuel, campagne (reviewed, relance/reference/indicateurs_lecture.csv)
    date_lecture: dt.date  # the date read by default
    raison_lecture: str
    dates: tuple[dt.date, ...]  # every date the départements publish

    @property
    def nature_libelle(self) -> str:
        return NATURES[self.nature]

    def date_libelle(self, day: dt.date) -> str:
        """A date as offered in the date list: what it means for this indicator."""
        from relance.fmt import date_longue

        text = date_longue(day)
        if day == self.date_lecture:
            text += " (lecture par défaut)"
        elif self.nature == "annuel" and (day.month, day.day) != (12, 31):
            text += " (année partielle)"
        elif self.nature == "campagne" and self.date_lecture.month == day.month:
            text += " (fin de campagne)"
        elif self.nature == "campagne":
            text += " (campagne en cours)"
        return text

    @property
    def unite_courte(self) -> str:
        """The unit without the Baromètre's long qualifiers (`Recrutements depuis le mois d'août précédent`)."""
        return self.unite.split(" depuis ")[0].lower()


@dataclass(frozen=True)
class Filtres:
    """What the sidebar holds for this run, handed by the entry to the page."""

    phase: int
    priorite: str  # ALL_PRIORITIES or a priority code
    priorite_libelle: str
    indicateur: Indicateur | None  # None when the priority has no Baromètre indicator
    date: dt.date | None = None  # the indicator's date read (its default reading date unless chosen)

    @property
    def priorite_filtre(self) -> str | None:
        """The priority as a query parameter: None for every priority."""
        return None if self.priorite == ALL_PRIORITIES else self.priorite


def _short(raw: str) -> str:
    """A bad value as shown back to the user: cut, inert (an inline code span: no link, icon or markup)."""
    return verbatim(raw)


def parse_phase(raw: str | None, phases: Iterable[int] = PHASES, default: int = DEFAULT_PHASE
                ) -> tuple[int, str | None]:
    """`?phase=1` -> 1; anything else -> default with a message."""
    if raw is None or raw == "":
        return default, None
    allowed = sorted(phases)
    if raw.strip() in {str(p) for p in allowed}:
        return int(raw.strip()), None
    return default, (f"Phase « {_short(raw)} » inconnue : les phases sont "
                     f"{' et '.join(str(p) for p in allowed)}. La phase {default} est affichée.")


def parse_choice(raw: str | None, allowed: Iterable[str], default: str, what: str) -> tuple[str, str | None]:
    """A value from an allow-list, or the default with a message."""
    if raw is None or raw == "":
        return default, None
    options = list(allowed)
    if raw in options:
        return raw, None
    return default, f"{what} : valeur « {_short(raw)} » inconnue ; la valeur par défaut ({default}) est affichée."


SEARCH_MAX = 100  # characters of a search in the address
LIST_SEPARATOR = "|"  # between the values of a multiple choice in the address (no measure or sector name holds one)


def parse_text(raw: str | None, what: str, limit: int = SEARCH_MAX) -> tuple[str, str | None]:
    """A free text of the address (a search): control characters removed, at most `limit` characters (cut, with a
    message)."""
    if raw is None:
        return "", None
    text = sans_controle(raw).strip()
    if len(text) > limit:
        return text[:limit], f"{what} : texte de plus de {limit} caractères, coupé."
    return text, None


def parse_values(raw: str | None, allowed: Iterable[str], what: str) -> tuple[list[str], str | None]:
    """`a|b` -> the known values among them, in the order given; a message names the others."""
    if raw is None or raw == "":
        return [], None
    known = set(allowed)
    chosen, rejected = [], []
    for part in raw.split(LIST_SEPARATOR)[:50]:
        value = part.strip()
        if value in known and value not in chosen:
            chosen.append(value)
        elif value:
            rejected.append(_short(value))
    if not rejected:
        return chosen, None
    return chosen, (f"{what} : valeur{'s' if len(rejected) > 1 else ''} inconnue{'s' if len(rejected) > 1 else ''} "
                    f"ignorée{'s' if len(rejected) > 1 else ''} : {', '.join(f'« {r} »' for r in rejected[:5])}"
                    f"{'…' if len(rejected) > 5 else ''}.")


def parse_flag(raw: str | None, what: str) -> tuple[bool, str | None]:
    """`1` -> True; absent or `0` -> False; anything else False with a message."""
    if raw is None or raw in ("", "0"):
        return False, None
    if raw == "1":
        return True, None
    return False, f"{what} : valeur « {_short(raw)} » inconnue (attendu : 1) ; la case n'est pas cochée."


def parse_date(raw: str | None, dates: Iterable[str], default: dt.date) -> tuple[str, str | None]:
    """`?date=2022-07-31` -> that date if the indicator publishes it; otherwise its reading date with a message."""
    from relance.fmt import date_longue

    if raw is None or raw == "":
        return default.isoformat(), None
    if raw.strip() in set(dates):
        return raw.strip(), None
    return default.isoformat(), (f"Date « {_short(raw)} » non publiée pour cet indicateur : sa date de lecture, le "
                                 f"{date_longue(default)}, est affichée.")


def parse_territory(raw: str | None, known: Iterable[str], phase: int, fallback: str = "La carte est affichée "
                    "sans sélection.") -> tuple[str | None, str | None]:
    """`?ti=ti-2706` -> the id if it exists in that phase; otherwise None with a message."""
    if raw is None or raw == "":
        return None, None
    value = raw.strip().lower()
    if len(raw) > MAX_LEN or not _TI_RE.match(value):
        return None, (f"Identifiant de territoire « {_short(raw)} » mal formé (attendu : ti- suivi de 4 chiffres, "
                      f"par exemple ti-2706). {fallback}")
    if value not in set(known):
        return None, f"Le territoire {value} n'existe pas en phase {phase}. {fallback}"
    return value, None


def parse_territories(raw: str | None, known: Iterable[str], phase: int, limit: int = COMPARE_LIMIT
                      ) -> tuple[list[str], str | None]:
    """`?comparer=ti-2706,ti-9301` -> the known ids (at most `limit`); a message for the others."""
    if raw is None or raw == "":
        return [], None
    if len(raw) > limit * (MAX_LEN + 1):
        return [], f"Liste de territoires « {_short(raw)} » trop longue : aucune comparaison affichée."
    known_ids = set(known)
    chosen, rejected = [], []
    for part in raw.split(","):
        value = part.strip().lower()
        if value in known_ids and value not in chosen:
            chosen.append(value)
        elif value and value not in chosen:
            rejected.append(_short(part.strip()))
    message = None
    if rejected:
        message = (f"Territoire(s) ignoré(s), inconnu(s) en phase {phase} : {', '.join(rejected[:5])}"
                   f"{'…' if len(rejected) > 5 else ''}.")
    if len(chosen) > limit:
        chosen = chosen[:limit]
        message = (message + " " if message else "") + f"Au plus {limit} territoires sont comparés."
    return chosen, message
