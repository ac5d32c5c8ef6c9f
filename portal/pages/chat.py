from portal.chat import render_page

render_page()
