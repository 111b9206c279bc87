"""Import: police extracts, area boundaries and statistics, the survey, places and EST reports.

A mapping step first (the header found below title lines, our column proposed for each of
the file's, confirmed or changed in a table and remembered per source, a value for a column the
whole file lacks, a small map of the first geometries), then the preview (the whole import run
and rolled back: rows read, valid, new, already present and every problem with its line), then
one click writes the file in one transaction. Nothing is written from a file with a single bad
row. The sections are drawn by :mod:`ostan_dash.ui.import_page`.
"""

import streamlit as st

from ostan_dash.ingest import validate
from ostan_dash.ui import data, login
from ostan_dash.ui import import_page as page

user = login.page_user("import")
st.title("Import")

kind = st.selectbox("Vad vill du importera?", list(validate.KINDS), format_func=validate.KINDS.get)
page.column_help(kind)
if kind == "omraden":
    page.boundary_choice(user)
group_names = page.police_group_help(user) if kind == "polisbrott" else {}
settings = page.event_settings(user) if kind == "polishandelser" else page.Settings()

upload = st.file_uploader("Fil", type=page.FILE_TYPES, key=f"imp_file_{kind}")
crs = st.radio("Koordinatsystem", list(page.CRS), format_func=page.CRS.get, horizontal=True)

if upload is not None:
    payload = upload.getvalue()
    chosen = page.Mapping()
    if kind != "polishandelser":
        chosen = page.mapping_step(kind, payload, upload.name, user)
    choices = {
        "crs": crs,
        "municipality": settings.municipality or None,
        "header_row": chosen.header_row,
        "mapping": chosen.columns or None,
        "values": chosen.values or None,
    }
    preview = page.preview(
        kind,
        payload,
        upload.name,
        user,
        **choices,
        also_key=str((settings.type_overrides, group_names)),
    )
    page.preview_summary(kind, preview)
    if preview.ok:
        result = st.session_state.get("imp_result")
        if result is None and st.button("Importera", type="primary", key="imp_go"):
            bar = st.progress(0.0, text="Importerar …")
            result = page.run(
                kind,
                payload,
                upload.name,
                user,
                **choices,
                progress=lambda f, t: bar.progress(f, text=t),
            )
            page.save_municipality(result, settings, user)
            st.session_state["imp_result"] = result
            data.clear()
            st.rerun()
        if result is not None:
            page.result_message(result)

page.history()
