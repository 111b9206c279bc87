"""Karta och tider's sentences (ui.karta_narratives), compared with the exact strings."""

from __future__ import annotations

import datetime as dt

from ostan_dash.analysis import karta_choice as kc
from ostan_dash.analysis.exposure import Accuracy
from ostan_dash.ui import karta_narratives as say

NB = "\u00a0"


def test_the_download_method_names_cells_region_and_comparison():
    assert say.download_method(kc.View()) == "250 m rutor; befolkade rutor; jämfört med befolkning"
    assert (
        say.download_method(kc.View(cell_size=100, region="hela", expectation="antal"))
        == "100 m rutor; hela kommunen; jämfört med bara antal"
    )


def test_what_the_map_leaves_out_is_counted():
    assert say.points_hidden(20_000) == (
        f"Enskilda händelser visas när urvalet har högst 20{NB}000; nu visas bara rutorna."
    )
    assert say.cells_hidden(1, max_features=50_000) == (
        f"1 ruta med få händelser och utan signifikans visas inte (högst 50{NB}000 objekt "
        "skickas till webbläsaren)."
    )
    assert say.without_point(1_234) == (
        f"1{NB}234 händelser saknar punktläge (kända bara per område) och finns inte i rutorna "
        "men räknas i tabellerna."
    )


def test_the_hot_cell_method_against_population_or_counts():
    assert say.hot_cell_method("befolkning").endswith(
        "exakt binomialtest per ruta); Benjamini–Yekutieli, FDR 5 %."
    )
    assert say.hot_cell_method("antal", alpha=0.1) == (
        "Heta rutor: bara antal – Getis-Ord Gi* med rutan och dess åtta grannar, utan hänsyn "
        "till var folk bor; Benjamini–Yekutieli, FDR 10 %."
    )


def test_the_studied_region_with_its_area_and_the_incidents_outside():
    assert say.studied_region(
        "befolkade", studied_km2=12.34, chosen_km2=80.0, outside=3, has_population=True
    ) == (
        "Studerat område: befolkade rutor och rutor med dagbefolkning (lila kontur), "
        "12,3 km² av 80,0 km²; 3 händelser utanför dem ingår inte i kartans test."
    )
    assert say.studied_region(
        "befolkade", studied_km2=12.34, chosen_km2=80.0, outside=0, has_population=True
    ).endswith("12,3 km² av 80,0 km².")
    assert say.studied_region(
        "hela", studied_km2=80.0, chosen_km2=80.0, outside=0, has_population=False
    ) == (
        "Studerat område: hela kommunen (80,0 km²). Inget befolkningsrutnät är inläst "
        "(Import → befolkningsrutor), så kartan kan bara räkna antal."
    )


def test_accuracy_waits_for_the_days_after_the_period():
    assert say.accuracy_waiting(dt.date(2026, 12, 6)) == (
        "Träffsäkerhet (PAI och PEI, Chainey m.fl. 2008): räknas när veckorna efter perioden "
        "finns (perioden slutar 2026-12-06)."
    )


def test_accuracy_states_area_share_hits_pai_and_pei():
    acc = Accuracy(n=30, N=120, a_km2=0.5, A_km2=20.0, pai=10.0, n_best=40, pei=0.75)
    text = say.accuracy((dt.date(2026, 10, 1), dt.date(2026, 12, 5)), acc, n_hot=8)
    assert text == (
        "Träffsäkerhet 2026-10-01 – 2026-12-05 (dagarna efter perioden): de heta rutorna "
        f"(0,50 km², 2,5{NB}% av studerat område A = 20,0 km²) fick 30 av 120 händelser "
        f"(25{NB}%). PAI = 10,0 (andel händelser delat med andel yta; 1 = som slumpen, "
        "Chainey, Tompson & Uhlig 2008). PEI = 0,75 (de bästa 8 rutorna i efterhand hade "
        "fått 40; Hunt 2016)."
    )


def test_the_hottest_cell_is_named_by_street_or_place():
    assert say.hottest(25, where="Storgatan vid Stora torget", place="Skolan", n=14) == (
        "De 25 hetaste rutorna (högst z först), beskrivna med närmaste gata och plats. "
        "Hetast: Storgatan vid Stora torget (14 händelser)."
    )
    assert say.hottest(1, where=None, place="Skolan", n=1).endswith(
        "Hetast: nära Skolan (1 händelse)."
    )
    assert say.hottest(1, where=None, place=None, n=2).endswith("Hetast: nära – (2 händelser).")


def test_the_change_method_names_the_comparison_and_its_dates():
    text = say.changes_method(
        "samma period förra året", (dt.date(2025, 11, 3), dt.date(2025, 11, 30))
    )
    assert text.startswith(
        "Varje ruta jämförs med samma period förra året (2025-11-03 – 2025-11-30): exakt "
        "binomialtest av rutans fördelning mellan perioderna mot hela det studerade områdets "
        "fördelning"
    )
    assert "Benjamini–Hochberg, FDR 5 %, över de rutor som kan bli signifikanta." in text


def test_the_hot_time_scopes_list_the_selection_areas_and_hot_cells():
    scopes = say.time_scopes(
        ("C01", "N02"),
        {"C01": "Centrum", "N02": "Norr", "S03": "Söder"},
        [(12, 7, 14, "Skolan", "Storgatan vid Stora torget"), (3, 4, 1, "Skolan", None)]
        + [(5, 5, 2, None, None)],
    )
    assert scopes == {
        "alla": "Hela urvalet",
        "omrade:C01": "Område: Centrum",
        "omrade:N02": "Område: Norr",
        "ruta:12:7": "Het ruta 1: Storgatan vid Stora torget, 14 händelser",
        "ruta:3:4": "Het ruta 2: nära Skolan, 1 händelse",
        "ruta:5:5": "Het ruta 3: –, 2 händelser",
    }
    assert all(kc.TimeScope.parse(key).kind in key for key in scopes)


def test_the_hot_time_title_lowers_only_the_whole_selection():
    assert say.hot_times_title("Hela urvalet", whole=True, n=1_500) == (
        f"Heta tider: hela urvalet (1{NB}500 händelser)"
    )
    assert say.hot_times_title("Område: Centrum", whole=False, n=1) == (
        "Heta tider: Område: Centrum (1 händelse)"
    )


def test_the_weekly_legend_dates_both_periods():
    assert say.weekly_labels(
        (dt.date(2026, 11, 9), dt.date(2026, 12, 6)),
        (dt.date(2026, 10, 12), dt.date(2026, 11, 8)),
        "Föregående period",
    ) == (
        "Perioden (2026-11-09 – 2026-12-06)",
        "Föregående period (2026-10-12 – 2026-11-08)",
    )


def test_the_compare_method_gives_the_towns_change_dispersion_and_area_count():
    text = say.compare_method(
        (dt.date(2026, 11, 9), dt.date(2026, 12, 6)),
        (dt.date(2025, 11, 10), dt.date(2025, 12, 7)),
        region_change_pct=-12.4,
        dispersion=1.84,
        n_areas=12,
    )
    assert text.startswith(
        "Perioden 2026-11-09 – 2026-12-06 mot 2025-11-10 – 2025-12-07. Förändringen avser "
        "antal per dag"
    )
    assert "(kommunen: \u221212 %), så säsongen" in text
    assert "(kvasi-Poisson, φ = 1,8). Bedömningen är korrigerad för att 12 områden prövas" in text
