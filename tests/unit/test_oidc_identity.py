"""The pure parts of the OIDC login (ostan_dash.auth): which providers secrets.toml configures,
the identity in an ID token's claims, which users row it maps to, the session id and freshness."""

from __future__ import annotations

import datetime as dt

import pytest

from ostan_dash import auth

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
ISS = "https://login.microsoftonline.com/tenant-id/v2.0"
META = f"{ISS}/.well-known/openid-configuration"
BASE = {"redirect_uri": "https://ostan.example/oauth2callback", "cookie_secret": "x" * 32}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (None, []),
        ({}, []),
        ({"cookie_key": "k" * 48}, []),  # the local login's key alone: OIDC stays off
        ({**BASE}, []),
        ({**BASE, "entra": {"client_id": "c", "server_metadata_url": META}}, ["entra"]),
        ({**BASE, "entra": {"client_id": "c"}}, []),  # no metadata: incomplete
        ({"entra": {"client_id": "c", "server_metadata_url": META}}, []),  # no redirect_uri
        ({**BASE, "client_id": "c", "server_metadata_url": META}, [None]),
        (
            {
                **BASE,
                "polis": {"client_id": "p", "server_metadata_url": META},
                "entra": {"client_id": "c", "server_metadata_url": META},
            },
            ["entra", "polis"],
        ),
    ],
)
def test_providers_only_when_completely_configured(section, expected):
    assert auth.oidc_providers(section) == expected


def claims(**extra):
    return {"iss": ISS, "sub": "abc", "iat": int(NOW.timestamp()), "nonce": "n1", **extra}


def test_identity_from_claims():
    ident = auth.oidc_identity(claims(email="Anna@Ostan.SE", email_verified=True))
    assert ident == auth.OidcIdentity(ISS, "abc", "anna@ostan.se", NOW, "n1")


@pytest.mark.parametrize("verified", [None, False, "false", "yes"])
def test_an_unverified_email_is_not_an_identity(verified):
    c = claims(email="anna@ostan.se")
    if verified is not None:
        c["email_verified"] = verified
    assert auth.oidc_identity(c).email is None


@pytest.mark.parametrize("missing", ["iss", "sub"])
def test_no_identity_without_issuer_and_subject(missing):
    c = claims()
    del c[missing]
    assert auth.oidc_identity(c) is None
    assert auth.oidc_identity({**claims(), missing: ""}) is None


def test_trailing_slash_of_the_issuer_does_not_matter():
    assert auth.oidc_identity(claims(iss=ISS + "/")).issuer == ISS


def row(id_, *, iss=None, sub=None, email=None):
    return {"id": id_, "oidc_issuer": iss, "oidc_subject": sub, "oidc_email": email}


def test_issuer_and_subject_win_over_email():
    ident = auth.oidc_identity(claims(email="anna@ostan.se", email_verified=True))
    rows = [row(1, email="anna@ostan.se"), row(2, iss=ISS, sub="abc")]
    assert auth.pick_oidc_user(ident, rows)["id"] == 2


def test_same_subject_at_another_issuer_is_someone_else():
    ident = auth.oidc_identity(claims())
    assert auth.pick_oidc_user(ident, [row(1, iss="https://other.example", sub="abc")]) is None


def test_a_verified_email_maps_only_to_a_row_without_a_subject():
    ident = auth.oidc_identity(claims(email="anna@ostan.se", email_verified=True))
    assert auth.pick_oidc_user(ident, [row(1, email="anna@ostan.se")])["id"] == 1
    tied = row(1, iss=ISS, sub="someone-else", email="anna@ostan.se")
    assert auth.pick_oidc_user(ident, [tied]) is None


def test_an_unverified_email_maps_to_nobody():
    ident = auth.oidc_identity(claims(email="anna@ostan.se"))
    assert auth.pick_oidc_user(ident, [row(1, email="anna@ostan.se")]) is None


def test_session_id_differs_per_login_and_key():
    a = auth.oidc_identity(claims())
    b = auth.oidc_identity(claims(nonce="n2"))
    key = "k" * 48
    assert auth.oidc_session_id(a, key) == auth.oidc_session_id(a, key)
    assert auth.oidc_session_id(a, key) != auth.oidc_session_id(b, key)
    assert auth.oidc_session_id(a, key) != auth.oidc_session_id(a, "j" * 48)


def test_only_a_fresh_token_opens_a_session():
    assert auth.fresh_login(NOW, NOW)
    assert auth.fresh_login(NOW - auth.FRESH_LOGIN, NOW)
    assert not auth.fresh_login(NOW - auth.FRESH_LOGIN - dt.timedelta(seconds=1), NOW)
    assert not auth.fresh_login(NOW + dt.timedelta(minutes=2), NOW)  # from the future
    assert not auth.fresh_login(None, NOW)


@pytest.mark.parametrize(
    ("issuer", "subject", "email", "ok"),
    [
        ("", "", "", True),
        (ISS, "abc", "", True),
        ("", "", "anna@ostan.se", True),
        (ISS, "", "", False),
        ("", "abc", "", False),
        ("tenant-id", "abc", "", False),
        ("", "", "anna", False),
    ],
)
def test_identity_problems(issuer, subject, email, ok):
    assert (auth.oidc_identity_problems(issuer, subject, email) == []) is ok


def test_normalised_email():
    assert auth.normalise_email("  Anna@Ostan.SE ") == "anna@ostan.se"
    assert auth.normalise_email("  ") is None
    assert auth.normalise_email(None) is None
