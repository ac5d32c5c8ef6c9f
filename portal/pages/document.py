from portal.document import render_page

render_page()
