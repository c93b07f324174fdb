"""The entry AppTest drives: dashboard.py, run from a folder without `pages/` (see relance/app.py, quirk 2)."""

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # as `streamlit run dashboard.py` does for the folder of its script
    sys.path.insert(0, str(ROOT))
runpy.run_path(str(ROOT / "dashboard.py"), run_name="__main__")
