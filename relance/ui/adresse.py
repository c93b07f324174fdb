"""Values bound to the address: a widget's value seeded from the query string and written back to it, the page's
tabs bound to it, and the messages about values that were not understood."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

MESSAGES_KEY = "_messages_url"
WRITTEN_KEY = "_url_ecrite"


def url_state(key: str, parse: Callable[[str | None], tuple], serialize: Callable = str):
    """Seed `st.session_state[key]` from the query string; keep the URL in step with it.

    The URL value is read again whenever it differs from what this session last wrote (a pasted link,
    a page link with query parameters). Call it at the top of every run, before the widget keyed `key`:
    the URL is written here, in the script, because query-string changes made inside widget callbacks
    do not reach the browser.
    """
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    raw = st.query_params.get(key)
    if key not in st.session_state or (raw is not None and raw != written.get(key)):
        value, message = parse(raw)
        st.session_state[key] = value
        if message:
            st.session_state.setdefault(MESSAGES_KEY, []).append(message)
    else:
        # Re-assigning keeps the value when the widget holding it belongs to another page (Streamlit
        # otherwise resets a widget value created on one page and read by a widget of another).
        st.session_state[key] = st.session_state[key]
    sync_url(key, serialize)
    return st.session_state[key]


def sync_url(key: str, serialize: Callable = str) -> None:
    """Write the current value of `key` to the query string (removed when None or empty)."""
    value = st.session_state.get(key)
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    if value is None or (isinstance(value, list) and not value):
        if key in st.query_params:
            del st.query_params[key]
        written[key] = None
    else:
        text = serialize(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text
        written[key] = text


TAB_KEY = "onglet"  # the open tab's name in the address (a link reopens it; absent for the first tab)


def tabs(labels) -> list:
    """A page's tabs, only the open one computed and sent (test `.open` before filling a tab): the browser draws
    a page's charts all at once, even in a hidden tab, so a page opens as fast as its first tab. The open tab is
    bound to the address; an unknown name there opens the first tab."""
    return list(st.tabs(list(labels), key=TAB_KEY, bind="query-params"))


def show_url_messages() -> None:
    """Show (once) the messages about address values that were not understood."""
    for message in st.session_state.pop(MESSAGES_KEY, []):
        st.warning(message, icon=":material/warning:")
