"""French formatting and query-string validation."""

from __future__ import annotations

import datetime as dt

from relance import fmt, state

NB = "\u00a0"


def test_french_numbers():
    assert fmt.nombre(1234.5, 1) == f"1{NB}234,5"
    assert fmt.nombre(138181) == f"138{NB}181"
    assert fmt.pourcent(0.123) == f"12,3{NB}%"
    assert fmt.euros(1_234_500_000) == f"1{NB}234,5{NB}M€"
    assert fmt.euros(12_040) == f"12,0{NB}k€"
    assert fmt.nombre(float("nan")) == "non disponible"
    assert fmt.date_longue(dt.date(2022, 12, 31)) == "31 décembre 2022"


def test_phase_parsing():
    assert state.parse_phase("2", [1, 2], 1) == (2, None)
    value, message = state.parse_phase("3", [1, 2], 1)
    assert value == 1 and "Phase « 3 » inconnue" in message
    assert state.parse_phase(None, [1, 2], 1) == (1, None)


def test_territory_parsing():
    known = ["ti-2706", "ti-0101"]
    assert state.parse_territory("ti-2706", known, 1) == ("ti-2706", None)
    value, message = state.parse_territory("ti-9999", known, 1)
    assert value is None and "n'existe pas en phase 1" in message
    value, message = state.parse_territory("'; drop table territoire; --", known, 1)
    assert value is None and "mal formé" in message
    value, message = state.parse_territory("x" * 5000, known, 1)
    assert value is None and len(message) < 300


def test_values_echoed_back_are_inert_markdown():
    _, message = state.parse_territory("[clic](javascript:alert(1))", [], 1)
    assert "\\[clic\\]\\(javascript\\:alert\\(1\\)\\)" in message
    _, message = state.parse_phase("**gras**", [1, 2], 1)
    assert "\\*\\*gras\\*\\*" in message
