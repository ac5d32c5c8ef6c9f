"""Heavy objects built once per process (st.cache_resource) and the error boundary every
page draws through: a citizen sees a Chinese sentence, never a traceback."""
from __future__ import annotations

import logging
import threading

import streamlit as st

from assistant.service import get_assistant
from policydesk.errors import PolicydeskError
from policydesk.settings import get_settings
from portal import text as T

log = logging.getLogger("policydesk.portal")


@st.cache_resource(show_spinner=False)
def _warming(settings_key: str):
    """Start loading the index and embedder in the background, once per process and
    settings (settings_key changes with POLICYDESK_HOME in tests and redeploys), so the
    page draws at once and the first question waits only for what is left."""
    assistant = get_assistant()
    outcome: dict = {}

    def warm() -> None:
        try:
            assistant.warm_up()
        except BaseException as exc:  # noqa: BLE001 - re-raised to the page that needs it
            outcome["error"] = exc

    thread = threading.Thread(target=warm, name="policydesk-warm-up", daemon=True)
    thread.start()
    return assistant, thread, outcome


def start_warm_up() -> None:
    _warming(repr(get_settings()))


def assistant():
    """The shared Assistant, warmed up; raises PolicydeskError if not ready (no index)."""
    key = repr(get_settings())
    assistant, thread, outcome = _warming(key)
    if thread.is_alive():
        with st.spinner(T.LOADING):
            thread.join()
    if "error" in outcome:
        _warming.clear()   # try again on the next run (e.g. after `policydesk ingest`)
        raise outcome["error"]
    return assistant


def assistant_or_none():
    """The assistant, or None after drawing why it is not available."""
    try:
        return assistant()
    except PolicydeskError as exc:
        st.error(exc.message_zh)
    except Exception:  # noqa: BLE001 - shown as a canned apology, logged in full
        log.exception("portal: cannot load the assistant")
        st.error(T.INTERNAL_ERROR)
    return None


def store_or_none():
    """The database store; it works even before the index is built."""
    try:
        return get_assistant().store
    except PolicydeskError as exc:
        st.error(exc.message_zh)
    except Exception:  # noqa: BLE001
        log.exception("portal: cannot open the store")
        st.error(T.INTERNAL_ERROR)
    return None


def documents() -> list:
    """The ingested documents (title, publisher, date) or [] if there is no index yet."""
    try:  # only reads docs.jsonl: does not wait for the warm-up
        return list(get_assistant().documents_by_id.values())
    except Exception:  # noqa: BLE001 - the notice then says no texts are loaded
        return []


def documents_by_id() -> dict:
    return {d.doc_id: d for d in documents()}


def settings():
    return get_settings()


def assistant_store():
    """The store, raising (for callbacks that report errors themselves)."""
    return get_assistant().store
