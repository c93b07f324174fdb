"""The reading model and the rules every page applies when it states a figure.

Which sources answer a priority, at which level, as the lead reading or beside it, is data: the reviewed table
`reference/lectures.csv` (table `lecture`). The rules written once here: a rank only where it informs (never when a
territory shares its value with more than a quarter of the phase), a multiple (« n fois la France ») only when both
counts behind it are at least 10, and classes computed on the non-zero values, zero its own class, an outlier its
own class (the map's classes use the same).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from relance import fmt

RANK_SHARE_MAX = 0.25  # no rank when more than this share of the phase's territories share the territory's value
MULTIPLE_MIN = 10  # a multiple needs at least this many laureates on both sides
CLASSES_MIN = 8  # fewer non-zero values than this make no classes (a map keeps its continuous scale)
OUTLIER_IQR = 3.0  # a value beyond Q3 + 3 × (Q3 - Q1) of the non-zero values is its own class
# The call whose name says « territoires », reserved to none: how much of it lies in the territories is said, and
# the comparison is made with and without it (the DGE list writes it with a typographic apostrophe, read as ').
APPEL_TERRITOIRES = "Soutien à l'investissement industriel dans les territoires"

ROLES = {"principale": "lecture principale", "a_cote": "à côté", "equipe": "listes de l'équipe"}
NIVEAUX = {"territoire": "lauréats placés dans les communes du territoire",
           "departement": "valeurs des départements du territoire, estimation au prorata de sa population"}


@dataclass(frozen=True)
class Lecture:
    """One source read for one priority (a row of the reviewed reading model)."""

    priorite: str
    source: str  # dge, friches, barometre, equipe: for a territory-level reading, the lists it counts
    #              (projet_import.lecture: the DGE list and the Fonds friches of the raw data, the staff's imports)
    niveau: str  # territoire, departement
    role: str  # principale, a_cote, equipe
    ordre: int
    libelle: str
    libelle_court: str
    laisse_de_cote: str

    @property
    def comptee(self) -> bool:
        """Counted in ranks, maps and comparisons: laureates placed in territories, from a list covering France."""
        return self.niveau == "territoire" and self.role != "equipe"

    @property
    def principale(self) -> bool:
        return self.role == "principale"


def lectures(run, priorite: str) -> list[Lecture]:
    """The readings of a priority ('toutes' for all), lead readings first."""
    frame = run("lectures", priorite=priorite)
    columns = [frame[c].tolist() for c in ("priorite", "source", "niveau", "role", "ordre", "libelle", "libelle_court",
                                          "laisse_de_cote")]
    return [Lecture(p, s, n, r, int(o), lib, court, laisse)
            for p, s, n, r, o, lib, court, laisse in zip(*columns, strict=True)]


def comptees(readings: list[Lecture]) -> list[Lecture]:
    """The readings ranks, maps and comparisons count."""
    return [r for r in readings if r.comptee]


def sources_comptees(readings: list[Lecture]) -> list[str]:
    """The lists ranks, maps and comparisons count (projet_import.lecture: those covering France, never the
    staff's)."""
    return [r.source for r in comptees(readings)]


def somme(readings: list[Lecture]) -> str:
    """What a count over every counted reading adds up: `appels industriels (DGE) et Fonds friches`."""
    names = [r.libelle_court for r in comptees(readings)]
    if len(names) < 2:
        return names[0] if names else ""
    return f"{', '.join(names[:-1])} et {names[-1]}"


def rang_informe(nb_meme: int, total: int) -> bool:
    """A rank informs unless the territory shares its value with more than a quarter of the phase's territories."""
    return (int(nb_meme) - 1) <= total * RANK_SHARE_MAX


def rang(value: float, position, nb_meme, total, decimales: int = 2) -> str:
    """`43e sur 149`, `12e ex aequo avec 2 autres sur 149`; or, where a rank would not inform,
    `0, comme 134 autres territoires (pas de rang)`."""
    if fmt.absent(position):
        return "non classé"  # no rate (a département without a value): pandas gives NaN, or NA in an integer column
    nb_meme, total = int(nb_meme), int(total)
    if not rang_informe(nb_meme, total):
        return (f"{fmt.nombre(value, 0 if value == int(value) else decimales)}, comme "
                f"{fmt.compte(nb_meme - 1, 'autre territoire', 'autres territoires')} (pas de rang)")
    text = fmt.rang(position, total)
    if nb_meme > 1:
        text = text.replace(" sur ", f" ex aequo avec {fmt.compte(nb_meme - 1, 'autre')} sur ")
    return text


def fois(count: int, rate: float, other_count: int, other_rate: float, of: str) -> str | None:
    """`2,3 fois celui de la France`, only when both counts are at least MULTIPLE_MIN (None otherwise)."""
    if count >= MULTIPLE_MIN and other_count >= MULTIPLE_MIN and other_rate:
        return f"{fmt.nombre(rate / other_rate, 1)} fois celui {of}"
    return None


@dataclass(frozen=True)
class Classes:
    """Classes of a set of values: zero its own class, the non-zero values in quarters, the outliers apart."""

    bornes: tuple[float, ...]  # upper bounds of the quarter classes (Q1, median, Q3, max of the non-outliers)
    seuil_extreme: float | None  # values above it are outliers (None: no outlier)
    nb_non_nuls: int

    def classe(self, value: float) -> int:
        """0 for zero, 1 to 4 for the quarters (1 the lowest), 5 for an outlier."""
        if not value or value != value:
            return 0
        if self.seuil_extreme is not None and value > self.seuil_extreme:
            return 5
        return next((i + 1 for i, bound in enumerate(self.bornes) if value <= bound), len(self.bornes))

    def libelle(self, value: float, what: str = "territoires qui en comptent") -> str:
        """The class in words: `dans le quart le plus haut des 14 qui en comptent`."""
        k = self.classe(value)
        if k == 0:
            return "aucun"
        if k == 5:
            return f"valeur exceptionnelle parmi les {self.nb_non_nuls} {what}"
        if self.nb_non_nuls < CLASSES_MIN:
            return f"parmi les {self.nb_non_nuls} {what}, trop peu pour des classes"
        names = {1: "le quart le plus bas", 2: "le deuxième quart", 3: "le troisième quart", 4: "le quart le plus haut"}
        return f"dans {names[k]} des {self.nb_non_nuls} {what}"


def _quantile(values: list[float], q: float) -> float:
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def classes(values) -> Classes:
    """Quarter classes of the non-zero values (zero its own class); a value beyond Q3 + 3 × IQR is an outlier."""
    non_zero = sorted(float(v) for v in values if v and v == v)
    if not non_zero:
        return Classes((), None, 0)
    q1, q2, q3 = (_quantile(non_zero, q) for q in (0.25, 0.5, 0.75))
    threshold = q3 + OUTLIER_IQR * (q3 - q1)
    outliers = [v for v in non_zero if v > threshold]
    kept = [v for v in non_zero if v <= threshold]
    return Classes((q1, q2, q3, max(kept)), threshold if outliers else None, len(non_zero))
