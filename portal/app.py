"""Page registry and navigation. In embed mode (?embed=true, e.g. inside the WeChat H5 page
or an iframe) only the chat shows, without navigation."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from portal import resources, text as T
from portal.chat import is_embed

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def main() -> None:
    st.set_page_config(page_title=T.APP_TITLE, page_icon=T.APP_ICON, layout="centered",
                       initial_sidebar_state="auto")
    resources.start_warm_up()
    chat = st.Page(PAGES_DIR / "chat.py", title=T.PAGE_CHAT, icon=":material/forum:", url_path="chat", default=True)
    if is_embed():
        st.navigation([chat], position="hidden").run()
        return
    pages = [
        chat,
        st.Page(PAGES_DIR / "calculators.py", title=T.PAGE_CALCULATORS, icon=":material/calculate:", url_path="calculators"),
        st.Page(PAGES_DIR / "staff.py", title=T.PAGE_STAFF, icon=":material/support_agent:", url_path="staff"),
    ]
    st.navigation(pages, position="sidebar").run()
