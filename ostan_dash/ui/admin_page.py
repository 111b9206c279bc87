"""The sections of the Administration page (content/admin.py): a user's role and login, the
organisation's account (OIDC), a new password, new users, organisations, the retention policy and
the sharing policy. Every change goes through :mod:`ostan_dash.auth`, :mod:`ostan_dash.retention`
or :mod:`ostan_dash.sharing` under the administrator's own database role and leaves its message
with :func:`ostan_dash.ui.admin_views.act`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from ostan_dash import auth, retention, sharing, vocab
from ostan_dash import text as sv
from ostan_dash.store import areas, imports
from ostan_dash.ui import admin_views as av


def role_form(user: auth.User, chosen: int, u: Mapping[str, Any], org_names: dict) -> None:
    """Role and organisation of the chosen user."""
    name = u["username"]
    with st.form("admin_role"):
        st.markdown(f"**Roll och organisation för {name}**")
        role = st.selectbox(
            "Roll", list(vocab.ROLES), index=list(vocab.ROLES).index(u["role"]),
            format_func=vocab.ROLES.get,
        )  # fmt: skip
        org = st.selectbox(
            "Organisation", list(org_names), index=list(org_names).index(u["organisation_id"]),
            format_func=org_names.get,
        )  # fmt: skip
        if st.form_submit_button("Spara roll och organisation"):
            av.act(
                lambda: auth.change_role(user, chosen, role=role, organisation_id=org),
                lambda _: f"{name} är nu {vocab.ROLES[role].lower()} i {org_names[org]}.",
            )
            st.rerun()


def login_actions(user: auth.User, chosen: int, u: Mapping[str, Any]) -> None:
    """Unlock, log out everywhere, deactivate or activate the chosen user."""
    name = u["username"]
    st.markdown(f"**Inloggning för {name}**")
    st.button(
        "Lås upp inloggningen",
        help="Tar bort väntetiden efter misslyckade försök, från alla adresser.",
        on_click=av.act,
        args=(lambda: auth.unlock(user, chosen), lambda _: f"Inloggningen för {name} är upplåst."),
    )
    st.button(
        "Logga ut överallt",
        help="Återkallar alla öppna sessioner; användaren måste logga in igen.",
        on_click=av.act,
        args=(
            lambda: auth.revoke_sessions(user, chosen),
            lambda n: f"Återkallade sessioner för {name}: {sv.number(n)}.",
        ),
    )
    if u["active"]:
        st.button(
            "Avaktivera kontot",
            help="Kontot kan inte logga in; öppna sessioner återkallas.",
            on_click=av.act,
            args=(
                lambda: auth.set_active(user, chosen, active=False),
                lambda n: f"{name} är avaktiverad (återkallade sessioner: {sv.number(n)}).",
            ),
        )
    else:
        st.button(
            "Aktivera kontot",
            on_click=av.act,
            args=(
                lambda: auth.set_active(user, chosen, active=True),
                lambda _: f"{name} är aktiverad igen.",
            ),
        )


def oidc_form(user: auth.User, chosen: int, u: Mapping[str, Any]) -> None:
    """The chosen user's identity at the organisation's login (OIDC)."""
    name = u["username"]
    with st.form("admin_oidc"):
        st.markdown(f"**Organisationens konto (OIDC) för {name}**")
        st.caption(
            "Utfärdare och subjekt ur ID-tokenet (iss och sub; en nekad inloggning skriver "
            "dem i serverns logg), eller en e-postadress som leverantören har verifierat. "
            "Tomma fält tar bort kopplingen."
        )
        iss = st.text_input("Utfärdare (iss)", u["oidc_issuer"] or "")
        sub = st.text_input("Subjekt (sub)", u["oidc_subject"] or "")
        mail = st.text_input("Verifierad e-post", u["oidc_email"] or "")
        if st.form_submit_button("Spara organisationens konto"):
            av.act(
                lambda: auth.set_oidc_identity(user, chosen, issuer=iss, subject=sub, email=mail),
                lambda _: f"Organisationens konto för {name} är sparat.",
            )
            st.rerun()


def password_form(user: auth.User, chosen: int, name: str) -> None:
    """A new password for the chosen user (their sessions are revoked)."""
    with st.form("admin_password", clear_on_submit=True):
        st.markdown(f"**Nytt lösenord för {name}**")
        new_password = st.text_input("Nytt lösenord", type="password")
        if st.form_submit_button("Byt lösenord"):
            av.act(
                lambda: auth.set_password(user, chosen, username=name, password=new_password),
                lambda n: f"Lösenordet för {name} är bytt ({sv.number(n)} sessioner återkallade).",
            )
            st.rerun()


def new_user_form(user: auth.User, org_names: dict) -> None:
    """A new user with role, organisation, first password and optionally a verified e-mail."""
    with st.form("admin_new_user", clear_on_submit=False):
        st.markdown("**Ny användare**")
        new_name = st.text_input(
            "Användarnamn", help="2–64 tecken: a–z, siffror, punkt, bindestreck, understreck."
        )
        new_display = st.text_input("Namn")
        new_role = st.selectbox("Roll", list(vocab.ROLES), format_func=vocab.ROLES.get, index=3)
        new_org = st.selectbox("Organisation", list(org_names), format_func=org_names.get)
        new_pw = st.text_input(
            "Första lösenord", type="password",
            help=f"Minst {auth.MIN_PASSWORD_LENGTH} tecken. Lämna det till personen på ett "
            "säkert sätt.",
        )  # fmt: skip
        new_mail = st.text_input(
            "E-post för organisationens konto (frivilligt)",
            help="Personen kan då logga in med organisationens konto (OIDC) med denna "
            "verifierade e-postadress.",
        )
        if st.form_submit_button("Skapa användare"):
            av.act(
                lambda: av.create_user(
                    user, username=new_name, display_name=new_display, role=new_role,
                    organisation_id=new_org, password=new_pw, oidc_email=new_mail,
                ),
                lambda _: f"Användaren {new_name.strip()} är skapad.",
            )  # fmt: skip
            st.rerun()


def organisations_tab(user: auth.User, orgs: pl.DataFrame) -> None:
    """The organisations and a form for a new one."""
    st.dataframe(av.organisations_table(orgs), hide_index=True, width="stretch")
    with st.form("admin_new_org", clear_on_submit=True):
        st.markdown("**Ny organisation**")
        org_name = st.text_input("Organisationens namn")
        org_kind = st.selectbox(
            "Typ", list(vocab.ORGANISATION_KINDS), format_func=vocab.ORGANISATION_KINDS.get
        )
        if st.form_submit_button("Lägg till organisation"):
            av.act(
                lambda: auth.add_organisation(user, name=org_name, kind=org_kind),
                lambda _: f"Organisationen {' '.join(org_name.split())} är tillagd.",
            )
            st.rerun()


def retention_tab(user: auth.User) -> None:
    """The retention policy, its last run, a form to change it and a dry run."""
    policy = retention.load_policy()
    st.markdown(retention.describe(policy))
    st.caption(
        "Gallringen körs av servern (ostan-dash retention run, varje natt med systemd-timern "
        "eller cron; se README). Gamla händelser ersätts av antal per månad, område, "
        "organisation och kategori, så långa trender finns kvar."
    )
    st.markdown(retention.last_run_text(user.id))
    with st.form("admin_retention"):
        months = policy.fritext_manader
        st.number_input("Ta bort fritext efter (månader)", 1, 120, months, key="ret_text")
        years = policy.aggregera_efter_ar
        st.number_input("Ersätt händelser med antal efter (år)", 1, 50, years, key="ret_agg")
        days = policy.inloggningsforsok_dagar
        st.number_input("Spara inloggningsförsök (dagar)", 7, 3650, days, key="ret_att")
        if st.form_submit_button("Spara gallringspolicy"):
            new_policy = av.policy_from_state("ret")
            av.act(
                lambda: retention.save_policy(user.id, new_policy),
                lambda _: "Gallringspolicyn är sparad: " + retention.describe(new_policy),
            )
            st.rerun()
    if st.button("Visa vad en gallring skulle göra i dag"):
        cut, counts = retention.preview(user.id, policy)
        for line in retention.report_lines(policy, cut, counts, dry_run=True)[1:-1]:
            st.markdown(f"- {line}")


def sharing_tab(user: auth.User, orgs: pl.DataFrame) -> None:
    """What each organisation shares with whom, and a form to change one organisation's."""
    policy = sharing.load(user.id, orgs)
    st.caption(
        "Vad varje organisation delar med andra. Databasen håller delningen vid varje läsning: "
        "en organisation ser alltid sina egna uppgifter och administratörer ser allt. Den som "
        "inte får se polisens brott med plats ser dem som antal per område och tid."
    )
    st.dataframe(sharing.table(policy, orgs), hide_index=True, width="stretch")
    names = dict(zip(orgs["id"], orgs["name"], strict=True))
    kinds = dict(zip(orgs["id"], orgs["kind"], strict=True))
    owner = st.selectbox("Organisation", list(names), format_func=names.get, key="share_org")
    if owner is None:
        return
    others = [o for o in names if o != owner]
    with st.form("admin_sharing"):
        st.markdown(f"**Vad {names[owner]} delar**")
        wanted = []
        for kind in sharing.kinds_for(kinds[owner]):
            now = policy[(owner, kind)]
            st.markdown(f"*{sharing.KINDS[kind]}*")
            key = f"share_{owner}_{kind}"
            everyone = st.checkbox("Med alla organisationer", now.everyone, key=f"{key}_alla")
            analysts = st.checkbox("Med analytiker", now.analysts, key=f"{key}_analytiker")
            named = st.multiselect(
                "Med dessa organisationer", others, default=sorted(now.organisations),
                format_func=names.get, key=f"{key}_org", select_all=False,
                placeholder="Välj organisationer",
            )  # fmt: skip
            wanted.append(sharing.Sharing(owner, kind, everyone, analysts, frozenset(named)))
        if st.form_submit_button("Spara delning"):
            av.act(
                lambda: sum(sharing.save(user.id, s) for s in wanted),
                lambda n: (
                    f"Delningen för {names[owner]} är sparad ({sv.count(n, 'ändring', 'ändringar')})."
                ),
            )
            st.rerun()


def municipality_tab(user: auth.User) -> None:
    """Our municipality: its name (the police's events of this municipality are imported) and
    SCB's code (Brå's statistics find us by it on Översikt)."""
    saved = imports.municipality() or {}
    st.caption(
        "Kommunens namn och kommunkod som SCB skriver dem. Namnet väljer vilka av polisens "
        "händelser som importeras; koden hittar kommunen i Brås brottsstatistik på Översikt."
    )
    with st.form("admin_municipality"):
        name = st.text_input("Kommunens namn", value=saved.get("namn", ""))
        code = st.text_input("Kommunkod (SCB, fyra siffror)", value=saved.get("kod", ""))
        if st.form_submit_button("Spara kommunen"):
            av.act(
                lambda: _save_municipality(user, imports.municipality_value(name, code)),
                lambda v: (
                    f"Kommunen är sparad: {v['namn']}" + (f" ({v['kod']})." if "kod" in v else ".")
                ),
            )
            st.rerun()


def _save_municipality(user: auth.User, value: dict[str, str]) -> dict[str, str]:
    areas.save_setting(
        imports.MUNICIPALITY_SETTING,
        value,
        user_id=user.id,
        username=user.username,
        role=user.role,
    )
    return value
