"""French formatting, and the parsing of every address value (table-driven: value in, value and message out)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance import fmt
from relance.filtres import parse_choice, parse_phase, parse_territories, parse_territory

NB = "\u00a0"
KNOWN = ["ti-2706", "ti-0101", "ti-9301"]


def test_french_numbers():
    assert fmt.nombre(1234.5, 1) == f"1{NB}234,5"
    assert fmt.nombre(138181) == f"138{NB}181"
    assert fmt.pourcent(0.123) == f"12,3{NB}%"
    assert fmt.euros(1_234_500_000) == f"1{NB}234,5{NB}M€"
    assert fmt.euros(12_040) == f"12,0{NB}k€"
    assert fmt.nombre(float("nan")) == "non disponible"
    assert fmt.date_longue(dt.date(2022, 12, 31)) == "31 décembre 2022"


@pytest.mark.parametrize(("raw", "value", "message"), [
    (None, 1, None),
    ("", 1, None),
    ("2", 2, None),
    (" 1 ", 1, None),
    ("3", 1, "Phase « `3` » inconnue"),
    ("1; drop table territoire", 1, "inconnue"),
    ("**gras**", 1, "`**gras**`"),
    ("https://exemple.fr", 1, "`https://exemple.fr`"),
    (":material/home:", 1, "`:material/home:`"),
    ("\u202eabc", 1, "`abc`"),
    ("x" * 5000, 1, "…"),
])
def test_phase(raw, value, message):
    got, said = parse_phase(raw)
    assert got == value
    assert (said is None) if message is None else (message in said and len(said) < 300)


@pytest.mark.parametrize(("raw", "value", "message"), [
    (None, None, None),
    ("ti-2706", "ti-2706", None),
    ("TI-2706 ", "ti-2706", None),
    ("ti-9999", None, "n'existe pas en phase 1"),
    ("<script>alert(1)</script>", None, "mal formé"),
    ("'; drop table territoire; --", None, "mal formé"),
    ("x" * 3000, None, "mal formé"),
    ("[clic](javascript:alert(1))", None, "`[clic](javascript:alert(1))`"),
    ("<img src=x onerror=alert(1)>", None, "`<img src=x onerror=alert(1)>`"),
    ("`ti-99`", None, "`'ti-99'`"),
])
def test_territory(raw, value, message):
    got, said = parse_territory(raw, KNOWN, 1)
    assert got == value
    assert (said is None) if message is None else (message in said and len(said) < 300)


@pytest.mark.parametrize(("raw", "value", "message"), [
    (None, "taux", None),
    ("estimation", "estimation", None),
    ("population; --", "taux", "inconnu"),
])
def test_choice(raw, value, message):
    got, said = parse_choice(raw, ["taux", "estimation"], "taux", "Mode de carte")
    assert got == value
    assert (said is None) if message is None else message in said


@pytest.mark.parametrize(("raw", "value", "message"), [
    ("ti-2706,ti-9301", ["ti-2706", "ti-9301"], None),
    ("ti-2706,ti-0000,<b>x</b>", ["ti-2706"], "ignoré"),
    ("ti-2706,ti-2706", ["ti-2706"], None),
    (",".join(["ti-2706"] * 400), [], "trop longue"),
])
def test_territories(raw, value, message):
    got, said = parse_territories(raw, KNOWN, 1)
    assert got == value
    assert (said is None) if message is None else message in said
