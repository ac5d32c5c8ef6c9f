from portal.staff import render_page

render_page()
