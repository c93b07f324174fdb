"""`python -m relance serve`: `streamlit run dashboard.py`, with Streamlit's legacy `pages/` mode off.

Streamlit treats an app that has a `pages/` folder as a v1 multipage app until `st.navigation`
first runs; a first request straight to a page URL would then run that page alone (and show a
"Page not found" dialog). Setting the flag before the server starts avoids that window.
"""

from __future__ import annotations

import sys

from relance import config


def main(streamlit_args: list[str]) -> int:
    """Run the dashboard with Streamlit's own CLI, in this process."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(config.REPO_ROOT / "dashboard.py"), *streamlit_args]
    return cli.main()
