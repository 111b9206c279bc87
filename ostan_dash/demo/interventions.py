"""Interventions, their problem pictures, cause analyses, implementation logs and knowledge base.

Every intervention's effect is built into the incident data (:func:`effects`, applied by
``incidents.py``): intensity inside the target is multiplied by ``target_mult`` during the
intervention (and after it for permanent physical changes); a displaced intervention moves part
of the removed incidents into the surrounding ring (``buffer_m``), a diffusing one lowers the ring
too. Dates are relative to the data period, so the story holds for any ``today``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ostan_dash.demo import geography as geo
from ostan_dash.demo.clock import day_number, period


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    year: int | None
    url: str | None
    summary: str


KNOWLEDGE_SOURCES: tuple[Source, ...] = (
    Source(
        "bra_orsak",
        "Orsaksanalys – en vägledning",
        "Brå",
        None,
        "https://bra.se",
        "Brås stöd för att formulera och pröva hypoteser om varför ett problem uppstår, "
        "som grund för val av insatser.",
    ),
    Source(
        "bra_lagesbild",
        "Lokal lägesbild",
        "Brå",
        None,
        "https://bra.se",
        "Hur en lokal lägesbild över brott och otrygghet tas fram och används i samverkan.",
    ),
    Source(
        "est",
        "EST – Effektiv samordning för trygghet",
        "Polisen och SKR",
        None,
        "https://skr.se",
        "Arbetsmetoden för veckovis samordning mellan kommun, polis och andra aktörer: "
        "veckolägesbild, kvartals- och årsanalys.",
    ),
    Source(
        "braga_hotspots",
        "Hot spots policing of small geographic areas effects on crime",
        "Campbell Systematic Reviews",
        2019,
        "https://doi.org/10.1002/cl2.1046",
        "Braga, Turchan, Papachristos & Hureau: polisiär närvaro på små brottsintensiva "
        "platser minskar brott, och effekten sprids oftare än den förflyttas.",
    ),
    Source(
        "crimesolutions_hotspots",
        "Practice Profile: Hot Spots Policing",
        "National Institute of Justice, CrimeSolutions",
        None,
        "https://crimesolutions.ojp.gov",
        "Bedömning av evidensen för hot spot-insatser: effektiv för brott på platsen.",
    ),
    Source(
        "welsh_lighting",
        "Effects of Improved Street Lighting on Crime",
        "Campbell Systematic Reviews",
        2008,
        "https://doi.org/10.4073/csr.2008.13",
        "Welsh & Farrington: förbättrad gatubelysning gav i genomsnitt färre brott, även "
        "dagtid, vilket tyder på ökad gemenskap och informell kontroll.",
    ),
    Source(
        "welsh_cctv",
        "Effects of Closed Circuit Television Surveillance on Crime",
        "Campbell Systematic Reviews",
        2008,
        "https://doi.org/10.4073/csr.2008.17",
        "Welsh & Farrington: kameror har en liten men signifikant effekt, störst på "
        "parkeringsplatser och mot fordonsbrott (uppdaterad 2009).",
    ),
    Source(
        "bowers_johnson",
        "Measuring the geographical displacement and diffusion of benefit "
        "effects of crime prevention activity",
        "Journal of Quantitative Criminology",
        2003,
        "https://doi.org/10.1023/A:1024909009240",
        "Bowers & Johnson: Weighted Displacement Quotient för att mäta förflyttning och "
        "spridning av effekter till omgivningen.",
    ),
    Source(
        "guerette_bowers",
        "Assessing the extent of crime displacement and diffusion of "
        "benefits: a review of situational crime prevention evaluations",
        "Criminology",
        2009,
        "https://doi.org/10.1111/j.1745-9125.2009.00150.x",
        "Guerette & Bowers: förflyttning är ovanligare än spridning av positiva effekter.",
    ),
    Source(
        "piquero_parent",
        "Effects of early family/parent training programs on antisocial behavior and delinquency",
        "Journal of Experimental Criminology",
        2009,
        "https://doi.org/10.1007/s11292-009-9072-x",
        "Piquero m.fl.: tidiga föräldraprogram minskar antisocialt beteende hos små barn; "
        "effekter på brott i närtid kan inte väntas.",
    ),
    Source(
        "cozens_cpted",
        "Crime prevention through environmental design (CPTED): a review and modern bibliography",
        "Property Management",
        2005,
        "https://doi.org/10.1108/02637470510631483",
        "Cozens, Saville & Hillier: översikt av situationell utformning (CPTED).",
    ),
    Source(
        "ostan_klotter",
        "Erfarenheter av snabb klottersanering",
        "Östan kommun",
        None,
        None,
        "Intern sammanställning: klotter som tas bort inom ett dygn återkommer mer sällan.",
    ),
    Source(
        "ostan_nattvandring",
        "Vuxennärvaro och nattvandring – kunskapsläge",
        "Östan kommun",
        None,
        None,
        "Intern sammanställning: svag men lovande evidens; bäst i kombination "
        "med fritidsverksamhet.",
    ),
)


@dataclass(frozen=True)
class InterventionType:
    name: str
    kind: str
    evidence: str
    source: str
    description: str


INTERVENTION_TYPES: tuple[InterventionType, ...] = (
    InterventionType(
        "Förbättrad belysning",
        "situationell",
        "mattlig",
        "welsh_lighting",
        "Ny eller bättre belysning på otrygga platser och stråk.",
    ),
    InterventionType(
        "Röjning av siktlinjer och CPTED-åtgärder",
        "situationell",
        "mattlig",
        "cozens_cpted",
        "Buskage, skymmande föremål och utformning som ger insyn.",
    ),
    InterventionType(
        "Kameraövervakning",
        "situationell",
        "mattlig",
        "welsh_cctv",
        "Kameror med tillstånd, kopplade till polisens ledningscentral.",
    ),
    InterventionType(
        "Hot spot-patrullering (fotpatrull)",
        "situationell",
        "stark",
        "braga_hotspots",
        "Synlig polisnärvaro på brottsintensiva platser och tider.",
    ),
    InterventionType(
        "Vuxennärvaro/nattvandring",
        "situationell",
        "svag",
        "ostan_nattvandring",
        "Vuxna rör sig på platser där unga samlas kvällar och helger.",
    ),
    InterventionType(
        "Skolgårdsinsats (belysning, grind, kvällsöppen fritidsgård)",
        "situationell",
        "oklar",
        "cozens_cpted",
        "Skolgården görs mindre attraktiv att samlas på och ett alternativ erbjuds.",
    ),
    InterventionType(
        "Föräldrastödsprogram",
        "social",
        "mattlig",
        "piquero_parent",
        "Gruppträffar för föräldrar (t.ex. ABC) om relation och gränssättning.",
    ),
    InterventionType(
        "Snabb klottersanering",
        "situationell",
        "svag",
        "ostan_klotter",
        "Klotter anmäls och tas bort inom 24 timmar.",
    ),
    InterventionType(
        "Ordningsvakter",
        "situationell",
        "svag",
        "crimesolutions_hotspots",
        "Förordnade ordningsvakter på en plats under utsatta tider.",
    ),
    InterventionType(
        "Fysiska hinder mot buskörning",
        "situationell",
        "mattlig",
        "cozens_cpted",
        "Bommar, stenar och farthinder på gångvägar och gårdar.",
    ),
)


@dataclass(frozen=True)
class Effect:
    """How an intervention changes incident intensity (applied to generated points)."""

    cx: float | None
    cy: float | None
    radius: float
    buffer_m: float
    area_codes: tuple[str, ...]
    start_day: int
    end_day: int  # inclusive
    categories: tuple[str, ...]
    subtypes: tuple[str, ...]
    police_groups: tuple[str, ...]
    target_mult: float
    ring_mult: float = 1.0
    displace_frac: float = 0.0


@dataclass(frozen=True)
class Intervention:
    key: str
    title: str
    description: str
    kind: str
    type_name: str | None
    cause_hypothesis: str
    categories: tuple[str, ...]
    police_groups: tuple[str, ...]
    target_areas: tuple[str, ...]  # area names
    hot_spot: str | None  # centre of a circular target (a hot spot key or place name)
    radius: float
    buffer_m: int
    control_areas: tuple[str, ...]
    start: dt.date
    end: dt.date
    responsible_org: str
    responsible_role: str
    cost_sek: float
    cost_of_inaction_sek: float | None
    expected_effect: str
    goal_reduction_pct: float
    baseline: str
    status: str
    created_by: str
    target_mult: float = 1.0
    ring_mult: float = 1.0
    displace_frac: float = 0.0
    permanent: bool = False
    subtypes: tuple[str, ...] = ()
    problem: Problem | None = None

    def centre(self) -> tuple[float, float] | None:
        if self.hot_spot is None:
            return None
        if self.hot_spot in geo.HOT_SPOT_BY_KEY:
            h = geo.HOT_SPOT_BY_KEY[self.hot_spot]
            return geo.xy(h.dx, h.dy)
        p = geo.PLACE_BY_NAME[self.hot_spot]
        return geo.xy(p.dx, p.dy)

    def target_wkt(self) -> str | None:
        c = self.centre()
        return None if c is None else geo.circle_wkt(c[0], c[1], self.radius)


@dataclass(frozen=True)
class Problem:
    title: str
    description: str
    categories: tuple[str, ...]
    subtypes: tuple[str, ...]
    weekdays: tuple[int, ...]
    hour_from: int | None
    hour_to: int | None
    status: str
    owner_org: str
    criteria: tuple[tuple[bool, str], ...]  # six (met, justification)
    known_facts: str
    hypotheses: tuple[tuple[str, str], ...]  # (hypotes, stöd)
    evidence: tuple[str, ...]
    conclusion: str
    areas: tuple[str, ...] = field(default=())
    hot_spot: str | None = None
    radius: float = 0.0


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def interventions(today: dt.date) -> tuple[Intervention, ...]:
    """The demo's interventions, dated relative to the data period."""
    y0 = period(today)[0].year
    td = dt.timedelta
    return (
        Intervention(
            key="resecentrum_belysning",
            title="Belysning och röjda siktlinjer vid resecentrum",
            description="Ny LED-belysning på perronger, cykelparkering och i gångtunneln; buskage nedklippt "
            "så att busstorget får fri insyn. Permanent åtgärd, följs upp under sex månader.",
            kind="situationell",
            type_name="Förbättrad belysning",
            cause_hypothesis="Mörka och skymda ytor utan naturlig övervakning gör det lätt att begå skadegörelse "
            "och att samlas ostört.",
            categories=("otrygg_plats", "skadegorelse", "annat_otryggt", "otrygg_samling"),
            police_groups=("vald", "skadegorelse", "rån", "stold"),
            target_areas=("Resecentrum",),
            hot_spot="resecentrum",
            radius=300,
            buffer_m=400,
            control_areas=("Västra stan",),
            start=_d(y0 + 2, 3, 1),
            end=_d(y0 + 2, 8, 31),
            responsible_org="kommun",
            responsible_role="Gatuchef, samhällsbyggnadsförvaltningen",
            cost_sek=1_450_000,
            cost_of_inaction_sek=2_300_000,
            expected_effect="Minst 30 % färre rapporterade händelser inom 300 m från resecentrum jämfört med "
            "samma sex månader året innan; färre som upplever platsen som otrygg.",
            goal_reduction_pct=30,
            baseline="samma_period_forra_aret",
            status="avslutad",
            created_by="analytiker",
            target_mult=0.55,
            permanent=True,
            problem=Problem(
                title="Otrygghet och skadegörelse vid resecentrum kvällstid",
                description="Återkommande skadegörelse på busskurer och cykelparkering, samlingar i "
                "gångtunneln och många rapporter om bristfällig belysning.",
                categories=("otrygg_plats", "skadegorelse", "annat_otryggt"),
                subtypes=(),
                weekdays=(5, 6),
                hour_from=18,
                hour_to=2,
                status="avslutad",
                owner_org="kommun",
                criteria=(
                    (True, "Över 250 händelser det senaste året, ökande tre år i rad."),
                    (True, "Tydlig hot spot kring perrongerna fredag–lördag 18–02."),
                    (True, "Resenärer och personal uppger otrygghet; medborgarlöfte 2:a året."),
                    (True, "Resecentrum är en strategiskt viktig plats."),
                    (True, "Saneringskostnader för glas och klotter ca 400 000 kr/år."),
                    (True, "Belysning och siktröjning ligger inom kommunens rådighet."),
                ),
                known_facts="Händelserna koncentreras till mörka ytor kring gångtunneln och "
                "cykelparkeringen, främst fredag–lördag kväll och natt, mest under "
                "vinterhalvåret.",
                hypotheses=(
                    (
                        "Bristfällig belysning gör platsen attraktiv för skadegörelse.",
                        "Rapporterna om bristfällig belysning sammanfaller med skadegörelsen; "
                        "Welsh & Farrington (2008).",
                    ),
                    (
                        "Skymd insyn från busstorget gör att ingen ser vad som händer.",
                        "Trygghetsvandring med Centrumföreningen, buskage över 1,5 m.",
                    ),
                    (
                        "Ungdomar väntar på sista bussen och saknar annan plats.",
                        "Delvis stöd: samlingar rapporteras men inte bara nattetid.",
                    ),
                ),
                evidence=("welsh_lighting", "cozens_cpted", "bra_orsak"),
                conclusion="Belysning och röjda siktlinjer bedöms träffa de två starkaste orsakerna.",
                areas=("Resecentrum",),
                hot_spot="resecentrum",
                radius=300,
            ),
        ),
        Intervention(
            key="torget_kamera",
            title="Kameraövervakning på Stora torget",
            description="Fyra kameror med tillstånd över torget och Storgatans korsning, kopplade till "
            "polisens regionala ledningscentral fredag–lördag natt.",
            kind="situationell",
            type_name="Kameraövervakning",
            cause_hypothesis="Gärningspersoner agerar där de tror att ingen ser eller ingriper.",
            categories=("skadegorelse", "annat_otryggt"),
            police_groups=("vald", "skadegorelse", "rån"),
            target_areas=("Centrum",),
            hot_spot="centrum",
            radius=250,
            buffer_m=300,
            control_areas=("Västra stan",),
            start=_d(y0 + 3, 2, 1),
            end=_d(y0 + 3, 7, 31),
            responsible_org="polis",
            responsible_role="Lokalpolisområdeschef",
            cost_sek=900_000,
            cost_of_inaction_sek=1_800_000,
            expected_effect="Minst 25 % färre våldsincidenter och skadegörelser på torget under första "
            "halvåret jämfört med halvåret före.",
            goal_reduction_pct=25,
            baseline="foregaende_period",
            status="avslutad",
            created_by="kommunpolis",
            target_mult=0.62,
            permanent=True,
            problem=Problem(
                title="Våld och skadegörelse på Stora torget fredags- och lördagsnätter",
                description="Bråk och misshandel när krogarna stänger, krossade skyltfönster.",
                categories=("annat_otryggt", "skadegorelse"),
                subtypes=("brak", "vald", "ovrig_skadegorelse"),
                weekdays=(5, 6),
                hour_from=22,
                hour_to=3,
                status="avslutad",
                owner_org="polis",
                criteria=(
                    (True, "Högst antal våldsbrott i kommunen, stabilt över tid."),
                    (True, "Tydlig hot spot och hot time: fredag–lördag 22–03."),
                    (True, "Synligt för alla som rör sig i centrum; medborgarlöfte."),
                    (True, "Centrum är en strategiskt viktig plats."),
                    (True, "Vård av skadade och krossat glas är kostsamt."),
                    (True, "Kameror och polisnärvaro ligger inom samverkansparternas rådighet."),
                ),
                known_facts="Knappt hälften av våldet sker inom 150 m från torget mellan 00 och 03.",
                hypotheses=(
                    (
                        "Bristande formell övervakning när krogarna stänger.",
                        "Polisens anmälningar koncentreras till kvarteret kring torget.",
                    ),
                    (
                        "Trängsel vid taxi- och nattbusskön skapar konflikter.",
                        "Ordningsvakternas rapporter.",
                    ),
                ),
                evidence=("welsh_cctv", "braga_hotspots"),
                conclusion="Kameror kombinerade med polisens ledningscentral prövas under ett halvår.",
                areas=("Centrum",),
                hot_spot="centrum",
                radius=250,
            ),
        ),
        Intervention(
            key="norrbacka_fotpatrull",
            title="Polisiär fotpatrullering fredag–lördag natt i Norrbacka",
            description="Två poliser till fots kring Norrbacka centrum fredag och lördag 20–02 under "
            "sex månader.",
            kind="situationell",
            type_name="Hot spot-patrullering (fotpatrull)",
            cause_hypothesis="Gruppen som samlas vid centrumhuset saknar vuxen och formell tillsyn på helgnätter.",
            categories=("otrygg_samling", "annat_otryggt", "skadegorelse"),
            police_groups=("vald", "skadegorelse", "hot"),
            target_areas=("Norrbacka",),
            hot_spot="norrbacka",
            radius=350,
            buffer_m=450,
            control_areas=("Solhöjden",),
            start=_d(y0 + 3, 4, 1),
            end=_d(y0 + 3, 9, 30),
            responsible_org="polis",
            responsible_role="Kommunpolis",
            cost_sek=620_000,
            cost_of_inaction_sek=900_000,
            expected_effect="Minst 30 % färre händelser inom 350 m från Norrbacka centrum jämfört med samma "
            "period året innan.",
            goal_reduction_pct=30,
            baseline="samma_period_forra_aret",
            status="avslutad",
            created_by="kommunpolis",
            target_mult=0.5,
            displace_frac=0.8,
            problem=Problem(
                title="Samlingar och bråk i Norrbacka centrum på helgnätter",
                description="Grupper av unga vuxna samlas vid centrumhuset och hållplatsen, bråk och "
                "skadegörelse; de boende undviker centrumet kvällstid.",
                categories=("otrygg_samling", "annat_otryggt", "skadegorelse"),
                subtypes=(),
                weekdays=(5, 6),
                hour_from=20,
                hour_to=2,
                status="avslutad",
                owner_org="polis",
                criteria=(
                    (True, "Ett av kommunens tre mest belastade områden."),
                    (True, "Hot spot vid centrumhuset, hot time fredag–lördag kväll och natt."),
                    (True, "Trygghetsundersökningen: hög otrygghet kvällstid."),
                    (True, "Förskola och vårdcentral ligger vid platsen."),
                    (False, "Kostnaderna är måttliga."),
                    (True, "Polisen kan avsätta fotpatrull."),
                ),
                known_facts="Händelserna koncentreras till centrumhuset och hållplatsen; gruppen är känd "
                "av fältassistenterna.",
                hypotheses=(
                    (
                        "Avsaknad av kapabla väktare på helgnätter.",
                        "Inga rapporter när fältassistenter är på plats; Braga m.fl. (2019).",
                    ),
                    (
                        "Platsen erbjuder väderskydd och belysning som drar till sig grupper.",
                        "Trygghetsvandring.",
                    ),
                ),
                evidence=("braga_hotspots", "bowers_johnson"),
                conclusion="Fotpatrull prövas; omfördelning till omgivningen ska följas upp.",
                areas=("Norrbacka",),
                hot_spot="norrbacka",
                radius=350,
            ),
        ),
        Intervention(
            key="osterangen_nattvandring",
            title="Vuxna på stan – nattvandring i Österängen",
            description="Nattvandrare och fältassistenter fredag–lördag 19–24 kring Österängens torg, "
            "samordnat med fritidsgården.",
            kind="situationell",
            type_name="Vuxennärvaro/nattvandring",
            cause_hypothesis="Unga samlas där vuxna saknas; vuxennärvaro ger informell social kontroll.",
            categories=("otrygg_samling", "annat_otryggt", "skadegorelse"),
            police_groups=("vald", "hot", "skadegorelse"),
            target_areas=("Österängen",),
            hot_spot="osterangen",
            radius=350,
            buffer_m=450,
            control_areas=("Björkdalen",),
            start=_d(y0 + 2, 5, 1),
            end=_d(y0 + 2, 10, 31),
            responsible_org="nattvandrarna",
            responsible_role="Samordnare nattvandring",
            cost_sek=180_000,
            cost_of_inaction_sek=500_000,
            expected_effect="Minst 20 % färre händelser kring torget jämfört med samma period året innan.",
            goal_reduction_pct=20,
            baseline="samma_period_forra_aret",
            status="avslutad",
            created_by="analytiker",
            target_mult=0.62,
            ring_mult=0.7,
            problem=Problem(
                title="Ungdomar samlas och stör kring Österängens torg kvällstid",
                description="Mopeder, bråk och nedskräpning kring torget och skolan kvällar och helger.",
                categories=("otrygg_samling", "annat_otryggt"),
                subtypes=("utomhus", "brak", "olovlig_trafik"),
                weekdays=(5, 6),
                hour_from=19,
                hour_to=0,
                status="avslutad",
                owner_org="kommun",
                criteria=(
                    (True, "Ökande tre kvartal i rad."),
                    (True, "Torget fredag–lördag kväll."),
                    (True, "Boende och butiker upplever otrygghet."),
                    (True, "Skola och förskola i närheten."),
                    (False, "Låga direkta kostnader."),
                    (True, "Nattvandrarna och fritidsgården kan öka närvaron."),
                ),
                known_facts="Samlingarna består av unga 13–17 år, främst fredag och lördag kväll.",
                hypotheses=(
                    (
                        "Brist på vuxennärvaro kvällstid.",
                        "Färre rapporter de kvällar fritidsgården är öppen.",
                    ),
                ),
                evidence=("ostan_nattvandring", "guerette_bowers"),
                conclusion="Vuxennärvaro kombinerad med öppen fritidsgård.",
                areas=("Österängen",),
                hot_spot="osterangen",
                radius=350,
            ),
        ),
        Intervention(
            key="solhojden_skolgard",
            title="Trygg skolgård: belysning, grind och kvällsöppen fritidsgård vid Solhöjdsskolan",
            description="Belysning på skolgården, grind mot skogsdungen, fritidsgården öppen till 22 "
            "april–september.",
            kind="situationell",
            type_name="Skolgårdsinsats (belysning, grind, kvällsöppen fritidsgård)",
            cause_hypothesis="Skolgården är en ostörd samlingsplats vår- och sommarkvällar när skolan är stängd.",
            categories=("skadegorelse", "otrygg_samling", "annat_otryggt"),
            police_groups=("skadegorelse",),
            target_areas=("Solhöjden",),
            hot_spot="skolgard",
            radius=150,
            buffer_m=300,
            control_areas=("Norrbacka",),
            start=_d(y0 + 4, 4, 1),
            end=_d(y0 + 4, 9, 30),
            responsible_org="skola",
            responsible_role="Rektor, Solhöjdsskolan",
            cost_sek=540_000,
            cost_of_inaction_sek=700_000,
            expected_effect="Minst 40 % färre händelser på skolgården april–september jämfört med samma "
            "period året innan.",
            goal_reduction_pct=40,
            baseline="samma_period_forra_aret",
            status="avslutad",
            created_by="analytiker",
            target_mult=0.45,
            problem=Problem(
                title="Skadegörelse och samlingar på Solhöjdsskolans skolgård vår- och sommarkvällar",
                description="Krossade fönster, klotter och småbränder; fimpar och glas på morgonen.",
                categories=("skadegorelse", "otrygg_samling"),
                subtypes=(),
                weekdays=(),
                hour_from=18,
                hour_to=23,
                status="avslutad",
                owner_org="skola",
                criteria=(
                    (True, "Återkommande varje vår och sommar."),
                    (True, "Skolgården, kvällar april–augusti."),
                    (True, "Elever och personal möts av skadegörelse på morgonen."),
                    (True, "Skola – särskilt skyddsvärt objekt."),
                    (True, "Glas och sanering ca 250 000 kr/år."),
                    (True, "Skolan och fritidsgården kan agera."),
                ),
                known_facts="Skadegörelsen sker kvällar och nätter, mest i maj–juni.",
                hypotheses=(
                    ("Skolgården saknar ägare kvällstid.", "Rapporterna ligger 18–24."),
                    ("Unga saknar annan mötesplats.", "Fritidsgården stänger 19."),
                ),
                evidence=("cozens_cpted", "bra_orsak"),
                conclusion="Kombinera fysisk utformning med ett alternativ (kvällsöppen fritidsgård).",
                areas=("Solhöjden",),
                hot_spot="skolgard",
                radius=150,
            ),
        ),
        Intervention(
            key="kvarnbacken_foraldrastod",
            title="Föräldrastöd (ABC) i Kvarnbacken",
            description="Fyra gruppträffar för föräldrar till barn 10–15 år, tre omgångar under året.",
            kind="social",
            type_name="Föräldrastödsprogram",
            cause_hypothesis="Svag föräldrakontroll och bristande kontakt med skolan hos en grupp unga.",
            categories=("otrygg_samling", "annat_otryggt", "skadegorelse"),
            police_groups=(),
            target_areas=("Kvarnbacken",),
            hot_spot=None,
            radius=0,
            buffer_m=300,
            control_areas=("Västra stan",),
            start=_d(y0 + 4, 1, 15),
            end=_d(y0 + 4, 12, 15),
            responsible_org="kommun",
            responsible_role="Enhetschef, socialtjänstens förebyggande enhet",
            cost_sek=350_000,
            cost_of_inaction_sek=None,
            expected_effect="Färre samlingar och bråk med unga i Kvarnbacken under året; effekt på sikt.",
            goal_reduction_pct=20,
            baseline="samma_period_forra_aret",
            status="avslutad",
            created_by="analytiker",
            target_mult=1.0,
            problem=Problem(
                title="Unga i riskzonen – oro och samlingar i Kvarnbacken",
                description="Oro hos skola och socialtjänst för en grupp unga; samlingar i trapphus.",
                categories=("otrygg_samling", "annat_otryggt"),
                subtypes=("trapphus", "brak"),
                weekdays=(),
                hour_from=None,
                hour_to=None,
                status="avslutad",
                owner_org="kommun",
                criteria=(
                    (False, "Inte ökande, men ihållande."),
                    (False, "Ingen tydlig hot spot."),
                    (True, "Boende i trapphusen upplever otrygghet."),
                    (True, "Barn och unga."),
                    (True, "Risk för långsiktiga kostnader (kriminell karriär)."),
                    (True, "Socialtjänst och skola kan erbjuda stöd."),
                ),
                known_facts="Ett tiotal familjer är kända av socialtjänsten.",
                hypotheses=(("Bristande föräldraskap och tillsyn.", "Socialtjänstens bedömning."),),
                evidence=("piquero_parent",),
                conclusion="Föräldrastöd; effekt på brott kan dröja flera år.",
                areas=("Kvarnbacken",),
            ),
        ),
        Intervention(
            key="osterangen_klotter",
            title="Snabb klottersanering i Österängen (24-timmarsregeln)",
            description="Allt klotter i Östanhems bestånd och på kommunens mark i Österängen tas bort "
            "inom 24 timmar från rapport.",
            kind="situationell",
            type_name="Snabb klottersanering",
            cause_hypothesis="Klotter som får sitta kvar signalerar att ingen bryr sig och lockar mer klotter.",
            categories=("skadegorelse", "otrygg_plats"),
            police_groups=(),
            target_areas=("Österängen",),
            hot_spot=None,
            radius=0,
            buffer_m=300,
            control_areas=("Björkdalen",),
            start=today - td(days=70),
            end=today + td(days=110),
            responsible_org="ostanhem",
            responsible_role="Förvaltare, Östanhem AB",
            cost_sek=260_000,
            cost_of_inaction_sek=450_000,
            expected_effect="Minst 30 % färre klotterrapporter i Österängen jämfört med perioden före.",
            goal_reduction_pct=30,
            baseline="foregaende_period",
            status="pagaende",
            created_by="analytiker",
            target_mult=0.6,
            subtypes=("klotter",),
            permanent=True,
            problem=Problem(
                title="Omfattande klotter i Österängen",
                description="Klotter på fasader, i trapphus och på busskurer; snabbt ökande.",
                categories=("skadegorelse", "otrygg_plats"),
                subtypes=("klotter",),
                weekdays=(),
                hour_from=None,
                hour_to=None,
                status="atgardas",
                owner_org="ostanhem",
                criteria=(
                    (True, "Ökande senaste kvartalet."),
                    (False, "Spritt över området."),
                    (True, "Synligt för alla boende."),
                    (False, "Inga särskilt skyddsvärda objekt."),
                    (True, "Saneringskostnader."),
                    (True, "Östanhem och kommunen kan sanera snabbt."),
                ),
                known_facts="Klotter rapporteras mest måndagar, upptäckt efter helgen.",
                hypotheses=(("Kvarlämnat klotter lockar mer klotter.", "Östans erfarenheter."),),
                evidence=("ostan_klotter",),
                conclusion="Snabb sanering prövas under hösten.",
                areas=("Österängen",),
            ),
        ),
        Intervention(
            key="stadsparken_belysning",
            title="Trygghetsbelysning och röjning i Stadsparken",
            description="Belysning längs gångstråket genom Stadsparken och röjning av buskage.",
            kind="situationell",
            type_name="Förbättrad belysning",
            cause_hypothesis="Stadsparken upplevs som mörk och ödslig kvällstid.",
            categories=("otrygg_plats", "annat_otryggt"),
            police_groups=("vald",),
            target_areas=("Centrum",),
            hot_spot="Stadsparken",
            radius=200,
            buffer_m=300,
            control_areas=("Västra stan",),
            start=today + td(days=40),
            end=today + td(days=220),
            responsible_org="kommun",
            responsible_role="Parkchef",
            cost_sek=800_000,
            cost_of_inaction_sek=None,
            expected_effect="Färre rapporter om otrygg plats i parken; lägre andel otrygga i "
            "trygghetsundersökningen.",
            goal_reduction_pct=30,
            baseline="samma_period_forra_aret",
            status="planerad",
            created_by="analytiker",
            problem=Problem(
                title="Mörkt och ödsligt gångstråk i Stadsparken",
                description="Rapporter om bristfällig belysning och ödslig plats.",
                categories=("otrygg_plats",),
                subtypes=("belysning", "odslig_plats"),
                weekdays=(),
                hour_from=17,
                hour_to=23,
                status="atgardas",
                owner_org="kommun",
                criteria=(
                    (True, "Återkommande under vinterhalvåret."),
                    (True, "Gångstråket kvällstid."),
                    (True, "Många undviker stråket."),
                    (False, "Inga skyddsvärda objekt."),
                    (False, "Låga kostnader idag."),
                    (True, "Kommunen äger parken."),
                ),
                known_facts="Flest rapporter oktober–februari.",
                hypotheses=(("Mörker och skymd sikt.", "Trygghetsvandring."),),
                evidence=("welsh_lighting",),
                conclusion="Belysning planeras till nästa mörka säsong.",
                areas=("Centrum",),
                hot_spot="Stadsparken",
                radius=200,
            ),
        ),
        Intervention(
            key="kopcentrum_ordningsvakter",
            title="Ordningsvakter vid Köpcentrum Norr",
            description="Ordningsvakter kvällstid vid entréerna under vinterhalvåret.",
            kind="situationell",
            type_name="Ordningsvakter",
            cause_hypothesis="Butikspersonal utsätts för hot när grupper uppehåller sig vid entréerna.",
            categories=("annat_otryggt", "incident_mot_anstalld"),
            police_groups=("stold", "vald"),
            target_areas=("Norra industriområdet",),
            hot_spot="Köpcentrum Norr",
            radius=250,
            buffer_m=300,
            control_areas=(),
            start=_d(y0 + 1, 11, 1),
            end=_d(y0 + 2, 2, 28),
            responsible_org="centrum",
            responsible_role="Centrumledare",
            cost_sek=420_000,
            cost_of_inaction_sek=None,
            expected_effect="Färre incidenter mot anställda.",
            goal_reduction_pct=25,
            baseline="foregaende_period",
            status="installd",
            created_by="analytiker",
            problem=Problem(
                title="Hot mot butikspersonal vid Köpcentrum Norr",
                description="Personal rapporterar hot och att de hindras i arbetet kvällstid.",
                categories=("incident_mot_anstalld",),
                subtypes=("hotad", "hindrad"),
                weekdays=(),
                hour_from=16,
                hour_to=21,
                status="oppen",
                owner_org="centrum",
                criteria=(
                    (False, "Få händelser."),
                    (True, "Entréerna kvällstid."),
                    (False, "Begränsat synligt."),
                    (True, "Köpcentrum – strategisk plats."),
                    (False, "Låga kostnader."),
                    (True, "Fastighetsägaren kan anlita vakter."),
                ),
                known_facts="Ett fåtal händelser per månad.",
                hypotheses=(("Grupper söker värme inomhus vintertid.", "Personalens rapporter."),),
                evidence=("crimesolutions_hotspots",),
                conclusion="Insatsen ställdes in; problemet följs.",
                areas=("Norra industriområdet",),
                hot_spot="Köpcentrum Norr",
                radius=250,
            ),
        ),
    )


# The problem analysis triangle of four cause analyses (Eck & Clarke; Brå's "problemanalys-
# triangeln"): place, offender, target/victim, and the place manager, handler and guardian who
# can act on each. Keyed by problem title; the other demo analyses leave the triangle empty, as
# a real municipality's older analyses would.
TRIANGLES: dict[str, dict[str, str]] = {
    "Otrygghet och skadegörelse vid resecentrum kvällstid": {
        "place": "Gångtunneln och cykelparkeringen norr om perrongerna, dålig belysning och "
        "skymd insyn från busstorget.",
        "offender": "Mest unga i grupp som väntar på sista bussen fredag–lördag kväll.",
        "target": "Busskurer, cyklar och resenärer som går genom tunneln sent.",
        "place_manager": "Kommunens gatuenhet och regionens kollektivtrafik (fastighetsägare).",
        "handler": "Fältassistenter och föräldravandringar.",
        "guardian": "Stationsvärdar, busschaufförer och kameror mot perrongen.",
    },
    "Våld och skadegörelse på Stora torget fredags- och lördagsnätter": {
        "place": "Stora torget och korsningen mot Storgatan när krogarna stänger 01–03.",
        "offender": "Berusade besökare på väg från krogarna och taxikön.",
        "target": "Andra besökare i taxikön, skyltfönster och torgets möbler.",
        "place_manager": "Krögarna (ansvarsfull alkoholservering) och Centrumföreningen.",
        "handler": "Ordningsvakter och polisens krogteam.",
        "guardian": "Ordningsvakter, kameraövervakning och nattvandrare.",
    },
    "Samlingar och bråk i Norrbacka centrum på helgnätter": {
        "place": "Torget vid Norrbacka centrum och gångvägen mot fritidsgården efter stängning.",
        "offender": "En grupp unga, några kända av socialtjänsten.",
        "target": "Boende som går hem, butikernas entréer.",
        "place_manager": "Bostadsbolaget och centrumets fastighetsägare.",
        "handler": "Socialtjänstens fältgrupp, skolan och föräldrar.",
        "guardian": "Fritidsgårdens personal, bovärdar och nattvandrare.",
    },
    "Omfattande klotter i Österängen": {
        "place": "Fasader och elskåp längs gångstråket mellan torget och skolan.",
        "offender": "Ett fåtal klottrare som återkommer med samma signaturer.",
        "target": "Bostadsbolagets fasader, elskåp och busskurer.",
        "place_manager": "Bostadsbolaget och elnätsbolaget.",
        "handler": "Polisen (kända signaturer) och skolan.",
        "guardian": "Bovärdar som sanerar inom 24 timmar och boende som rapporterar.",
    },
}


# Problem pictures without an intervention (yet) --------------------------------------------
EXTRA_PROBLEMS: tuple[Problem, ...] = (
    Problem(
        title="Bilbränder i Norrbacka och Österängen under hösten",
        description="Bränder i bilar och containrar på parkeringar, främst oktober–november.",
        categories=("skadegorelse",),
        subtypes=("bilbrand", "brand"),
        weekdays=(5, 6, 7),
        hour_from=21,
        hour_to=4,
        status="oppen",
        owner_org="rtj",
        criteria=(
            (True, "Extremt: fara för liv."),
            (True, "Parkeringarna nattetid."),
            (True, "Mycket synligt."),
            (False, "Inga skyddsvärda objekt."),
            (True, "Höga kostnader."),
            (True, "Räddningstjänsten och bolagen kan agera."),
        ),
        known_facts="Bränderna samlas kring två parkeringar.",
        hypotheses=(("Mörka parkeringar utan insyn.", "Räddningstjänstens insatsrapporter."),),
        evidence=("bra_orsak",),
        conclusion="Orsaksanalys pågår.",
        areas=("Norrbacka", "Österängen"),
    ),
    Problem(
        title="Trafikfarlig mopedkörning på landsvägen vid Backa",
        description="Rapporter om mopeder och A-traktorer i hög fart; överlämnat till polisen och "
        "Trafikverket.",
        categories=("annat_otryggt",),
        subtypes=("olovlig_trafik",),
        weekdays=(5, 6),
        hour_from=18,
        hour_to=23,
        status="overlamnad",
        owner_org="polis",
        criteria=(
            (False, "Få rapporter."),
            (False, "Spritt."),
            (True, "Boende oroas."),
            (False, "Inga skyddsvärda objekt."),
            (False, "Låga kostnader."),
            (False, "Ligger utanför samverkansparternas rådighet."),
        ),
        known_facts="Få rapporter, främst sommarkvällar.",
        hypotheses=(),
        evidence=(),
        conclusion="Överlämnas.",
        areas=("Backa",),
    ),
)


def effects(today: dt.date) -> tuple[Effect, ...]:
    """The effects the incident generator applies, one per intervention that had one."""
    out = []
    for iv in interventions(today):
        if iv.target_mult == 1.0 and iv.ring_mult == 1.0 and iv.displace_frac == 0.0:
            continue
        c = iv.centre()
        end = dt.date(2100, 1, 1) if iv.permanent else iv.end
        codes = tuple(geo.BY_NAME[a].code for a in iv.target_areas) if c is None else ()
        out.append(
            Effect(
                cx=None if c is None else c[0],
                cy=None if c is None else c[1],
                radius=iv.radius,
                buffer_m=iv.buffer_m,
                area_codes=codes,
                start_day=day_number(iv.start),
                end_day=day_number(end),
                categories=iv.categories,
                subtypes=iv.subtypes,
                police_groups=iv.police_groups,
                target_mult=iv.target_mult,
                ring_mult=iv.ring_mult,
                displace_frac=iv.displace_frac,
            )
        )
    return tuple(out)


def apply_effects(
    x: np.ndarray,
    y: np.ndarray,
    day: np.ndarray,
    cat: np.ndarray,
    sub: np.ndarray,
    area: np.ndarray,
    effs: tuple[Effect, ...],
    *,
    police: bool,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin (and displace) generated points by the interventions' effects.

    ``cat`` holds EST category keys (or police crime groups when ``police``); ``area`` the area
    index of each point (-1 for a police crime without a point). Returns the kept mask and the
    (possibly moved) coordinates.
    """
    keep = np.ones(len(x), dtype=bool)
    x = x.copy()
    y = y.copy()
    codes = np.array(geo.CODES)
    for e in effs:
        cats = e.police_groups if police else e.categories
        if not cats:
            continue
        sel = keep & (day >= e.start_day) & (day <= e.end_day) & np.isin(cat, cats)
        if e.subtypes and not police:
            sel &= np.isin(sub, e.subtypes)
        if not sel.any():
            continue
        if e.cx is None:
            inside = sel & (area >= 0) & np.isin(codes[np.maximum(area, 0)], e.area_codes)
            ring = np.zeros_like(inside)
        else:
            d = np.hypot(x - e.cx, y - e.cy)
            inside = sel & (d < e.radius)
            ring = sel & (d >= e.radius) & (d < e.radius + e.buffer_m)
        u = rng.random(len(x))
        removed = inside & (u >= e.target_mult)
        keep &= ~removed
        if e.ring_mult < 1.0:
            keep &= ~(ring & (u >= e.ring_mult))
        if e.displace_frac > 0 and e.cx is not None:
            moved = removed & (rng.random(len(x)) < e.displace_frac)
            k = int(moved.sum())
            if k:
                r1, r2 = e.radius, e.radius + e.buffer_m
                rad = np.sqrt(rng.uniform(r1**2, r2**2, k))
                ang = rng.uniform(0, 2 * np.pi, k)
                x[moved] = e.cx + rad * np.cos(ang)
                y[moved] = e.cy + rad * np.sin(ang)
                keep |= moved
    return keep, x, y


def interventions_frame(today: dt.date) -> pl.DataFrame:
    """One row per intervention (keys and names; the loader maps them to ids)."""
    rows = []
    for iv in interventions(today):
        rows.append(
            {
                "key": iv.key,
                "title": iv.title,
                "status": iv.status,
                "start": iv.start,
                "end": iv.end,
                "target_wkt": iv.target_wkt(),
                "buffer_m": iv.buffer_m,
                "categories": list(iv.categories),
                "target_areas": list(iv.target_areas),
            }
        )
    return pl.DataFrame(rows)


_LOG_NOTES = {
    "enligt_plan": (
        "Genomfört enligt plan.",
        "Alla planerade pass genomförda.",
        "Uppföljning i BF-gruppen: inga avvikelser.",
        "Åtgärden på plats och i drift.",
    ),
    "delvis": (
        "Två pass ställdes in på grund av personalbrist.",
        "Leveransen försenad en vecka.",
        "Genomfört, men kortare tider än planerat.",
    ),
    "ej_genomford": ("Inte genomfört denna period.",),
}


def log_entries(today: dt.date, seed: int) -> pl.DataFrame:
    """Implementation log: about monthly entries while an intervention ran (none in the future)."""
    rng = np.random.default_rng([seed, 7])
    rows = []
    for iv in interventions(today):
        if iv.status == "installd":
            rows.append(
                (
                    iv.key,
                    iv.start + dt.timedelta(days=10),
                    "ej_genomford",
                    "Upphandlingen av ordningsvakter avbröts; insatsen ställdes in.",
                    iv.created_by,
                )
            )
            continue
        if iv.status == "planerad":
            rows.append(
                (
                    iv.key,
                    today - dt.timedelta(days=9),
                    "enligt_plan",
                    "Beslut i Östan Brå; upphandling av belysning pågår.",
                    iv.created_by,
                )
            )
            continue
        d = iv.start + dt.timedelta(days=14)
        last = min(iv.end, today - dt.timedelta(days=1))
        while d <= last:
            fid = rng.choice(["enligt_plan", "delvis", "ej_genomford"], p=[0.78, 0.18, 0.04])
            notes = _LOG_NOTES[str(fid)]
            rows.append((iv.key, d, str(fid), notes[int(rng.integers(len(notes)))], iv.created_by))
            d += dt.timedelta(days=int(rng.integers(25, 36)))
    return pl.DataFrame(
        rows, schema=["key", "entry_date", "fidelity", "note", "created_by"], orient="row"
    )
