"""Administration: users (role, organisation, active, unlock, log out everywhere, new password),
new users, organisations and the retention policy. Every change runs under the administrator's
own database role and is written to the audit trail (ostan_dash.auth, ostan_dash.store)."""

import streamlit as st

from ostan_dash import auth, retention, vocab
from ostan_dash import text as sv
from ostan_dash.ui import admin_views as av
from ostan_dash.ui import login

user = login.page_user("admin")

st.title("Administration")
st.caption(
    "Användare, organisationer och gallring. Varje ändring görs med din administratörsroll i "
    "databasen och skrivs i granskningsloggen."
)
av.flash()

users = auth.users_overview(user)
orgs = auth.organisations(user)
org_names = dict(zip(orgs["id"], orgs["name"], strict=True))

tab_users, tab_new, tab_orgs, tab_retention = st.tabs(
    ["Användare", "Ny användare", "Organisationer", "Gallring"]
)

with tab_users:
    st.dataframe(av.users_table(users), hide_index=True, width="stretch")
    st.caption(
        "Misslyckade inloggningar räknas de senaste 24 timmarna, sedan senaste upplåsning. "
        f"Efter {auth.FREE_FAILURES} misslyckade försök från samma adress får den adressen vänta "
        "2, 4, 8 … sekunder (högst 15 minuter) före nästa försök; andra adresser påverkas inte, "
        "och med rätt lösenord efter väntan går det alltid att logga in."
    )
    by_id = {r["id"]: r for r in users.iter_rows(named=True)}
    chosen = st.selectbox(
        "Välj användare",
        list(by_id),
        format_func=lambda i: f"{by_id[i]['username']} – {by_id[i]['display_name']}",
        key="admin_user",
    )
    if chosen is not None:
        u = by_id[chosen]
        name = u["username"]
        col_role, col_actions = st.columns(2)
        with col_role, st.form("admin_role"):
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
        with col_actions:
            st.markdown(f"**Inloggning för {name}**")
            st.button(
                "Lås upp inloggningen",
                help="Tar bort väntetiden efter misslyckade försök, från alla adresser.",
                on_click=av.act,
                args=(
                    lambda: auth.unlock(user, chosen),
                    lambda _: f"Inloggningen för {name} är upplåst.",
                ),
            )
            st.button(
                "Logga ut överallt",
                help="Återkallar alla öppna sessioner; användaren måste logga in igen.",
                on_click=av.act,
                args=(
                    lambda: auth.revoke_sessions(user, chosen),
                    lambda n: f"{sv.number(n)} sessioner för {name} återkallade.",
                ),
            )
            if u["active"]:
                st.button(
                    "Avaktivera kontot",
                    help="Kontot kan inte logga in; öppna sessioner återkallas.",
                    on_click=av.act,
                    args=(
                        lambda: auth.set_active(user, chosen, active=False),
                        lambda n: f"{name} är avaktiverad ({sv.number(n)} sessioner återkallade).",
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
        with st.form("admin_password", clear_on_submit=True):
            st.markdown(f"**Nytt lösenord för {name}**")
            new_password = st.text_input("Nytt lösenord", type="password")
            if st.form_submit_button("Byt lösenord"):
                av.act(
                    lambda: auth.set_password(user, chosen, username=name, password=new_password),
                    lambda n: (
                        f"Lösenordet för {name} är bytt ({sv.number(n)} sessioner återkallade)."
                    ),
                )
                st.rerun()

with tab_new, st.form("admin_new_user", clear_on_submit=False):
    st.markdown("**Ny användare**")
    new_name = st.text_input(
        "Användarnamn", help="2–64 tecken: a–z, siffror, punkt, bindestreck, understreck."
    )
    new_display = st.text_input("Namn")
    new_role = st.selectbox("Roll", list(vocab.ROLES), format_func=vocab.ROLES.get, index=3)
    new_org = st.selectbox("Organisation", list(org_names), format_func=org_names.get)
    new_pw = st.text_input(
        "Första lösenord",
        type="password",
        help=f"Minst {auth.MIN_PASSWORD_LENGTH} tecken. Lämna det till personen på ett säkert sätt.",
    )
    if st.form_submit_button("Skapa användare"):
        av.act(
            lambda: auth.create_user(
                user, username=new_name, display_name=new_display, role=new_role,
                organisation_id=new_org, password=new_pw,
            ),
            lambda _: f"Användaren {new_name.strip()} är skapad.",
        )  # fmt: skip
        st.rerun()

with tab_orgs:
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

with tab_retention:
    policy = retention.load_policy()
    st.markdown(retention.describe(policy))
    st.caption(
        "Gallringen körs av servern (ostan-dash retention run, varje natt med systemd-timern "
        "eller cron; se README). Gamla händelser ersätts av antal per månad, område, "
        "organisation och kategori, så långa trender finns kvar."
    )
    st.markdown(retention.last_run_text(user.id))
    with st.form("admin_retention"):
        months = st.number_input(
            "Ta bort fritext efter (månader)", 1, 120, policy.fritext_manader, key="ret_text"
        )
        years = st.number_input(
            "Ersätt händelser med antal efter (år)", 1, 50, policy.aggregera_efter_ar, key="ret_agg"
        )
        days = st.number_input(
            "Spara inloggningsförsök (dagar)", 7, 3650, policy.inloggningsforsok_dagar,
            key="ret_att",
        )  # fmt: skip
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
