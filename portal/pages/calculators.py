from portal.calculators import render_page

render_page()
