"""Back to the deep link after the organisation's login (auth.browser_key, page_of_url,
remember_destination, take_destination): Streamlit's OIDC callback always lands on "/"."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from ostan_dash import auth

T0 = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


def test_the_browser_key_is_the_xsrf_token_whatever_its_mask():
    token = os.urandom(16)
    first, second = generate_xsrf_token_string(token, 1), generate_xsrf_token_string(token, 1)
    assert first != second  # Streamlit masks the token anew for every response
    assert auth.browser_key(first) == auth.browser_key(second) is not None
    assert auth.browser_key(generate_xsrf_token_string(os.urandom(16), 1)) != auth.browser_key(
        first
    )
    assert token.hex() not in auth.browser_key(first)  # a digest, not the token itself


@pytest.mark.parametrize("cookie", [None, "", "abc", "1|00|00|1", "2|zz|00|1", "2||00|1"])
def test_no_key_without_a_well_formed_cookie(cookie):
    assert auth.browser_key(cookie) is None


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("http://127.0.0.1:8501/karta", "karta"),
        ("https://ostan.example/karta/", "karta"),
        ("https://ostan.example/", ""),
        ("https://ostan.example", ""),
        (None, ""),
    ],
)
def test_page_of_url(url, page):
    assert auth.page_of_url(url) == page


def test_a_destination_is_given_back_once_and_only_to_its_browser():
    auth.remember_destination("a" * 64, "karta", {"omrade": ["F01", "C01"]}, now=T0)
    assert auth.take_destination("b" * 64, now=T0) is None
    assert auth.take_destination("a" * 64, now=T0 + dt.timedelta(minutes=1)) == (
        "karta",
        {"omrade": ["F01", "C01"]},
    )
    assert auth.take_destination("a" * 64, now=T0) is None
    assert auth.take_destination(None) is None


def test_an_old_destination_is_forgotten():
    auth.remember_destination("c" * 64, "insatser", {}, now=T0)
    late = T0 + auth.RETURN_WITHIN + dt.timedelta(seconds=1)
    assert auth.take_destination("c" * 64, now=late) is None
