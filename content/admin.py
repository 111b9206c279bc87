"""Administration: users (role, organisation, active, unlock, log out everywhere, new password),
new users, organisations, the retention policy, the sharing policy between organisations and our
municipality (name and SCB code).
Every change runs under the administrator's own database role and is written to the audit trail
(ostan_dash.auth, ostan_dash.store). The sections are drawn by :mod:`ostan_dash.ui.admin_page`."""

import streamlit as st

from ostan_dash import auth
from ostan_dash.ui import admin_page as page
from ostan_dash.ui import admin_views as av
from ostan_dash.ui import login

user = login.page_user("admin")

st.title("Administration")
st.caption(
    "Användare, organisationer, gallring, delning och kommunen. Varje ändring görs med din "
    "administratörsroll i databasen och skrivs i granskningsloggen."
)
av.flash()

users = auth.users_overview(user)
orgs = auth.organisations(user)
org_names = dict(zip(orgs["id"], orgs["name"], strict=True))

tab_users, tab_new, tab_orgs, tab_retention, tab_sharing, tab_kommun = st.tabs(
    ["Användare", "Ny användare", "Organisationer", "Gallring", "Delning", "Kommun"]
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
        col_role, col_actions = st.columns(2)
        with col_role:
            page.role_form(user, chosen, by_id[chosen], org_names)
        with col_actions:
            page.login_actions(user, chosen, by_id[chosen])
        page.oidc_form(user, chosen, by_id[chosen])
        page.password_form(user, chosen, by_id[chosen]["username"])

with tab_new:
    page.new_user_form(user, org_names)

with tab_orgs:
    page.organisations_tab(user, orgs)

with tab_retention:
    page.retention_tab(user)

with tab_sharing:
    page.sharing_tab(user, orgs)

with tab_kommun:
    page.municipality_tab(user)
