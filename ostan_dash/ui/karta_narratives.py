"""Sentences of the Karta och tider page (no Streamlit calls; Swedish): the method under the map,
the accuracy check, the captions of the lists and the compare table, the hot-times scopes and
the legends of the charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis import karta_choice as kc
from ostan_dash.analysis.exposure import Accuracy
from ostan_dash.text import count, date, number, percent

NO_MATCH = (
    "Inga händelser matchar urvalet under perioden. Välj en längre period, fler kategorier "
    "eller ta bort filter för område, organisation, veckodag eller timmar."
)
NO_HOT_TO_TEST = "Träffsäkerhet (PAI och PEI): inga heta rutor att pröva."
NO_HOT_CELLS = "Inga heta rutor under perioden."
NO_CHANGES = "Inga nya, växande eller minskande rutor under perioden."
NO_TIMES = "Inga händelser att fördela över veckan i det här urvalet."
AORISTIC = (
    "Aoristisk analys (Ratcliffe 2002): en händelse med ett tidsfönster fördelas "
    "jämnt över fönstrets timmar, så att t.ex. klotter som upptäcks på måndagsmorgonen "
    "inte hamnar på upptäcktstiden. Svensk tid, måndag först."
)
WEEKLY_TITLE = "Händelser per vecka: perioden och jämförelseperioden"
SEASON_TITLE = "Säsong: händelser per månad, år för år (hela månader)"
NO_MONTHS = "Det finns inga hela månader med händelser i urvalet än."
ALL_SCOPE = "Hela urvalet"


def _incidents(n: int) -> str:
    return count(n, "händelse", "händelser")


def _span(bounds: tuple[dt.date, dt.date]) -> str:
    return f"{date(bounds[0])} – {date(bounds[1])}"


def download_method(view: kc.View) -> str:
    """The method line in the header of the page's downloads."""
    return (
        f"{view.cell_size} m rutor; {ac.REGIONS[view.region].lower()}; "
        f"jämfört med {ac.EXPECTATIONS[view.expectation].lower()}"
    )


def points_hidden(max_points: int) -> str:
    """Why the map shows only cells when the selection is large."""
    return (
        f"Enskilda händelser visas när urvalet har högst {number(max_points)}; "
        "nu visas bara rutorna."
    )


def cells_hidden(omitted: int, *, max_features: int) -> str:
    """How many quiet cells were left off the map to keep it within the browser's budget."""
    return (
        f"{count(omitted, 'ruta', 'rutor')} med få händelser och utan signifikans visas inte "
        f"(högst {number(max_features)} objekt skickas till webbläsaren)."
    )


def without_point(n: int) -> str:
    """The incidents known only by area: counted in the tables, not in the cells."""
    return (
        f"{_incidents(n)} saknar punktläge (kända bara per område) och "
        "finns inte i rutorna men räknas i tabellerna."
    )


def hot_cell_method(expectation: str, *, alpha: float = ac.ALPHA) -> str:
    """What makes a cell hot: against the population, or counts only (Getis-Ord Gi*)."""
    fdr = f"Benjamini–Yekutieli, FDR {number(alpha * 100)} %."
    if expectation == "befolkning":
        return (
            "Heta rutor: fler händelser än väntat utifrån befolkningen (periodens händelser "
            "fördelade efter de boende i rutan enligt befolkningsrutnätet; rutor med "
            "dagbefolkning räknas som minst en av de tätast befolkade tiondelarna; exakt "
            f"binomialtest per ruta); {fdr}"
        )
    return (
        "Heta rutor: bara antal – Getis-Ord Gi* med rutan och dess åtta grannar, utan hänsyn "
        f"till var folk bor; {fdr}"
    )


def studied_region(
    region: str, *, studied_km2: float, chosen_km2: float, outside: int, has_population: bool
) -> str:
    """Which cells the map tests, their area against the chosen areas', and the incidents left
    outside; a missing population grid is said."""
    if region == "befolkade":
        text = (
            "Studerat område: befolkade rutor och rutor med dagbefolkning (lila kontur), "
            f"{number(studied_km2, 1)} km² av {number(chosen_km2, 1)} km²"
        )
        if outside:
            text += f"; {_incidents(outside)} utanför dem ingår inte i kartans test"
        text += "."
    else:
        text = f"Studerat område: hela kommunen ({number(studied_km2, 1)} km²)."
    if not has_population:
        text += (
            " Inget befolkningsrutnät är inläst (Import → befolkningsrutor), så kartan kan "
            "bara räkna antal."
        )
    return text


def accuracy_waiting(period_end: dt.date) -> str:
    """The accuracy check before the weeks after the period exist."""
    return (
        "Träffsäkerhet (PAI och PEI, Chainey m.fl. 2008): räknas när veckorna efter "
        f"perioden finns (perioden slutar {date(period_end)})."
    )


def accuracy(after: tuple[dt.date, dt.date], acc: Accuracy, *, n_hot: int) -> str:
    """How well the period's hot cells held the incidents of the days after (PAI, PEI)."""
    share_a, share_n = kc.accuracy_shares(acc)
    return (
        f"Träffsäkerhet {_span(after)} (dagarna efter "
        f"perioden): de heta rutorna ({number(acc.a_km2, 2)} km², "
        f"{percent(share_a, 1)} av studerat område A = {number(acc.A_km2, 1)} km²) "
        f"fick {number(acc.n)} av {number(acc.N)} händelser "
        f"({percent(share_n, 0)}). PAI = {number(acc.pai, 1)} (andel händelser "
        "delat med andel yta; 1 = som slumpen, Chainey, Tompson & Uhlig 2008). "
        f"PEI = {number(acc.pei, 2)} (de bästa {number(n_hot)} rutorna i efterhand "
        f"hade fått {number(acc.n_best)}; Hunt 2016)."
    )


def _cell_words(where: str | None, place: str | None) -> str:
    """A cell in words: its street and place, else near its critical place, else a dash."""
    return where or ("nära " + place if place else "–")


def hottest(n_listed: int, *, where: str | None, place: str | None, n: int) -> str:
    """The caption of the hot-cell list, naming the hottest cell."""
    return (
        f"De {number(n_listed)} hetaste rutorna (högst z först), beskrivna med "
        "närmaste gata och plats. Hetast: "
        f"{where or 'nära ' + str(place or '–')} ({_incidents(n)})."
    )


def changes_method(
    comparison_label: str, comparison: tuple[dt.date, dt.date], *, alpha: float = ac.ALPHA
) -> str:
    """How a cell is found new, growing or shrinking against the comparison period."""
    return (
        f"Varje ruta jämförs med {comparison_label} ({_span(comparison)}): exakt binomialtest "
        "av rutans fördelning mellan "
        "perioderna mot hela det studerade områdets fördelning, så att en ökning överallt "
        "inte gör alla rutor nya; Benjamini–Hochberg, FDR "
        f"{number(alpha * 100)} %, över de rutor som kan bli signifikanta. Ny = het nu, "
        "inte het under jämförelseperioden och signifikant ökning; växande = signifikant "
        "ökning i övrigt; minskande = signifikant minskning. En ruta utan händelser nu är "
        "aldrig ny."
    )


def time_scopes(
    codes: Sequence[str],
    area_names: Mapping[str, str],
    hot: Iterable[tuple[int, int, int, str | None, str | None]],
) -> dict[str, str]:
    """The choices of the hot-times chart, key → label: the whole selection, each area shown
    (``codes``) and each listed hot cell (col, row, count, place, where; hottest first)."""
    scopes = {kc.ALL: ALL_SCOPE}
    scopes |= {kc.area_scope(c): f"Område: {area_names[c]}" for c in codes}
    scopes |= {
        kc.cell_scope(col, row): f"Het ruta {i}: {_cell_words(where, place)}, {_incidents(n)}"
        for i, (col, row, n, place, where) in enumerate(hot, start=1)
    }
    return scopes


def hot_times_title(label: str, *, whole: bool, n: int) -> str:
    """The title of the hot-times chart: its scope and the number of incidents in it."""
    return f"Heta tider: {label.lower() if whole else label} ({_incidents(n)})"


def weekly_labels(
    bounds: tuple[dt.date, dt.date], comparison: tuple[dt.date, dt.date], comparison_name: str
) -> tuple[str, str]:
    """The legend of the weekly chart: the period and the comparison period with their dates."""
    return f"Perioden ({_span(bounds)})", f"{comparison_name} ({_span(comparison)})"


def compare_method(
    bounds: tuple[dt.date, dt.date],
    comparison: tuple[dt.date, dt.date],
    *,
    region_change_pct: float,
    dispersion: float,
    n_areas: int,
) -> str:
    """How the areas are compared: against the municipality's change, quasi-Poisson, BH."""
    return (
        f"Perioden {_span(bounds)} mot {_span(comparison)}. Förändringen avser antal per "
        "dag (lika med antalet när perioderna är lika långa). Ett område prövas mot hela "
        f"kommunens förändring (kommunen: {number(region_change_pct, 0)} %"
        "), så säsongen och en allmän trend inte räknas som områdets egen; kvoten är områdets "
        "förändring i förhållande till kommunens, med 95 % konfidensintervall och p-värde. "
        "Veckoantal varierar mer än slumpen: spridningen skattas ur de 52 veckorna före "
        f"(kvasi-Poisson, φ = {number(dispersion, 1)}). "
        f"Bedömningen är korrigerad för att {number(n_areas)} områden prövas "
        "samtidigt (Benjamini–Hochberg över områdena i tabellen, FDR 5 %; q-värdet är det "
        "korrigerade p-värdet, intervallen är varje områdes eget). Händelser utan område "
        "räknas inte."
    )
