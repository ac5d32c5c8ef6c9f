"""Page registry and navigation. In embed mode (?embed=true, e.g. inside the WeChat H5 page
or an iframe) only the chat shows, without navigation.

The citizen portal (streamlit_app.py) has the chat and the calculators only. The hotline
staff console is a separate app (staff_app.py → ``staff_main``) on its own port.

Navigation is a row of labelled links on every page (Streamlit's sidebar hides behind an
unlabelled arrow on a phone); the document page (/doc) is reached from citations only."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from policydesk.privacy import install_log_masking
from portal import resources, staff, text as T, widgets
from portal.chat import is_embed

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def main() -> None:
    # A local icon: a Material icon here makes the browser fetch the favicon from a font CDN.
    st.set_page_config(page_title=T.APP_TITLE, page_icon=str(widgets.FAVICON), layout="centered",
                       initial_sidebar_state="collapsed")
    install_log_masking()
    resources.start_warm_up()
    chat = st.Page(PAGES_DIR / "chat.py", title=T.PAGE_CHAT, url_path="chat", default=True)
    document = st.Page(PAGES_DIR / "document.py", title=T.PAGE_DOCUMENT, url_path="doc")
    if is_embed():
        st.navigation([chat, document], position="hidden").run()
        return
    pages = [
        chat,
        st.Page(PAGES_DIR / "calculators.py", title=T.PAGE_CALCULATORS, url_path="calculators"),
    ]
    current = st.navigation(pages + [document], position="hidden")
    widgets.navigation(pages)
    current.run()


def staff_main() -> None:
    """The staff console app: one page (its tabs are the console's sections)."""
    st.set_page_config(page_title=T.STAFF_PAGE_TITLE, page_icon=str(widgets.FAVICON), layout="wide")
    install_log_masking()
    resources.start_warm_up()
    staff.render_page()
