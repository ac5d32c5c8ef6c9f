"""Page registry and navigation. In embed mode (?embed=true, e.g. inside the WeChat H5 page
or an iframe) only the chat shows, without navigation.

The citizen portal (streamlit_app.py) has the chat and the calculators only. The hotline
staff console is a separate app (staff_app.py → ``staff_main``) on its own port."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from policydesk.privacy import install_log_masking
from portal import resources, staff, text as T
from portal.chat import is_embed

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def main() -> None:
    st.set_page_config(page_title=T.APP_TITLE, page_icon=T.APP_ICON, layout="centered",
                       initial_sidebar_state="auto")
    install_log_masking()
    resources.start_warm_up()
    chat = st.Page(PAGES_DIR / "chat.py", title=T.PAGE_CHAT, icon=":material/forum:", url_path="chat", default=True)
    if is_embed():
        st.navigation([chat], position="hidden").run()
        return
    pages = [
        chat,
        st.Page(PAGES_DIR / "calculators.py", title=T.PAGE_CALCULATORS, icon=":material/calculate:", url_path="calculators"),
    ]
    st.navigation(pages, position="sidebar").run()


def staff_main() -> None:
    """The staff console app: one page (its tabs are the console's sections)."""
    st.set_page_config(page_title=T.STAFF_PAGE_TITLE, page_icon=":material/support_agent:", layout="wide")
    install_log_masking()
    resources.start_warm_up()
    staff.render_page()
