"""Validation of query-string values: each returns (value, message in French or None)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from relance.fmt import inert

MAX_LEN = 64
_TI_RE = re.compile(r"^ti-\d{4}$")


def _short(raw: str) -> str:
    """A bad value as shown back to the user: trimmed, with Markdown and HTML made inert (shown as text)."""
    return inert(raw if len(raw) <= 40 else raw[:40] + "…")


def parse_phase(raw: str | None, phases: Iterable[int], default: int) -> tuple[int, str | None]:
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
    return default, f"{what} « {_short(raw)} » inconnu(e) : {default} est affiché(e)."


def parse_territory(raw: str | None, known: Iterable[str], phase: int) -> tuple[str | None, str | None]:
    """`?ti=ti-2706` -> the id if it exists in that phase; otherwise None with a message."""
    if raw is None or raw == "":
        return None, None
    value = raw.strip().lower()
    if len(raw) > MAX_LEN or not _TI_RE.match(value):
        return None, (f"Identifiant de territoire « {_short(raw)} » mal formé (attendu : ti- suivi de 4 chiffres, "
                      "par exemple ti-2706). La carte est affichée sans sélection.")
    if value not in set(known):
        return None, (f"Le territoire {value} n'existe pas en phase {phase}. "
                      "La carte est affichée sans sélection.")
    return value, None


def parse_territories(raw: str | None, known: Iterable[str], phase: int, limit: int = 6
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
        elif value:
            rejected.append(_short(part.strip()))
    message = None
    if rejected:
        message = (f"Territoire(s) ignoré(s), inconnu(s) en phase {phase} : {', '.join(rejected[:5])}"
                   f"{'…' if len(rejected) > 5 else ''}.")
    if len(chosen) > limit:
        chosen = chosen[:limit]
        message = (message + " " if message else "") + f"Au plus {limit} territoires sont comparés."
    return chosen, message
