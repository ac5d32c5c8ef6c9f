"""Portal fixtures: an AppTest of the real app against a private copy of the ingested corpus."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The portal package sits at the project root (not installed); make sure it, and not this
# test folder of the same name, is what `import portal` finds.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # portal_helpers
APP = ROOT / "streamlit_app.py"
STAFF_APP = ROOT / "staff_app.py"
STAFF_USER = "li.hotline"
STAFF_PASSWORD = "hotline-test-pw"


@pytest.fixture(autouse=True)
def _drop_cached_assistants():
    """Each test's assistant lives in st.cache_resource; drop it so tests do not pile up
    searchers and database engines for homes that no longer exist."""
    yield
    import streamlit as st

    st.cache_resource.clear()


def add_staff(username: str = STAFF_USER, password: str = STAFF_PASSWORD, **kw) -> None:
    """A staff account in the current home's database, as `policydesk staff add` makes it."""
    from assistant.service import get_assistant
    from assistant.staff import StaffAccounts

    StaffAccounts(get_assistant().store).set_password(username, password, **kw)


@pytest.fixture
def portal_home(writable_indexed_home):
    add_staff()
    return writable_indexed_home


@pytest.fixture
def app(portal_home):
    from streamlit.testing.v1 import AppTest

    def make(page: str | None = None, *, embedded: bool = False):
        at = AppTest.from_file(str(APP), default_timeout=180)
        if embedded:   # what the browser reports for ?embed=true
            at.context["is_embedded"] = True
        at.run()
        if page:
            at.switch_page(f"portal/pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


@pytest.fixture
def staff_app(portal_home):
    """make() → an AppTest of the staff console app (staff_app.py), not yet signed in."""
    from streamlit.testing.v1 import AppTest

    def make():
        at = AppTest.from_file(str(STAFF_APP), default_timeout=180)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make
