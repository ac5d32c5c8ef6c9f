"""policydesk hotline staff console — a Streamlit app of its own, served on its own port so
a deployment can keep it off the public network (the citizen portal has no staff page):

    policydesk staff serve --port 8502          # or:
    streamlit run staff_app.py --server.address 127.0.0.1 --server.port 8502

Drawing lives in portal/staff.py; accounts are made with `policydesk staff add NAME`."""
import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from portal.app import staff_main  # noqa: E402

staff_main()
