"""How a lägesbild is shown on the page: from its content only (a draft or a stored version),
never recomputed, so an old version reads as it was published."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from ostan_dash import mail, sending
from ostan_dash.config import TZ
from ostan_dash.reports import forms
from ostan_dash.store import analyses
from ostan_dash.store import mail as mail_store
from ostan_dash.store.analyses import Published
from ostan_dash.text import long_date
from ostan_dash.ui import charts, export, fmt, safe_text, texts, widgets

log = logging.getLogger(__name__)


def _figure(doc: Mapping[str, Any], name: str) -> None:
    fig = doc.get("figures", {}).get(name)
    if fig is not None:
        st.plotly_chart(
            go.Figure(fig["plotly"]),
            width="stretch",
            key=f"lb_{name}_{id(doc)}",
            config=charts.PLOTLY_CONFIG,
        )


def _table(df: pl.DataFrame, *, key: str, decimals: dict[str, int] | None = None) -> None:
    """A table with Swedish number formats (``1 234``, real minus sign, nulls as ``–``); floats
    whole unless ``decimals`` says otherwise."""
    st.dataframe(
        export.swedish_styler(df, decimals=decimals, default_decimals=0), hide_index=True, key=key
    )


def date_block(doc: Mapping[str, Any], publication: Mapping[str, Any] | None) -> None:
    """Period, status (draft or version with who and when) and the classification line."""
    st.markdown(f"**{doc['classification']}**")
    if publication:
        when = fmt.datetime_local(
            dt.datetime.fromisoformat(publication["published_at"]).astimezone(TZ)
        )
        status = (
            f"Publicerad version {publication['version']}, {when} av {publication['published_by']}"
        )
    else:
        status = "Utkast – inte publicerat"
    st.caption(
        f"{doc['period']['label']} · {status} · beräknat {doc['drafted_at'][:16].replace('T', ' ')} UTC"
    )


def show(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The whole document of its kind (veckolägesbild, kvartalsanalys or årsanalys)."""
    if doc["kind"] == "kvartal":
        show_quarter(doc, publication)
    elif doc["kind"] == "ar":
        show_year(doc, publication)
    else:
        show_week(doc, publication)


def show_week(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The veckolägesbild: numbers, the week in words, map, hot times, areas, interventions."""
    date_block(doc, publication)
    st.subheader("Veckan i siffror")
    rows = doc["headline"]
    for cols, chunk in ((st.columns(2), rows[:2]), (st.columns(len(rows) - 2), rows[2:])):
        for col, r in zip(cols, chunk, strict=True):
            widgets.kpi(
                col,
                r["label"],
                r["count"],
                r["expected"] or 0.0,
                help_text="Förändring mot förväntat antal (metoden under korten).",
            )
    st.caption(doc["method"])
    st.subheader("Det viktigaste")
    st.markdown("\n".join(f"- {s}" for s in doc["changes"]))
    if doc.get("assessment"):
        st.subheader("Bedömning")
        st.text(doc["assessment"])
    if doc.get("recommendations"):
        st.subheader("Rekommenderade insatser kommande vecka")
        st.text(doc["recommendations"])
    with _map_beside(doc, "Heta rutor under veckan"):
        st.subheader("Heta tider")
        _figure(doc, "hottimes")
        st.caption("Aoristisk fördelning av tidsfönstren över veckodag och timme (Ratcliffe 2002).")
        _figure(doc, "trend")
    st.subheader("Per område")
    _table(
        pl.DataFrame(
            doc["areas"],
            schema={
                "name": pl.Utf8,
                "count": pl.Int64,
                "expected": pl.Float64,
                "change_pct": pl.Float64,
                "per_1000": pl.Float64,
                "unusual": pl.Boolean,
            },
        ).select(
            pl.col("name").alias("Område"),
            pl.col("count").alias("Antal"),
            pl.col("expected").round(1).alias("Förväntat"),
            pl.col("change_pct").round(0).alias("Förändring %"),
            pl.when(pl.col("unusual"))
            .then(pl.lit("Ovanligt högt"))
            .otherwise(pl.lit(""))
            .alias("Signal"),
        ),
        key=f"lb_areas_{id(doc)}",
        decimals={"Förväntat": 1},
    )
    st.subheader("Pågående insatser")
    if doc["interventions"]:
        st.markdown(
            "\n".join(
                f"- **{r['smart_text']}** · {r['text']} *Nästa steg:* {r['next_action']}"
                for r in doc["interventions"]
            )
        )
    else:
        st.caption("Inga insatser pågick under veckan.")
    st.subheader(f"Fokusområden {doc.get('focus_quarter', '')}".strip())
    if doc["focus_areas"]:
        st.markdown(
            "\n".join(
                f"{f['rank']}. **{f['area']}** – {f['rationale']}" for f in doc["focus_areas"]
            )
        )
    else:
        st.caption("Inga fokusområden valda för kvartalet.")


def _numbers(doc: Mapping[str, Any], title: str) -> None:
    """The headline cards against the same period a year earlier, and the method."""
    st.subheader(title)
    rows = doc["headline"]
    help_text = f"Förändring mot {doc['compared_with']['label']} (metoden under korten)."
    for cols, chunk in ((st.columns(2), rows[:2]), (st.columns(len(rows) - 2), rows[2:])):
        for col, r in zip(cols, chunk, strict=True):
            widgets.kpi(col, r["label"], r["count"], r["count_before"], help_text=help_text)
    st.caption(doc["method"])
    st.subheader("Det viktigaste")
    st.markdown("\n".join(f"- {s}" for s in doc["changes"]))


def _free_text(doc: Mapping[str, Any], key: str, title: str) -> None:
    if doc.get(key):
        st.subheader(title)
        st.text(doc[key])


def _interventions(doc: Mapping[str, Any], title: str) -> None:
    st.subheader(title)
    if doc["interventions"]:
        st.markdown(
            "\n".join(
                f"- **{r['smart_text']}** · {r['text']} *Nästa steg:* {r['next_action']}"
                for r in doc["interventions"]
            )
        )
    else:
        st.caption("Inga insatser pågick under perioden.")


def _area_table(doc: Mapping[str, Any], when: str) -> None:
    _table(
        pl.DataFrame(
            doc["areas"],
            schema={
                "area_id": pl.Int64,
                "name": pl.Utf8,
                "count": pl.Int64,
                "count_before": pl.Int64,
                "change_pct": pl.Float64,
                "per_1000": pl.Float64,
                "unusual": pl.Boolean,
            },
        ).select(
            pl.col("name").alias("Område"),
            pl.col("count").alias("Antal"),
            pl.col("count_before").alias(when),
            pl.col("change_pct").round(0).alias("Förändring %"),
            pl.when(pl.col("unusual"))
            .then(pl.lit("Ovanligt högt"))
            .otherwise(pl.lit(""))
            .alias("Signal"),
        ),
        key=f"lb_areas_{id(doc)}",
    )


def show_quarter(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The kvartalsanalys: the quarter in numbers, its interventions followed up, next
    quarter's focus areas with their problem pictures and planned interventions, map, areas."""
    date_block(doc, publication)
    _numbers(doc, "Kvartalet i siffror")
    _free_text(doc, "assessment", "Bedömning")
    _interventions(doc, "Uppföljning av kvartalets insatser")
    st.subheader(f"Fokusområden nästa kvartal ({doc['next_quarter']['label']})")
    if doc["focus_proposed"]:
        st.caption(
            "Inga fokusområden är valda för kvartalet än; här står förslaget från sidan Områden."
        )
    if not doc["focus"]:
        st.caption("Inga fokusområden valda eller föreslagna.")
    for f in doc["focus"]:
        st.markdown(f"**{f['rank']}. {f['area']}** – {f['rationale']}")
        lines = [f"- Problembild: **{p['title']}** ({p['status']})" for p in f["problems"]] or [
            "- Inga öppna problembilder i området."
        ]
        lines += [
            f"- Insats: **{i['title']}** ({i['status']}, {i['start']} – {i['end']})"
            for i in f["planned"]
        ] or ["- Inga insatser planerade i området för kvartalet."]
        st.markdown("\n".join(lines))
    _free_text(doc, "recommendations", "Planerade insatser nästa kvartal")
    with _map_beside(doc, "Heta rutor under kvartalet"):
        st.subheader("Heta tider")
        _figure(doc, "hottimes")
        st.subheader("Trend per kvartal")
        _figure(doc, "trend")
    st.subheader("Per område")
    _area_table(doc, "Samma kvartal i fjol")


def _map_beside(doc: Mapping[str, Any], title: str) -> Any:
    """The document's hot-spot map under ``title`` with its method in the left half; returns
    the right half for what goes beside it."""
    left, right = st.columns(2)
    with left:
        st.subheader(title)
        _figure(doc, "map")
        st.caption(doc["hotspots"]["method"])
    return right


def show_year(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The årsanalys: the year in numbers, its interventions followed up, every area with its
    criteria and trend, and how the cooperation worked."""
    date_block(doc, publication)
    _numbers(doc, "Året i siffror")
    _free_text(doc, "assessment", "Bedömning")
    _interventions(doc, "Uppföljning av årets insatser")
    st.subheader("Årets fokusområden")
    if doc["focus_year"]:
        st.markdown(
            "\n".join(f"- {f['quarter']}: {f['rank']}. **{f['area']}**" for f in doc["focus_year"])
        )
    else:
        st.caption("Inga fokusområden valdes under året.")
    st.subheader("Områdena: kriterier och trend")
    labels = doc["indicators"]
    years = doc["years"]
    _table(
        pl.DataFrame(
            [
                {
                    "Område": a["name"],
                    "Kriterier uppfyllda": a["criteria_met"],
                    "Försämrade": a["n_worsened"],
                    **{str(y): n for y, n in zip(years, a["yearly"]["total"], strict=True)},
                    "Mot året före %": a["change_pct"],
                    "Signal": "Ovanligt högt" if a["unusual"] else "",
                }
                for a in doc["area_profiles"]
            ]
        ).with_columns(pl.col("Mot året före %").cast(pl.Float64)),
        key=f"lb_profiles_{id(doc)}",
    )
    if doc["indicator_year"]:
        st.caption(
            f"Kriterier enligt Områden med officiell statistik {doc['indicator_year']} "
            f"({', '.join(labels.values())}); händelser per år med EST-rapporter och "
            "polisanmälda brott."
        )
    _figure(doc, "area_trend")
    st.markdown("\n".join(f"- {a['text']}" for a in doc["area_profiles"]))
    with _map_beside(doc, "Heta rutor under året"):
        st.subheader("Trend per år")
        _figure(doc, "trend")
    _free_text(doc, "cooperation", "Hur samverkan fungerat")


def archive_table(listed: pl.DataFrame) -> None:
    """Every published version: document, version, when (Swedish time) and by whom."""
    _table(
        listed.select(
            pl.col("title").alias("Lägesbild"),
            pl.col("version").alias("Version"),
            pl.col("published_at").dt.strftime("%Y-%m-%d %H:%M").alias("Publicerad"),
            pl.col("published_by").alias("Av"),
        ),
        key="lb_archive_table",
    )


def archive_section(listed: pl.DataFrame, *, may_write: bool, user_id: int, role: str) -> None:
    """Arkiv: pick a published version from the list of all of them; its PDF as it was sent,
    the send panel (analysts and admins) and the document as it was published."""
    if listed.is_empty():
        st.info("Inga lägesbilder är publicerade än.")
        return
    pick = st.selectbox(
        "Publicerad version",
        listed["version_id"].to_list(),
        format_func=lambda v: next(
            f"{r['title']} – version {r['version']}, {r['published_at']:%Y-%m-%d %H:%M} av "
            f"{r['published_by']}"
            for r in listed.filter(listed["version_id"] == v).iter_rows(named=True)
        ),
        key="lb_archive_pick",
    )
    archive_table(listed)
    old = analyses.version(pick)
    if old is None:
        return
    if old.pdf is not None:
        st.download_button(
            "Ladda ner PDF som den skickades",
            data=old.pdf,
            file_name=forms.file_name(
                old.document["kind"], old.document["period"]["key"], f"v{old.version}.pdf"
            ),
            mime="application/pdf",
            on_click="ignore",
            key="lb_old_pdf",
        )
    if may_write:
        send_panel(old, user_id=user_id, role=role)
        st.divider()
    show(old.document, old.publication)


def _mail_settings_problem() -> str | None:
    """What to configure before anything can be sent, or ``None`` when e-mail is set up."""
    try:
        cfg = mail.settings()
    except mail.MailError as exc:
        return f"{exc} {sending.NOT_CONFIGURED}"
    return sending.NOT_CONFIGURED if cfg is None else None


def log_lines(logged: pl.DataFrame) -> list[str]:
    """``Skickat till … av … den 5 december 2026 kl. 20:01`` (or ``Misslyckades till …: orsak``),
    one line per log row, in the log's order."""
    lines = []
    for r in logged.iter_rows(named=True):
        when = r["sent_at"].astimezone(TZ)
        fields = {
            "mottagare": r["recipient"],
            "av": r["sent_by"] or "okänd",
            "datum": long_date(when.date()),
            "tid": f"{when:%H:%M}",
        }
        if r["ok"]:
            lines.append(texts.SEND_LOG_OK.format(**fields))
        else:
            lines.append(texts.SEND_LOG_FAILED.format(**fields, orsak=r["error"]))
    return lines


def send_panel(published: Published, *, user_id: int, role: str) -> None:
    """Send a published version to its kind's list: the recipients first, the button, then the
    log of what was sent to whom. For analysts and admins (the database checks it again)."""
    kind = published.document["kind"]
    st.subheader(texts.SEND_TITLE)
    problem = _mail_settings_problem()
    if problem:
        st.info(problem)
    listed = mail_store.recipients(kind, user_id=user_id, role=role)
    addresses = listed["address"].to_list()
    plural = sending.PLURAL[kind]
    if addresses:
        st.markdown(
            safe_text.plain_markdown(
                texts.SEND_RECIPIENTS.format(
                    slag=plural, antal=fmt.number(len(addresses)), adresser=", ".join(addresses)
                )
            )
        )
    else:
        st.info(texts.SEND_LIST_EMPTY.format(slag=plural))
    if published.pdf is None:
        st.caption(texts.SEND_NO_PDF)
    logged = mail_store.send_log(published.version_id, user_id=user_id, role=role)
    n_sent = int(logged["ok"].sum()) if not logged.is_empty() else 0
    if n_sent:
        st.caption(texts.SEND_ALREADY.format(antal=f"{fmt.number(n_sent)} mottagare"))
    if st.button(
        texts.SEND_BUTTON,
        type="primary",
        disabled=bool(problem) or not addresses or published.pdf is None,
        key=f"lb_send_{published.version_id}",
    ):
        with st.spinner("Skickar …"):
            try:
                outcome = sending.send_version(published.version_id, user_id=user_id, role=role)
            except sending.SendError as exc:
                st.error(str(exc))
            else:
                done = {"antal": fmt.number(len(outcome.sent)), "av": fmt.number(len(addresses))}
                if outcome.failed:
                    st.warning(
                        texts.SEND_PARTLY.format(
                            **done,
                            fel="; ".join(f"{d.recipient} ({d.error})" for d in outcome.failed),
                        )
                    )
                else:
                    st.success(texts.SEND_DONE.format(**done))
        logged = mail_store.send_log(published.version_id, user_id=user_id, role=role)
    st.markdown(f"**{texts.SEND_LOG_TITLE}**")
    lines = log_lines(logged)
    if lines:
        st.markdown("\n".join(f"- {safe_text.plain_markdown(line)}" for line in lines))
    else:
        st.caption(texts.SEND_LOG_EMPTY)


def lists_editor(*, user_id: int, role: str) -> None:
    """The admin's editor of the distribution lists, one text field per kind. Every address is
    checked before anything is saved; an error names the list, the address and its line."""
    st.caption(texts.LISTS_INTRO)
    current = mail_store.recipients(user_id=user_id, role=role)
    typed = {
        kind: st.text_area(
            label,
            value="\n".join(current.filter(pl.col("kind") == kind)["address"].to_list()),
            key=f"lb_list_{kind}",
            height=140,
            placeholder="namn.efternamn@ostan.se",
        )
        for kind, label in texts.LISTS_LABELS.items()
    }
    if not st.button(texts.LISTS_SAVE, key="lb_lists_save"):
        return
    parsed = {kind: mail.parse_addresses(text) for kind, text in typed.items()}
    errors = [
        texts.LISTS_BAD.format(lista=texts.LISTS_LABELS[kind], fel=e)
        for kind, (_, errs) in parsed.items()
        for e in errs
    ]
    if errors:
        for e in errors:
            st.error(e)
        st.warning(texts.LISTS_NOTHING_SAVED)
        return
    try:
        done = mail_store.set_lists(
            {kind: addresses for kind, (addresses, _) in parsed.items()},
            user_id=user_id,
            role=role,
        )
    except Exception:
        log.exception("Sändlistorna kunde inte sparas")
        st.error(texts.LISTS_FAILED)
        return
    changes = [
        f"{texts.LISTS_LABELS[kind].lower()}: {fmt.number(len(added))} tillagda, "
        f"{fmt.number(len(removed))} borttagna"
        for kind, (added, removed) in done.items()
        if added or removed
    ]
    if changes:
        st.success(texts.LISTS_SAVED.format(andring="; ".join(changes)))
    else:
        st.success(texts.LISTS_UNCHANGED)


# The Thursday meeting: the veckolägesbild slide by slide -------------------------------------------

WALK_PARAM = "mote"
SLIDE_PARAM = "bild"


def walk_toggle() -> bool:
    """The "Möte: bild för bild" toggle, kept in the address (``?mote=1&bild=3``) so the wall's
    browser reopens on the same slide."""
    on = st.toggle(
        "Möte: bild för bild",
        value=st.query_params.get(WALK_PARAM) == "1",
        help="Veckolägesbilden för torsdagsmötet, en fråga i taget i stor text.",
        key="lb_walk",
    )
    if on:
        st.query_params[WALK_PARAM] = "1"
    else:
        for k in (WALK_PARAM, SLIDE_PARAM):
            if k in st.query_params:
                del st.query_params[k]
    return on


def _slide_number(n: int) -> int:
    try:
        return min(max(int(st.query_params.get(SLIDE_PARAM, "1")), 1), n)
    except ValueError:
        return 1


def _step(step: int, n: int) -> None:
    st.query_params[SLIDE_PARAM] = str(min(max(_slide_number(n) + step, 1), n))


def walk(doc: Mapping[str, Any], publication: Mapping[str, Any] | None) -> None:
    """One slide of the veckolägesbild in meeting mode, with Föregående / Nästa."""
    from ostan_dash.reports import slides

    widgets.presentation_mode_css()
    deck = slides.week_slides(doc)
    n = len(deck)
    i = _slide_number(n)
    status = f"version {publication['version']}" if publication else "utkast"
    c1, c2, c3 = st.columns([1, 4, 1])
    c1.button("← Föregående", on_click=_step, args=(-1, n), disabled=i == 1, key="lb_prev")
    c3.button("Nästa →", on_click=_step, args=(1, n), disabled=i == n, key="lb_next")
    c2.markdown(f"**{doc['title']}** ({status}) · bild {i} av {n}")
    slide = deck[i - 1]
    st.header(slide.title)
    if slide.sentences:
        st.markdown("\n".join(f"- {safe_text.plain_markdown(s)}" for s in slide.sentences))
    fig = doc.get("figures", {}).get(slide.figure) if slide.figure else None
    if fig is not None:
        figure = charts.fonts(go.Figure(fig["plotly"]), large=True)
        if slide.figure == "map":
            _zoom_to_cells(figure, doc["hotspots"]["cells"])
        st.plotly_chart(
            figure,
            config=charts.PLOTLY_CONFIG,
            width="stretch",
            key=f"lb_walk_{slide.figure}",
        )
    if slide.table == "areas":
        rows = slides.area_rows(doc)
        widgets.wall_table(
            export.swedish_styler(
                pl.DataFrame(
                    {
                        "Område": [r["name"] for r in rows],
                        "Antal": [r["count"] for r in rows],
                        "Förväntat": [r["expected"] for r in rows],
                        "Signal": ["Ovanligt högt" if r["unusual"] else "" for r in rows],
                    },
                    schema={
                        "Område": pl.Utf8,
                        "Antal": pl.Int64,
                        "Förväntat": pl.Float64,
                        "Signal": pl.Utf8,
                    },
                ),
                decimals={"Förväntat": 1},
            )
        )
    if slide.note:
        st.caption(slide.note)


def _zoom_to_cells(fig: go.Figure, cells: list[Mapping[str, Any]], *, margin: float = 1500) -> None:
    """Frame the document's map on its hot cells (with ``margin`` metres around them), so the
    wall shows the streets of the town rather than the whole municipality."""
    if not cells:
        return
    xs = [c["x0"] for c in cells]
    ys = [c["y0"] for c in cells]
    fig.update_xaxes(range=[min(xs) - margin, max(xs) + margin])
    fig.update_yaxes(range=[min(ys) - margin, max(ys) + margin])
    fig.update_layout(height=760)
