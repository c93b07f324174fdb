"""The interface in French for everyone: what Streamlit and Plotly write in English, translated in the page;
the page's language; contrast; names for charts and scrollable tables.

Streamlit has no French locale: its widgets, labels for screen readers and tooltips are in English, so a small
script in the page (installed once per page load by `install`) translates them as they appear, from the one
table below. Only whole strings (or the anchored patterns) are translated, so data never is.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st

# English as Streamlit 1.67 and Plotly write it -> French. Exact strings first, then anchored patterns.
EXACT = {
    "Skip to main content": "Aller au contenu principal",
    "Collapse sidebar": "Replier le panneau latéral",
    "Expand sidebar": "Déplier le panneau latéral",
    "Sidebar": "Panneau latéral",
    "App pages": "Pages de l'application",
    "Main menu": "Menu principal",
    "Clear value": "Effacer",
    "Clear all": "Tout retirer",
    "Open": "Ouvrir la liste",
    "Close": "Fermer",
    "Selected values": "Valeurs choisies",
    "Choose an option": "Choisissez…",
    "Choose options": "Choisissez…",
    "No results": "Aucun résultat",
    "No options to select": "Aucun choix possible",
    "Select all": "Tout choisir",
    "Link to heading": "Lien vers ce titre",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Autosize": "Largeur automatique",
    "Format": "Format",
    "Copy to clipboard": "Copier",
    "Drag and drop file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Browse files": "Parcourir",
    "Upload": "Choisir un fichier",
    "file upload": "envoi de fichier",
    "Delete": "Supprimer",
    "Remove file": "Retirer le fichier",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Rerun": "Relancer",
    "Settings": "Paramètres",
    "Print": "Imprimer",
    "About": "À propos",
    "Clear cache": "Vider le cache",
    "Press Enter to apply": "Entrée pour valider",
    "Press Enter to submit form": "Entrée pour envoyer",
    "Zoom in": "Zoomer",
    "Zoom out": "Dézoomer",
    "Reset": "Revenir à la vue d'ensemble",
    "Pan": "Déplacer",
    "Zoom": "Zoomer sur une zone",
    "Autoscale": "Échelle automatique",
    "Reset axes": "Réinitialiser les axes",
    "Download plot as a PNG": "Télécharger en PNG",
    "Download plot as a png": "Télécharger en PNG",
    "Box Select": "Sélection rectangulaire",
    "Lasso Select": "Sélection au lasso",
    "Produced with Plotly.js": "Graphique Plotly.js",
}
PATTERNS = [
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^(?:Limit )?(\d+) ?MB per file(.*)$", "$1 Mo au plus par fichier$2"),
    (r"^You can only select up to (\d+) options?\. Remove an option first\.$", "$1 au plus : retirez-en un d'abord."),
    (r"^Select (\d+) matches$", "Choisir les $1 résultats"),
    (r"^Add: (.+)$", "Ajouter : $1"),
]
ATTRIBUTES = ["aria-label", "title", "placeholder", "data-title", "aria-description", "aria-roledescription"]

CSS = """<style>
/* Captions, help and placeholders at 7:1 on white (Streamlit's grey is 3.9:1). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, .stCaption,
[data-testid="stWidgetLabel"] small, [data-testid="stTooltipContent"], [data-testid="stTooltipContent"] * {
  color: #4a4a4a !important; opacity: 1 !important;
}
input::placeholder, textarea::placeholder { color: #5f5f5f !important; opacity: 1; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { color: #3a3a3a !important; }
</style>"""

SCRIPT = r"""<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__relanceFr) return;
  doc.__relanceFr = true;
  // Plotly's code (4.7 MB) is fetched and compiled now, while the server computes the page, not when the first
  // chart arrives: the first chart then shows as soon as a bare page's would.
  const main = doc.querySelector('script[type="module"][src*="static/js/index"]');
  if (main && %(plotly_chunk)s) {
    const link = doc.createElement('link');
    link.rel = 'modulepreload';
    link.href = new URL(%(plotly_chunk)s, main.src).href;
    doc.head.appendChild(link);
  }
  // The screen's width class, for the server's chart layouts: if it took this screen for another, load once more.
  const win = doc.defaultView || window;
  // Streamlit writes the numbers of table cells in the browser's languages: the interface is French, so they read
  // the French way (« 1 234,5 ») in any browser.
  try {
    Object.defineProperty(win.navigator, 'languages', {get: () => ['fr-FR', 'fr'], configurable: true});
  } catch (e) { /* an older browser keeps its own */ }
  const narrow = win.innerWidth < %(narrow_px)d;
  doc.cookie = '%(cookie)s=' + (narrow ? 'etroit' : 'large') + '; path=/; max-age=31536000; SameSite=Lax';
  const reloaded = win.sessionStorage.getItem('%(cookie)s');
  if (narrow !== %(server_narrow)s && reloaded !== String(narrow)) {
    win.sessionStorage.setItem('%(cookie)s', String(narrow));
    win.location.reload();
    return;
  }
  const exact = %(exact)s;
  const patterns = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const attributes = %(attributes)s;
  const translate = (text) => {
    if (!text) return null;
    const trimmed = text.trim();
    if (Object.prototype.hasOwnProperty.call(exact, trimmed)) return text.replace(trimmed, exact[trimmed]);
    for (const [re, to] of patterns) if (re.test(trimmed)) return text.replace(trimmed, trimmed.replace(re, to));
    return null;
  };
  const chartName = (chart) => {
    const title = chart.querySelector('.gtitle');
    // One space between the title's lines (each a tspan), so the name reads as words.
    const parts = [];
    if (title) {
      const walker = doc.createTreeWalker(title, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.nodeValue);
    }
    // An untitled chart (the locator map) carries its name in its layout's meta.
    const plot = chart.querySelector('.js-plotly-plot');
    const meta = plot && plot._fullLayout && plot._fullLayout.meta;
    const name = parts.join(' ').replace(/\s+/g, ' ').trim() || (meta && meta.alt) || '';
    return 'Graphique' + (name ? ' : ' + name : '') +
      '. Ses données : boutons CSV et XLSX sous le graphique.';
  };
  const fixNode = (root) => {
    // The plotted SVG holds thousands of paths and no interface text: left alone.
    const host = root.nodeType === Node.TEXT_NODE ? root.parentElement : root;
    if (host && host.closest && host.closest('svg.main-svg')) return;
    if (root.nodeType === Node.TEXT_NODE) {
      const done = translate(root.nodeValue);
      if (done !== null && done !== root.nodeValue) root.nodeValue = done;
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const done = translate(node.nodeValue);
      if (done !== null && done !== node.nodeValue) node.nodeValue = done;
    }
    const selector = attributes.map((a) => '[' + a + ']').join(',');
    for (const el of [root, ...root.querySelectorAll(selector)]) {
      if (el.closest('svg.main-svg')) continue;
      for (const name of attributes) {
        const value = el.getAttribute(name);
        const done = translate(value);
        if (done !== null && done !== value) el.setAttribute(name, done);
      }
    }
  };
  const fixPage = () => {
    if (doc.documentElement.lang !== 'fr') doc.documentElement.lang = 'fr';
    for (const chart of doc.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const name = chartName(chart);
      if (chart.getAttribute('aria-label') !== name) {
        chart.setAttribute('role', 'figure');
        chart.setAttribute('aria-label', name);
      }
    }
    // A table wider than its column scrolls: its scrolling box takes the focus, named after the heading above it.
    const names = new Map();
    for (const table of doc.querySelectorAll('[data-testid="stTable"]')) {
      const box = [table, ...table.querySelectorAll('div')].find((el) => {
        const overflow = getComputedStyle(el).overflowX;
        return overflow === 'auto' || overflow === 'scroll';
      }) || table;
      let heading = '';
      const headings = [...doc.querySelectorAll('h1, h2, h3, h4')];
      for (const h of headings) {
        if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h.textContent.trim();
      }
      let name = 'Tableau' + (heading ? ' : ' + heading : '');
      const seen = (names.get(name) || 0) + 1;
      names.set(name, seen);
      if (seen > 1) name += ' (' + seen + ')';
      if (box.getAttribute('aria-label') !== name) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', name);
      }
    }
  };
  let queue = new Set();
  let pending = false;
  const run = () => {
    pending = false;
    observer.disconnect();
    for (const node of queue) if (node.isConnected) fixNode(node);
    queue = new Set();
    fixPage();
    watch();
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'childList') record.addedNodes.forEach((n) => queue.add(n));
      else queue.add(record.target);
    }
    if (!pending) { pending = true; requestAnimationFrame(run); }
  });
  const watch = () => observer.observe(doc.body, {subtree: true, childList: true, characterData: true,
                                                 attributes: true, attributeFilter: attributes});
  queue.add(doc.body);
  run();
})();
</script>"""


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
def plotly_chunk() -> str | None:
    """The file of Streamlit's frontend that holds Plotly (its name carries a hash that changes with versions)."""
    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if found else None


@functools.cache
def script(narrow: bool = False) -> str:
    """The translating script, with the table above and what the server took the screen for."""
    return SCRIPT % {"exact": json.dumps(EXACT, ensure_ascii=False),
                     "patterns": json.dumps(PATTERNS, ensure_ascii=False),
                     "attributes": json.dumps(ATTRIBUTES), "narrow_px": NARROW_PX,
                     "cookie": SCREEN_COOKIE, "server_narrow": json.dumps(narrow),
                     "plotly_chunk": json.dumps(plotly_chunk())}


def install() -> None:
    """Contrast styles and the translating script, once per page load (the script guards itself)."""
    st.html(CSS)
    st.html(script(narrow_screen()), unsafe_allow_javascript=True, width="content")
