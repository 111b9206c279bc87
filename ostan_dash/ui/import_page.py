"""The sections of the Import page (content/importera.py): what a kind's file holds (columns,
template), the kind's own settings (the municipality's boundary, the police's group names and
event types, both editable), the mapping step with its map, the preview of the whole import
rolled back, the write and the history.

Reading, mapping and validating live in :mod:`ostan_dash.ingest`; the writes go through the
store as the acting user.
"""

from __future__ import annotations

import dataclasses

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.auth import User
from ostan_dash.ingest import mapping, pipeline, police_events, police_groups, templates, validate
from ostan_dash.store import areas, import_mappings, imports
from ostan_dash.ui import data, export, fmt, import_map

CRS = {
    "auto": "Upptäck automatiskt",
    "3006": "SWEREF 99 TM (EPSG:3006)",
    "4326": "WGS 84 (EPSG:4326)",
}
FORMATS = {
    "polisbrott": "CSV (semikolon, som Excel sparar) eller .xlsx",
    "omraden": "GeoJSON, GeoPackage eller GeoParquet (t.ex. SCB:s DeSO, RegSO och kommuner); "
    "en fil med bara koder och namn (CSV) ger befintliga områden nya namn",
    "indikatorer": "CSV eller .xlsx, eller SCB:s PxWeb-tabeller (JSON-svar eller nedladdad CSV)",
    "enkat": "CSV eller .xlsx",
    "platser": "CSV, .xlsx, GeoJSON eller GeoPackage",
    "rapporter": "CSV eller .xlsx",
    "befolkningsrutor": "GeoPackage eller CSV från SCB (rutid, rutans hörn eller polygon)",
    "polishandelser": "JSON från polisens händelse-API (polisen.se/api/events), som den är",
    "gator": "GeoJSON eller GeoPackage med linjer (t.ex. ett utdrag ur OpenStreetMap)",
}
ALL_AREAS = "(alla områden tillsammans)"
PROBLEM_COLUMNS = {"rad": "Rad", "falt": "Fält", "orsak": "Orsak", "varde": "Värde"}
FILE_TYPES = ["csv", "txt", "xlsx", "geojson", "json", "gpkg", "parquet"]


@dataclasses.dataclass(frozen=True)
class Settings:
    """The police's events: the saved municipality, the one typed and the event types' changes."""

    saved: dict[str, str] | None = None
    municipality: str = ""
    type_overrides: dict[str, str | None] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Mapping:
    """What the user confirmed in the mapping step."""

    columns: dict[str, str] = dataclasses.field(default_factory=dict)  # file column → ours
    header_row: int | None = None
    values: dict[str, str] = dataclasses.field(default_factory=dict)  # ours → whole-file value


def column_help(kind: str) -> None:
    """The kind's columns (required marked) and a template with one example row in our own
    municipality (an area of ours, a point in it), so the unchanged template passes."""
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


def boundary_choice(user: User) -> None:
    """The municipality's own boundary: one of the areas, or all of them together."""
    with st.expander("Kommunens gräns"):
        st.markdown(
            "Punkter utanför kommunens gräns tas inte emot. Välj kommunens egen yta bland "
            "områdena (t.ex. SCB:s kommunpolygon) när filen har områden utanför kommunen; "
            "annars räknas alla områden tillsammans som kommunen."
        )
        choices = {ALL_AREAS: ALL_AREAS} | {
            r["code"]: f"{r['code']} · {r['name']}"
            for r in data.areas().sort("code").iter_rows(named=True)
        }
        current = import_mappings.boundary_code()
        picked = st.selectbox(
            "Kommunens gräns",
            list(choices),
            index=list(choices).index(current) if current in choices else 0,
            format_func=choices.get,
            key="imp_boundary",
        )
        wanted = None if picked == ALL_AREAS else picked
        if wanted != current and st.button("Spara kommunens gräns", key="imp_boundary_save"):
            import_mappings.set_boundary(wanted, user_id=user.id, role=user.role)
            st.session_state.pop("imp_preview_key", None)
            st.rerun()


def police_group_help(user: User) -> dict[str, str]:
    """How the police's and Brå's own group names translate to ours: a table the municipality
    may change and add to (saved as a setting, read by every import of police extracts).
    Returns the saved choices, which key the preview (a save in another session redoes it)."""
    with st.expander("Polisens egna brottsgrupper"):
        st.markdown(
            "Kolumnen Brottsgrupp får innehålla polisens eller Brås gruppnamn; de översätts "
            "enligt tabellen. Ändra en grupp eller lägg till ett namn som era utdrag använder. "
            "Stora och små bokstäver, accenter och en kapitelhänvisning inom parentes "
            "(”Tillgreppsbrott (8 kap. BrB)”) spelar ingen roll. För de breda grupperna ("
            + ", ".join(sorted(police_groups.BROAD))
            + ") avgör radens brottstyp eller brottskod gruppen när den säger mer, så länge "
            "gruppen inte ändras här. Ett namn som inte finns i tabellen stoppar importen med "
            "sin rad."
        )
        saved = imports.group_name_overrides()
        edited = _mapping_editor(
            police_groups.group_table(saved),
            key="imp_groups",
            column_config={
                "Polisens grupp": st.column_config.TextColumn("Polisens grupp", required=True),
                "Vår brottsgrupp": st.column_config.SelectboxColumn(
                    "Vår brottsgrupp", options=list(vocab.POLICE_GROUPS.values()), required=True
                ),
            },
        )
        changed = police_groups.overrides_from_table(edited)
        if police_groups.effective_names(changed) != police_groups.effective_names(
            saved
        ) and st.button("Spara brottsgrupperna", key="imp_groups_save"):
            _save_mapping(imports.GROUP_NAMES_SETTING, changed, user, editor="imp_groups")
    return saved


def _mapping_editor(table: pl.DataFrame, *, key: str, column_config: dict) -> pl.DataFrame:
    """An editable translation table (rows may be added) and its rows as edited."""
    edited = st.data_editor(
        table.to_pandas(),
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=column_config,
    )
    return pl.from_pandas(edited)


def _save_mapping(setting: str, value: dict, user: User, *, editor: str) -> None:
    """Save a translation table's changes as ``setting`` (audited), drop the preview they
    change and the editor's own edits (the saved table holds them now), and draw again."""
    areas.save_setting(setting, value, user_id=user.id, username=user.username, role=user.role)
    st.session_state.pop("imp_preview_key", None)
    st.session_state.pop(editor, None)
    st.rerun()


def event_settings(user: User) -> Settings:
    """The police's events: which event types are crimes (editable, saved as a setting) and our
    municipality's name (only its events are imported)."""
    with st.expander("Vilka händelsetyper som räknas som brott"):
        st.markdown(
            "Bara händelser i kommunen vars typ är ett brott importeras; övriga visas i "
            "förhandsgranskningen med skälet. Platsen är bara kommunen: inga punkter sparas, "
            "och händelserna räknas inte som polisanmälda brott i analyserna."
        )
        type_overrides = imports.event_type_overrides()
        edited = _mapping_editor(
            police_events.type_table(type_overrides),
            key="imp_types",
            column_config={
                "Brottsgrupp": st.column_config.SelectboxColumn(
                    "Brottsgrupp",
                    options=[*vocab.POLICE_GROUPS.values(), police_events.NOT_A_CRIME_LABEL],
                    required=True,
                )
            },
        )
        changed = police_events.overrides_from_table(edited)
        if changed != type_overrides and st.button("Spara händelsetyperna", key="imp_types_save"):
            _save_mapping(imports.EVENT_TYPES_SETTING, changed, user, editor="imp_types")
    saved = imports.municipality()
    municipality = st.text_input(
        "Kommun (namnet som SCB skriver det, t.ex. Malmö)",
        value=saved["namn"] if saved else "",
        key="imp_kommun",
    )
    return Settings(saved, municipality, type_overrides)


def _peek(payload: bytes, file_name: str):
    """The file's first rows and header (cached per file and asked header row)."""
    asked_row = st.session_state.get("imp_header_row")
    peek_key = (file_name, len(payload), asked_row)
    if st.session_state.get("imp_peek_key") != peek_key:
        with st.spinner("Läser filens rubriker …"):
            st.session_state["imp_peek"] = pipeline.peek(payload, file_name, header_row=asked_row)
        st.session_state["imp_peek_key"] = peek_key
    return st.session_state["imp_peek"]


def _file_caption(peeked) -> None:
    st.caption(
        f"Format: {peeked.fmt}. "
        + (f"Teckenkodning: {peeked.encoding}. " if peeked.encoding else "")
        + (f"Rubrikerna står på rad {peeked.header_row}. " if peeked.header_row else "")
        + (
            f"Koordinatsystem enligt filen: EPSG:{peeked.srid} (x = öst/longitud, "
            "y = nord/latitud)."
            if peeked.srid
            else "Koordinatsystemet anges inte av filen: det avgörs av talens storlek."
        )
    )


def _remember_button(kind: str, source: str, chosen: dict, remembered, header_row, user) -> None:
    if chosen and chosen != (remembered or {}).get("mapping"):
        if st.button("Kom ihåg mappningen för filer med samma kolumner", key="imp_map_save"):
            import_mappings.remember(
                kind,
                source,
                chosen,
                header_row=header_row or 1,
                username=user.username,
                user_id=user.id,
                role=user.role,
            )
            st.toast("Mappningen är sparad.")
    elif remembered:
        st.caption("Mappningen är sparad sedan tidigare för filer med dessa kolumner.")


def _whole_file_values(kind: str, mapped: list[str]) -> dict[str, str]:
    """A value for each required column of ours that the file lacks (e.g. the year of a
    population table without one), the same on every row; blank: the column stays missing."""
    missing = mapping.missing_required(kind, mapped)
    if not missing:
        return {}
    st.markdown(
        "Filen saknar " + ", ".join(missing) + ". Ange ett värde som gäller hela filen "
        "(t.ex. statistikåret), så får varje rad det."
    )
    return {
        t: v
        for t in missing
        if (v := st.text_input(f"{t} för hela filen", key=f"imp_value_{kind}_{t}").strip())
    }


def _preview_map(peeked) -> None:
    feats = import_map.features(
        peeked.rows, geometry_format=peeked.geometry_format, srid=peeked.srid
    )
    if feats:
        st.caption(
            f"Kartan visar filens första {fmt.number(len(feats))} geometrier innan något sparas."
        )
        st.pydeck_chart(
            import_map.preview_deck(feats), height=import_map.HEIGHT_PX, key="imp_map_preview"
        )


def mapping_step(kind: str, payload: bytes, file_name: str, user: User) -> Mapping:
    """The header found, our column proposed for each of the file's (editable, remembered per
    source), values for whole-file columns the file lacks, and a map of the first geometries."""
    st.subheader("Kolumner")
    peeked = _peek(payload, file_name)
    if peeked.error is not None or peeked.rows is None:
        return Mapping()  # the preview says why the file cannot be read
    header_row = peeked.header_row
    _file_caption(peeked)
    if peeked.fmt in ("csv", "xlsx"):
        st.number_input(
            "Rubrikraden (ändra om rubrikerna står på en annan rad)",
            min_value=1,
            max_value=100,
            value=header_row or 1,
            key="imp_header_row",
        )
    source = mapping.source_key(peeked.rows.columns)
    remembered = import_mappings.remembered(kind, source)
    proposals = mapping.propose(kind, peeked.rows.columns, (remembered or {}).get("mapping"))
    edited = st.data_editor(
        mapping.proposal_table(proposals, peeked.rows).to_pandas(),
        key=f"imp_map_{kind}_{source}",
        hide_index=True,
        width="stretch",
        disabled=["Filens kolumn", "Exempel", "Förslag"],
        column_config={
            "Vår kolumn": st.column_config.SelectboxColumn(
                "Vår kolumn", options=[mapping.NOT_USED, *mapping.targets(kind)], required=True
            )
        },
    )
    chosen, twice = mapping.mapping_from_table(pl.from_pandas(edited))
    if twice:
        st.warning("Samma kolumn är vald flera gånger: " + ", ".join(twice) + ".")
    _remember_button(kind, source, chosen, remembered, header_row, user)
    values = _whole_file_values(kind, [chosen.get(c, c) for c in peeked.rows.columns])
    _preview_map(peeked)
    return Mapping(chosen, header_row, values)


def run(kind: str, payload: bytes, file_name: str, user: User, **kw) -> imports.ImportOutcome:
    """:func:`ostan_dash.ingest.pipeline.run_import` as the acting user, with the page's choices
    (``crs``, ``municipality``, ``header_row``, ``mapping``, ``values``, ``dry_run`` …)."""
    return pipeline.run_import(
        kind,
        payload,
        file_name,
        user_id=user.id,
        username=user.username,
        role=user.role,
        organisation_id=user.organisation_id,
        **kw,
    )


def preview(
    kind: str, payload: bytes, file_name: str, user: User, *, also_key: str = "", **kw
) -> imports.ImportOutcome:
    """The whole import run and rolled back, once per file and choice (kept in the session);
    ``also_key``: a setting the import reads itself (the event types), so a change reruns it."""
    key = (kind, file_name, len(payload), also_key, *(str(v) for v in kw.values()))
    if st.session_state.get("imp_preview_key") != key:
        with st.spinner("Kontrollerar filen …"):
            outcome = run(kind, payload, file_name, user, dry_run=True, **kw)
        st.session_state["imp_preview_key"] = key
        st.session_state["imp_preview"] = outcome
        st.session_state.pop("imp_result", None)
    return st.session_state["imp_preview"]


def preview_summary(kind: str, outcome: imports.ImportOutcome) -> None:
    """Counts, encoding, notes, the first rows as stored, rows left out and every problem."""
    st.subheader("Förhandsgranskning")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rader lästa", fmt.number(outcome.rows_read))
    c2.metric("Giltiga rader", fmt.number(outcome.rows_valid))
    c3.metric("Nya rader", fmt.number(outcome.rows_new))
    c4.metric("Finns redan", fmt.number(outcome.rows_existing))
    if outcome.encoding:
        st.caption(
            f"Teckenkodning: {outcome.encoding}. "
            + (
                f"Kolumner som inte används: {', '.join(outcome.ignored_columns)}."
                if outcome.ignored_columns
                else ""
            )
        )
    for note in outcome.notes:
        st.info(note)
    if not outcome.sample.is_empty():
        with st.expander("Så sparas de första raderna", expanded=outcome.ok):
            st.dataframe(
                mapping.stored_sample(outcome.sample).to_pandas(), hide_index=True, width="stretch"
            )
    if not outcome.skipped.is_empty():
        with st.expander(f"Rader som inte importeras ({fmt.number(outcome.skipped.height)})"):
            export.table(
                outcome.skipped.rename(PROBLEM_COLUMNS),
                name=f"importeras-inte-{kind}",
                key="imp_skipped",
                height=export.table_height(outcome.skipped.height, max_rows=10),
            )
    if not outcome.ok:
        n = outcome.problems["rad"].n_unique()
        st.error(
            f"Filen har {fmt.number(outcome.problems.height)} problem på {fmt.number(n)} rader. "
            "Ingenting importeras förrän alla är rättade."
        )
        export.table(
            outcome.problems.rename(PROBLEM_COLUMNS),
            name=f"importproblem-{kind}",
            key="imp_problems",
            height=export.table_height(outcome.problems.height, max_rows=10),
        )


def save_municipality(result: imports.ImportOutcome, settings: Settings, user: User) -> None:
    """After the police's events were written: the municipality typed becomes the setting."""
    typed = settings.municipality
    if result.written and typed and typed != (settings.saved or {}).get("namn"):
        areas.save_setting(
            imports.MUNICIPALITY_SETTING,
            {"namn": imports.municipality_name(typed)},
            user_id=user.id,
            username=user.username,
            role=user.role,
        )


def result_message(result: imports.ImportOutcome) -> None:
    """What the write did: rows new or changed and already present, or why nothing was saved."""
    if result.written:
        st.success(
            f"Importen är klar: {fmt.number(result.rows_new)} nya eller ändrade rader, "
            f"{fmt.number(result.rows_existing)} fanns redan "
            f"({fmt.number(result.seconds, 1)} s)."
        )
        return
    st.error("Importen avbröts och ingenting sparades.")
    export.table(
        result.problems.rename(PROBLEM_COLUMNS), name="importproblem", key="imp_res_problems"
    )


def history() -> None:
    """The latest imports: when, kind, file, who, rows read and written, checksum."""
    st.subheader("Tidigare importer")
    hist = imports.history()
    if hist.is_empty():
        st.info("Inga importer än.")
        return
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
