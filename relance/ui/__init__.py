"""Streamlit glue for the entry and the pages, one module per concern:

- `donnees`: data access, and every cache of the server keyed on the database's identity;
- `adresse`: values bound to the address, the tabs, the messages about values not understood;
- `sorties`: the page's error boundary, charts and tables with their downloads, the fiche's buttons;
- `commandes`: the commands that change the project lists, what a session keeps of an upload.

Pages use the names below (`ui.run`, `ui.show_chart`…). Nothing here builds the database.
"""

from relance.ui.adresse import (
    CLES,
    PAGES,
    TAB_KEY,
    Adresse,
    lier,
    lier_partagee,
    show_url_messages,
    sync_url,
    tabs,
    url_state,
)
from relance.ui.commandes import CommandFailed, remove_list, save_list, session_cached
from relance.ui.donnees import (
    INLINE_READER,
    READER,
    database_ready,
    derivee,
    layer_url,
    load,
    placement_reference,
    run,
    une_version,
    vue,
)
from relance.ui.sorties import (
    _export_failed,
    export_buttons,
    fiche_buttons,
    no_traceback,
    show_chart,
    show_export_failures,
    show_figure,
    show_frame,
    show_light_table,
    show_small_table,
    show_synthese,
    show_table,
)

__all__ = [
    "CLES",
    "INLINE_READER",
    "PAGES",
    "READER",
    "TAB_KEY",
    "Adresse",
    "CommandFailed",
    "_export_failed",
    "database_ready",
    "derivee",
    "export_buttons",
    "fiche_buttons",
    "layer_url",
    "lier",
    "lier_partagee",
    "load",
    "no_traceback",
    "placement_reference",
    "remove_list",
    "run",
    "save_list",
    "session_cached",
    "show_chart",
    "show_export_failures",
    "show_figure",
    "show_frame",
    "show_light_table",
    "show_small_table",
    "show_synthese",
    "show_table",
    "show_url_messages",
    "sync_url",
    "tabs",
    "une_version",
    "url_state",
    "vue",
]
