"""policydesk portal — `streamlit run streamlit_app.py`. Drawing lives in portal/."""
import sys
from pathlib import Path

# `streamlit run` puts this folder on sys.path; AppTest and other runners may not.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from portal.app import main  # noqa: E402

main()
