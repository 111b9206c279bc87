"""Import: police extracts, area boundaries and statistics, the survey, places and EST reports.

Preview first (the whole import run and rolled back: rows read, valid, new, already present and
every problem with its line), then one click writes the file in one transaction. Nothing is
written from a file with a single bad row.
"""

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.ingest import pipeline, police_events, police_groups, templates, validate
from ostan_dash.store import areas, imports
from ostan_dash.ui import data, export, fmt, login

CRS = {
    "auto": "Upptäck automatiskt",
    "3006": "SWEREF 99 TM (EPSG:3006)",
    "4326": "WGS 84 (EPSG:4326)",
}
FORMATS = {
    "polisbrott": "CSV (semikolon, som Excel sparar) eller .xlsx",
    "omraden": "GeoJSON eller GeoPackage",
    "indikatorer": "CSV eller .xlsx",
    "enkat": "CSV eller .xlsx",
    "platser": "CSV, .xlsx, GeoJSON eller GeoPackage",
    "rapporter": "CSV eller .xlsx",
    "befolkningsrutor": "GeoPackage eller CSV från SCB (rutid, rutans hörn eller polygon)",
    "polishandelser": "JSON från polisens händelse-API (polisen.se/api/events), som den är",
}
PROBLEM_COLUMNS = {"rad": "Rad", "falt": "Fält", "orsak": "Orsak", "varde": "Värde"}


user = login.page_user("import")
st.title("Import")

kind = st.selectbox("Vad vill du importera?", list(validate.KINDS), format_func=validate.KINDS.get)
spec = validate.SPECS[kind]
with st.expander("Vilka kolumner filen ska ha"):
    st.markdown(f"**Format:** {FORMATS[kind]}. Kolumner med * måste finnas.")
    st.markdown(
        "\n".join(
            f"- {c.name}{' *' if c.required else ''}"
            + (f" (även: {', '.join(c.aliases[:4])})" if c.aliases else "")
            for c in spec
        )
    )
    # One example row in our own municipality (an area of ours, a point in it), so that the
    # template shows how values are written and the unchanged file passes the preview.
    known = data.areas().sort("code")
    if known.is_empty():  # no areas yet (they are imported first): the columns only
        body, suffix, mime = export.to_csv_bytes(validate.template(kind)), "csv", "text/csv"
    else:
        first_area = known.row(0, named=True)
        named = imports.municipality() if kind == "polishandelser" else None
        example = {
            "today": config.today(),
            "area_code": first_area["code"],
            "point": templates.point_in(first_area["geojson_wgs84"]),
            "municipality": named["namn"] if named else "Östan",
        }
        st.caption("Mallen har en exempelrad: skriv över den med era egna rader.")
        if kind in templates.GEOJSON_KINDS:
            body = templates.template_geojson(kind, **example)
            suffix, mime = "geojson", "application/geo+json"
        else:
            body = export.to_csv_bytes(templates.template(kind, **example))
            suffix, mime = "csv", "text/csv"
    st.download_button(
        f"Ladda ned mall ({'GeoJSON' if suffix == 'geojson' else 'CSV'})",
        body,
        file_name=f"mall-{kind}.{suffix}",
        mime=mime,
    )
if kind == "polisbrott":
    with st.expander("Polisens egna brottsgrupper"):
        st.markdown(
            "Kolumnen Brottsgrupp får innehålla polisens eller Brås gruppnamn; de översätts så här."
        )
        st.markdown(
            "\n".join(
                f"- {polis} → {var}" for polis, var in police_groups.group_table().iter_rows()
            )
        )
if kind == "polishandelser":
    with st.expander("Vilka händelsetyper som räknas som brott"):
        st.markdown(
            "Bara händelser i kommunen vars typ är ett brott importeras; övriga visas i "
            "förhandsgranskningen med skälet. Platsen är bara kommunen: inga punkter sparas."
        )
        type_overrides = imports.event_type_overrides()
        edited = st.data_editor(
            police_events.type_table(type_overrides).to_pandas(),
            key="imp_types",
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "Brottsgrupp": st.column_config.SelectboxColumn(
                    "Brottsgrupp",
                    options=[*vocab.POLICE_GROUPS.values(), police_events.NOT_A_CRIME_LABEL],
                    required=True,
                )
            },
        )
        changed = police_events.overrides_from_table(pl.from_pandas(edited))
        if changed != type_overrides and st.button("Spara händelsetyperna", key="imp_types_save"):
            areas.save_setting(
                imports.EVENT_TYPES_SETTING,
                changed,
                user_id=user.id,
                username=user.username,
                role=user.role,
            )
            st.session_state.pop("imp_preview_key", None)
            st.rerun()
    saved = imports.municipality()
    municipality = st.text_input(
        "Kommun (namnet som SCB skriver det, t.ex. Malmö)",
        value=saved["namn"] if saved else "",
        key="imp_kommun",
    )
else:
    saved, municipality, type_overrides = None, "", {}

upload = st.file_uploader(
    "Fil", type=["csv", "txt", "xlsx", "geojson", "json", "gpkg"], key=f"imp_file_{kind}"
)
crs = st.radio("Koordinatsystem", list(CRS), format_func=CRS.get, horizontal=True)

if upload is not None:
    payload = upload.getvalue()
    key = (kind, upload.name, len(payload), crs, municipality, str(type_overrides))
    if st.session_state.get("imp_preview_key") != key:
        with st.spinner("Kontrollerar filen …"):
            preview = pipeline.run_import(
                kind,
                payload,
                upload.name,
                crs=crs,
                dry_run=True,
                user_id=user.id,
                username=user.username,
                role=user.role,
                organisation_id=user.organisation_id,
                municipality=municipality or None,
            )
        st.session_state["imp_preview_key"] = key
        st.session_state["imp_preview"] = preview
        st.session_state.pop("imp_result", None)
    preview: imports.ImportOutcome = st.session_state["imp_preview"]

    st.subheader("Förhandsgranskning")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rader lästa", fmt.number(preview.rows_read))
    c2.metric("Giltiga rader", fmt.number(preview.rows_valid))
    c3.metric("Nya rader", fmt.number(preview.rows_new))
    c4.metric("Finns redan", fmt.number(preview.rows_existing))
    if preview.encoding:
        st.caption(
            f"Teckenkodning: {preview.encoding}. "
            + (
                f"Kolumner som inte används: {', '.join(preview.ignored_columns)}."
                if preview.ignored_columns
                else ""
            )
        )
    for note in preview.notes:
        st.info(note)
    if not preview.skipped.is_empty():
        with st.expander(f"Rader som inte importeras ({fmt.number(preview.skipped.height)})"):
            export.table(
                preview.skipped.rename(PROBLEM_COLUMNS),
                name=f"importeras-inte-{kind}",
                key="imp_skipped",
                height=export.table_height(preview.skipped.height, max_rows=10),
            )
    if not preview.ok:
        n = preview.problems["rad"].n_unique()
        st.error(
            f"Filen har {fmt.number(preview.problems.height)} problem på {fmt.number(n)} rader. "
            "Ingenting importeras förrän alla är rättade."
        )
        export.table(
            preview.problems.rename(PROBLEM_COLUMNS),
            name=f"importproblem-{kind}",
            key="imp_problems",
            height=export.table_height(preview.problems.height, max_rows=10),
        )
    else:
        result = st.session_state.get("imp_result")
        if result is None:
            if st.button("Importera", type="primary", key="imp_go"):
                bar = st.progress(0.0, text="Importerar …")
                result = pipeline.run_import(
                    kind,
                    payload,
                    upload.name,
                    crs=crs,
                    user_id=user.id,
                    username=user.username,
                    role=user.role,
                    organisation_id=user.organisation_id,
                    progress=lambda f, t: bar.progress(f, text=t),
                    municipality=municipality or None,
                )
                if result.written and municipality and municipality != (saved or {}).get("namn"):
                    areas.save_setting(
                        imports.MUNICIPALITY_SETTING,
                        {"namn": imports.municipality_name(municipality)},
                        user_id=user.id,
                        username=user.username,
                        role=user.role,
                    )
                st.session_state["imp_result"] = result
                data.clear()
                st.rerun()
        elif result.written:
            st.success(
                f"Importen är klar: {fmt.number(result.rows_new)} nya eller ändrade rader, "
                f"{fmt.number(result.rows_existing)} fanns redan "
                f"({fmt.number(result.seconds, 1)} s)."
            )
        else:
            st.error("Importen avbröts och ingenting sparades.")
            export.table(
                result.problems.rename(PROBLEM_COLUMNS),
                name="importproblem",
                key="imp_res_problems",
            )

st.subheader("Tidigare importer")
hist = imports.history()
if hist.is_empty():
    st.info("Inga importer än.")
else:
    export.table(
        hist.select(
            pl.col("imported_at").dt.strftime("%Y-%m-%d %H:%M").alias("Tid"),
            pl.col("kind").replace_strict(validate.KINDS, default=pl.col("kind")).alias("Typ"),
            pl.col("file_name").alias("Fil"),
            pl.col("imported_by").alias("Av"),
            pl.col("rows_read").alias("Rader lästa"),
            pl.col("rows_written").alias("Rader skrivna"),
            pl.col("sha256").str.slice(0, 12).alias("Kontrollsumma (SHA-256)"),
        ),
        name="importhistorik",
        key="imp_history",
        height=export.table_height(hist.height, max_rows=10),
    )
