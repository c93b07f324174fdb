"""French number and date formatting, in one place (`1 234,5 M€`, `12,3 %`)."""

from __future__ import annotations

import datetime as dt
import html
import math
import re

import pandas as pd

NBSP = "\u00a0"  # thousands separator and space before units, never broken across lines
PLOTLY_SEPARATORS = "," + NBSP  # decimal comma, non-breaking space for thousands

MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]


def absent(value) -> bool:
    """No value: None, NaN, or pandas' NA (an integer column's missing value)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def nombre(value, decimales: int = 0) -> str:
    """`1234.5` -> `1 234,5` (non-breaking space for thousands, decimal comma)."""
    if absent(value):
        return "non disponible"
    text = f"{float(value):,.{decimales}f}"
    return text.replace(",", NBSP).replace(".", ",")


def pourcent(part, decimales: int = 1) -> str:
    """A share (0.123) -> `12,3 %`."""
    if absent(part):
        return "non disponible"
    return f"{nombre(float(part) * 100, decimales)}{NBSP}%"


def unite(value, unit: str, decimales: int = 0) -> str:
    """A value with its unit: `1 234 habitants`."""
    if absent(value):
        return "non disponible"
    return f"{nombre(value, decimales)}{NBSP}{unit}" if unit else nombre(value, decimales)


def euros(value, decimales: int = 1) -> str:
    """Euros scaled to the reader, millions for large sums: `1 234,5 M€`, `12,0 k€`, `850 €`."""
    if absent(value):
        return "non disponible"
    amount = float(value)
    for factor, suffix in ((1e6, "M€"), (1e3, "k€")):
        if abs(amount) >= factor:
            return f"{nombre(amount / factor, decimales)}{NBSP}{suffix}"
    return f"{nombre(amount, 0)}{NBSP}€"


def compte(value, singulier: str, pluriel: str | None = None, decimales: int = 0) -> str:
    """`1 projet`, `12 projets`, `1 234 lauréates`, `1,52 lauréat`: a count (or a rate) with its noun agreed (below 2
    the singular, as French writes it)."""
    word = singulier if abs(float(value)) < 2 else (pluriel or singulier + "s")
    return f"{nombre(value, decimales)}{NBSP}{word}"


def rang(position, total, ex_aequo: bool = False) -> str:
    """`1er sur 149`, `12e ex aequo sur 149`; "non classé" when there is no rank."""
    if absent(position):
        return "non classé"
    position = int(position)
    return f"{'1er' if position == 1 else f'{position}e'}{' ex aequo' if ex_aequo else ''} sur {int(total)}"


def minuscule(text: str) -> str:
    """A label inside a sentence: its first letter lowered, unless the word is an acronym (`PME`, `CO2`)."""
    text = str(text)
    if len(text) > 1 and text[0].isupper() and not (text[1].isupper() or text[1].isdigit()):
        return text[0].lower() + text[1:]
    return text


def majuscule(text: str) -> str:
    """A sentence's start: its first letter raised."""
    text = str(text)
    return text[:1].upper() + text[1:]


def date_longue(value: dt.date) -> str:
    """`2022-12-31` -> `31 décembre 2022`."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MOIS[value.month - 1]} {value.year}"


_MARKDOWN = re.compile(r"[\\`*_{}\[\]()#+\-.!|~<>:$&]")


_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def sans_controle(text: str) -> str:
    """A text without control, zero-width and direction-override characters (a staff cell `Robot\x01` becomes
    `Robot`): removed once, where texts are read, so that no page, chart or document receives them."""
    return _CONTROL.sub("", text)


def escape_markdown(text) -> str:
    """Text from users (file names, cells, URL values) made inert for Streamlit Markdown: shown, never rendered;
    control and direction-override characters removed."""
    return _MARKDOWN.sub(r"\\\g<0>", _CONTROL.sub("", str(text)))


def verbatim(text, limit: int = 40) -> str:
    """A value typed by someone else, shown back in a message as an inline code span: no link, icon, emphasis or
    direction override can come out of it (backticks and control characters removed, long values cut)."""
    clean = _CONTROL.sub("", str(text)).replace("`", "'")
    clean = clean if len(clean) <= limit else clean[:limit] + "…"
    return f"`{clean}`" if clean.strip() else "`(vide)`"


def escape_html(text) -> str:
    """Text from users for plotly labels: its `<`, `>` and `&` shown as characters, never as markup."""
    return html.escape(str(text), quote=False)
