"""The interface in French for everyone: what Streamlit and Plotly write in English, translated in the page;
the page's language; contrast; names for charts and scrollable tables.

Streamlit has no French locale: its widgets, labels for screen readers and tooltips are in English, so a small
script in the page (static/interface.js, installed once per page load by `install`) translates them as they appear,
from one table (relance/reference/traductions.json). Only whole strings (or the anchored patterns) are
translated, so data never is.
"""

from __future__ import annotations

import functools
import json

import streamlit as st

from relance import compat, config

# English as Streamlit 1.67 and Plotly write it -> French (exact strings first, then anchored patterns): data, that
# the Chromium test reads too.
TRANSLATIONS = config.REPO_ROOT / "relance" / "reference" / "traductions.json"
SCRIPT_FILE = config.REPO_ROOT / "static" / "interface.js"


@functools.cache
def translations() -> dict:
    """The translation table (relance/reference/traductions.json)."""
    return json.loads(TRANSLATIONS.read_text(encoding="utf-8"))


CSS = """<style>
/* Captions, help and placeholders at 7:1 on white (Streamlit's grey is 3.9:1). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, .stCaption,
[data-testid="stWidgetLabel"] small, [data-testid="stTooltipContent"], [data-testid="stTooltipContent"] * {
  color: #4a4a4a !important; opacity: 1 !important;
}
input::placeholder, textarea::placeholder { color: #5f5f5f !important; opacity: 1; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { color: #3a3a3a !important; }
/* A data grid wider than its column (set by the page's script): a shadow at its right edge and, in the gap under
   it, a line that says it scrolls. */
[data-testid="stDataFrame"][data-defile="oui"] { position: relative; }
[data-testid="stDataFrame"][data-defile="oui"]::before {
  content: ""; position: absolute; top: 0; right: 0; bottom: 0; width: 22px; pointer-events: none; z-index: 2;
  background: linear-gradient(to right, rgba(255, 255, 255, 0), rgba(0, 0, 0, 0.18));
}
[data-testid="stDataFrame"][data-defile="oui"]::after {
  content: "↔ Faites défiler vers la droite : d'autres colonnes suivent";
  position: absolute; left: 0; bottom: -1.15rem; font-size: 0.75rem; line-height: 1rem; color: #4a4a4a;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%;
}
/* A small table written as Markdown (ui.show_light_table) wider than its column scrolls inside it, as st.table does. */
[data-testid="stMarkdownContainer"]:has(table) { overflow-x: auto; }
</style>"""

# A phone, or any window narrower than this, gets charts laid out for its width (charts.for_phone). The page's
# script tells the server through a cookie; before it has, a phone is known by its browser's name ("Mobi").
NARROW_PX = 700
SCREEN_COOKIE = "relance_ecran"


def narrow_screen() -> bool:
    """Whether this session's screen is narrow (cookie set by the page's script, else the browser's name)."""
    try:
        cookie = st.context.cookies.get(SCREEN_COOKIE)
        if cookie in ("etroit", "large"):
            return cookie == "etroit"
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except Exception:  # no request (e.g. under AppTest): a wide screen
        return False


@functools.cache
def script(narrow: bool = False) -> str:
    """The page's script (static/interface.js) in a function given its configuration: the translation table, what
    the server took the screen for, and the Plotly bundle to preload."""
    table = translations()
    settings = {"exact": table["exact"], "patterns": [[m["anglais"], m["francais"]] for m in table["motifs"]],
                "attributes": table["attributs"], "narrow_px": NARROW_PX, "cookie": SCREEN_COOKIE,
                "server_narrow": narrow, "plotly_chunk": compat.streamlit_plotly_bundle()}
    given = json.dumps(settings, ensure_ascii=False).replace("</", "<\\/")  # never ends the script element
    return f"<script>\n((config) => {{\n{SCRIPT_FILE.read_text(encoding='utf-8')}}})({given});\n</script>"


def install() -> None:
    """Contrast styles and the translating script, once per page load (the script guards itself)."""
    st.html(CSS)
    st.html(script(narrow_screen()), unsafe_allow_javascript=True, width="content")
