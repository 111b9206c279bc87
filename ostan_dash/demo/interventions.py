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
            "resecentrum_belysning",
            "Belysning och röjda siktlinjer vid resecentrum",
            "Ny LED-belysning på perronger, cykelparkering och i gångtunneln; buskage nedklippt "
            "så att busstorget får fri insyn. Permanent åtgärd, följs upp under sex månader.",
            "situationell",
            "Förbättrad belysning",
            "Mörka och skymda ytor utan naturlig övervakning gör det lätt att begå skadegörelse "
            "och att samlas ostört.",
            ("otrygg_plats", "skadegorelse", "annat_otryggt", "otrygg_samling"),
            ("vald", "skadegorelse", "rån", "stold"),
            ("Resecentrum",),
            "resecentrum",
            300,
            400,
            ("Västra stan",),
            _d(y0 + 2, 3, 1),
            _d(y0 + 2, 8, 31),
            "kommun",
            "Gatuchef, samhällsbyggnadsförvaltningen",
            1_450_000,
            2_300_000,
            "Minst 30 % färre rapporterade händelser inom 300 m från resecentrum jämfört med "
            "samma sex månader året innan; färre som upplever platsen som otrygg.",
            30,
            "samma_period_forra_aret",
            "avslutad",
            "analytiker",
            target_mult=0.55,
            permanent=True,
            problem=Problem(
                "Otrygghet och skadegörelse vid resecentrum kvällstid",
                "Återkommande skadegörelse på busskurer och cykelparkering, samlingar i "
                "gångtunneln och många rapporter om bristfällig belysning.",
                ("otrygg_plats", "skadegorelse", "annat_otryggt"),
                (),
                (5, 6),
                18,
                2,
                "avslutad",
                "kommun",
                (
                    (True, "Över 250 händelser det senaste året, ökande tre år i rad."),
                    (True, "Tydlig hot spot kring perrongerna fredag–lördag 18–02."),
                    (True, "Resenärer och personal uppger otrygghet; medborgarlöfte 2:a året."),
                    (True, "Resecentrum är en strategiskt viktig plats."),
                    (True, "Saneringskostnader för glas och klotter ca 400 000 kr/år."),
                    (True, "Belysning och siktröjning ligger inom kommunens rådighet."),
                ),
                "Händelserna koncentreras till mörka ytor kring gångtunneln och "
                "cykelparkeringen, främst fredag–lördag kväll och natt, mest under "
                "vinterhalvåret.",
                (
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
                ("welsh_lighting", "cozens_cpted", "bra_orsak"),
                "Belysning och röjda siktlinjer bedöms träffa de två starkaste orsakerna.",
                ("Resecentrum",),
                "resecentrum",
                300,
            ),
        ),
        Intervention(
            "torget_kamera",
            "Kameraövervakning på Stora torget",
            "Fyra kameror med tillstånd över torget och Storgatans korsning, kopplade till "
            "polisens regionala ledningscentral fredag–lördag natt.",
            "situationell",
            "Kameraövervakning",
            "Gärningspersoner agerar där de tror att ingen ser eller ingriper.",
            ("skadegorelse", "annat_otryggt"),
            ("vald", "skadegorelse", "rån"),
            ("Centrum",),
            "centrum",
            250,
            300,
            ("Västra stan",),
            _d(y0 + 3, 2, 1),
            _d(y0 + 3, 7, 31),
            "polis",
            "Lokalpolisområdeschef",
            900_000,
            1_800_000,
            "Minst 25 % färre våldsincidenter och skadegörelser på torget under första "
            "halvåret jämfört med halvåret före.",
            25,
            "foregaende_period",
            "avslutad",
            "kommunpolis",
            target_mult=0.62,
            permanent=True,
            problem=Problem(
                "Våld och skadegörelse på Stora torget fredags- och lördagsnätter",
                "Bråk och misshandel när krogarna stänger, krossade skyltfönster.",
                ("annat_otryggt", "skadegorelse"),
                ("brak", "vald", "ovrig_skadegorelse"),
                (5, 6),
                22,
                3,
                "avslutad",
                "polis",
                (
                    (True, "Högst antal våldsbrott i kommunen, stabilt över tid."),
                    (True, "Tydlig hot spot och hot time: fredag–lördag 22–03."),
                    (True, "Synligt för alla som rör sig i centrum; medborgarlöfte."),
                    (True, "Centrum är en strategiskt viktig plats."),
                    (True, "Vård av skadade och krossat glas är kostsamt."),
                    (True, "Kameror och polisnärvaro ligger inom samverkansparternas rådighet."),
                ),
                "Knappt hälften av våldet sker inom 150 m från torget mellan 00 och 03.",
                (
                    (
                        "Bristande formell övervakning när krogarna stänger.",
                        "Polisens anmälningar koncentreras till kvarteret kring torget.",
                    ),
                    (
                        "Trängsel vid taxi- och nattbusskön skapar konflikter.",
                        "Ordningsvakternas rapporter.",
                    ),
                ),
                ("welsh_cctv", "braga_hotspots"),
                "Kameror kombinerade med polisens ledningscentral prövas under ett halvår.",
                ("Centrum",),
                "centrum",
                250,
            ),
        ),
        Intervention(
            "norrbacka_fotpatrull",
            "Polisiär fotpatrullering fredag–lördag natt i Norrbacka",
            "Två poliser till fots kring Norrbacka centrum fredag och lördag 20–02 under "
            "sex månader.",
            "situationell",
            "Hot spot-patrullering (fotpatrull)",
            "Gruppen som samlas vid centrumhuset saknar vuxen och formell tillsyn på helgnätter.",
            ("otrygg_samling", "annat_otryggt", "skadegorelse"),
            ("vald", "skadegorelse", "hot"),
            ("Norrbacka",),
            "norrbacka",
            350,
            450,
            ("Solhöjden",),
            _d(y0 + 3, 4, 1),
            _d(y0 + 3, 9, 30),
            "polis",
            "Kommunpolis",
            620_000,
            900_000,
            "Minst 30 % färre händelser inom 350 m från Norrbacka centrum jämfört med samma "
            "period året innan.",
            30,
            "samma_period_forra_aret",
            "avslutad",
            "kommunpolis",
            target_mult=0.5,
            displace_frac=0.8,
            problem=Problem(
                "Samlingar och bråk i Norrbacka centrum på helgnätter",
                "Grupper av unga vuxna samlas vid centrumhuset och hållplatsen, bråk och "
                "skadegörelse; de boende undviker centrumet kvällstid.",
                ("otrygg_samling", "annat_otryggt", "skadegorelse"),
                (),
                (5, 6),
                20,
                2,
                "avslutad",
                "polis",
                (
                    (True, "Ett av kommunens tre mest belastade områden."),
                    (True, "Hot spot vid centrumhuset, hot time fredag–lördag kväll och natt."),
                    (True, "Trygghetsundersökningen: hög otrygghet kvällstid."),
                    (True, "Förskola och vårdcentral ligger vid platsen."),
                    (False, "Kostnaderna är måttliga."),
                    (True, "Polisen kan avsätta fotpatrull."),
                ),
                "Händelserna koncentreras till centrumhuset och hållplatsen; gruppen är känd "
                "av fältassistenterna.",
                (
                    (
                        "Avsaknad av kapabla väktare på helgnätter.",
                        "Inga rapporter när fältassistenter är på plats; Braga m.fl. (2019).",
                    ),
                    (
                        "Platsen erbjuder väderskydd och belysning som drar till sig grupper.",
                        "Trygghetsvandring.",
                    ),
                ),
                ("braga_hotspots", "bowers_johnson"),
                "Fotpatrull prövas; omfördelning till omgivningen ska följas upp.",
                ("Norrbacka",),
                "norrbacka",
                350,
            ),
        ),
        Intervention(
            "osterangen_nattvandring",
            "Vuxna på stan – nattvandring i Österängen",
            "Nattvandrare och fältassistenter fredag–lördag 19–24 kring Österängens torg, "
            "samordnat med fritidsgården.",
            "situationell",
            "Vuxennärvaro/nattvandring",
            "Unga samlas där vuxna saknas; vuxennärvaro ger informell social kontroll.",
            ("otrygg_samling", "annat_otryggt", "skadegorelse"),
            ("vald", "hot", "skadegorelse"),
            ("Österängen",),
            "osterangen",
            350,
            450,
            ("Björkdalen",),
            _d(y0 + 2, 5, 1),
            _d(y0 + 2, 10, 31),
            "nattvandrarna",
            "Samordnare nattvandring",
            180_000,
            500_000,
            "Minst 20 % färre händelser kring torget jämfört med samma period året innan.",
            20,
            "samma_period_forra_aret",
            "avslutad",
            "analytiker",
            target_mult=0.62,
            ring_mult=0.7,
            problem=Problem(
                "Ungdomar samlas och stör kring Österängens torg kvällstid",
                "Mopeder, bråk och nedskräpning kring torget och skolan kvällar och helger.",
                ("otrygg_samling", "annat_otryggt"),
                ("utomhus", "brak", "olovlig_trafik"),
                (5, 6),
                19,
                0,
                "avslutad",
                "kommun",
                (
                    (True, "Ökande tre kvartal i rad."),
                    (True, "Torget fredag–lördag kväll."),
                    (True, "Boende och butiker upplever otrygghet."),
                    (True, "Skola och förskola i närheten."),
                    (False, "Låga direkta kostnader."),
                    (True, "Nattvandrarna och fritidsgården kan öka närvaron."),
                ),
                "Samlingarna består av unga 13–17 år, främst fredag och lördag kväll.",
                (
                    (
                        "Brist på vuxennärvaro kvällstid.",
                        "Färre rapporter de kvällar fritidsgården är öppen.",
                    ),
                ),
                ("ostan_nattvandring", "guerette_bowers"),
                "Vuxennärvaro kombinerad med öppen fritidsgård.",
                ("Österängen",),
                "osterangen",
                350,
            ),
        ),
        Intervention(
            "solhojden_skolgard",
            "Trygg skolgård: belysning, grind och kvällsöppen fritidsgård vid Solhöjdsskolan",
            "Belysning på skolgården, grind mot skogsdungen, fritidsgården öppen till 22 "
            "april–september.",
            "situationell",
            "Skolgårdsinsats (belysning, grind, kvällsöppen fritidsgård)",
            "Skolgården är en ostörd samlingsplats vår- och sommarkvällar när skolan är stängd.",
            ("skadegorelse", "otrygg_samling", "annat_otryggt"),
            ("skadegorelse",),
            ("Solhöjden",),
            "skolgard",
            150,
            300,
            ("Norrbacka",),
            _d(y0 + 4, 4, 1),
            _d(y0 + 4, 9, 30),
            "skola",
            "Rektor, Solhöjdsskolan",
            540_000,
            700_000,
            "Minst 40 % färre händelser på skolgården april–september jämfört med samma "
            "period året innan.",
            40,
            "samma_period_forra_aret",
            "avslutad",
            "analytiker",
            target_mult=0.45,
            problem=Problem(
                "Skadegörelse och samlingar på Solhöjdsskolans skolgård vår- och sommarkvällar",
                "Krossade fönster, klotter och småbränder; fimpar och glas på morgonen.",
                ("skadegorelse", "otrygg_samling"),
                (),
                (),
                18,
                23,
                "avslutad",
                "skola",
                (
                    (True, "Återkommande varje vår och sommar."),
                    (True, "Skolgården, kvällar april–augusti."),
                    (True, "Elever och personal möts av skadegörelse på morgonen."),
                    (True, "Skola – särskilt skyddsvärt objekt."),
                    (True, "Glas och sanering ca 250 000 kr/år."),
                    (True, "Skolan och fritidsgården kan agera."),
                ),
                "Skadegörelsen sker kvällar och nätter, mest i maj–juni.",
                (
                    ("Skolgården saknar ägare kvällstid.", "Rapporterna ligger 18–24."),
                    ("Unga saknar annan mötesplats.", "Fritidsgården stänger 19."),
                ),
                ("cozens_cpted", "bra_orsak"),
                "Kombinera fysisk utformning med ett alternativ (kvällsöppen fritidsgård).",
                ("Solhöjden",),
                "skolgard",
                150,
            ),
        ),
        Intervention(
            "kvarnbacken_foraldrastod",
            "Föräldrastöd (ABC) i Kvarnbacken",
            "Fyra gruppträffar för föräldrar till barn 10–15 år, tre omgångar under året.",
            "social",
            "Föräldrastödsprogram",
            "Svag föräldrakontroll och bristande kontakt med skolan hos en grupp unga.",
            ("otrygg_samling", "annat_otryggt", "skadegorelse"),
            (),
            ("Kvarnbacken",),
            None,
            0,
            300,
            ("Västra stan",),
            _d(y0 + 4, 1, 15),
            _d(y0 + 4, 12, 15),
            "kommun",
            "Enhetschef, socialtjänstens förebyggande enhet",
            350_000,
            None,
            "Färre samlingar och bråk med unga i Kvarnbacken under året; effekt på sikt.",
            20,
            "samma_period_forra_aret",
            "avslutad",
            "analytiker",
            target_mult=1.0,
            problem=Problem(
                "Unga i riskzonen – oro och samlingar i Kvarnbacken",
                "Oro hos skola och socialtjänst för en grupp unga; samlingar i trapphus.",
                ("otrygg_samling", "annat_otryggt"),
                ("trapphus", "brak"),
                (),
                None,
                None,
                "avslutad",
                "kommun",
                (
                    (False, "Inte ökande, men ihållande."),
                    (False, "Ingen tydlig hot spot."),
                    (True, "Boende i trapphusen upplever otrygghet."),
                    (True, "Barn och unga."),
                    (True, "Risk för långsiktiga kostnader (kriminell karriär)."),
                    (True, "Socialtjänst och skola kan erbjuda stöd."),
                ),
                "Ett tiotal familjer är kända av socialtjänsten.",
                (("Bristande föräldraskap och tillsyn.", "Socialtjänstens bedömning."),),
                ("piquero_parent",),
                "Föräldrastöd; effekt på brott kan dröja flera år.",
                ("Kvarnbacken",),
            ),
        ),
        Intervention(
            "osterangen_klotter",
            "Snabb klottersanering i Österängen (24-timmarsregeln)",
            "Allt klotter i Östanhems bestånd och på kommunens mark i Österängen tas bort "
            "inom 24 timmar från rapport.",
            "situationell",
            "Snabb klottersanering",
            "Klotter som får sitta kvar signalerar att ingen bryr sig och lockar mer klotter.",
            ("skadegorelse", "otrygg_plats"),
            (),
            ("Österängen",),
            None,
            0,
            300,
            ("Björkdalen",),
            today - td(days=70),
            today + td(days=110),
            "ostanhem",
            "Förvaltare, Östanhem AB",
            260_000,
            450_000,
            "Minst 30 % färre klotterrapporter i Österängen jämfört med perioden före.",
            30,
            "foregaende_period",
            "pagaende",
            "analytiker",
            target_mult=0.6,
            subtypes=("klotter",),
            permanent=True,
            problem=Problem(
                "Omfattande klotter i Österängen",
                "Klotter på fasader, i trapphus och på busskurer; snabbt ökande.",
                ("skadegorelse", "otrygg_plats"),
                ("klotter",),
                (),
                None,
                None,
                "atgardas",
                "ostanhem",
                (
                    (True, "Ökande senaste kvartalet."),
                    (False, "Spritt över området."),
                    (True, "Synligt för alla boende."),
                    (False, "Inga särskilt skyddsvärda objekt."),
                    (True, "Saneringskostnader."),
                    (True, "Östanhem och kommunen kan sanera snabbt."),
                ),
                "Klotter rapporteras mest måndagar, upptäckt efter helgen.",
                (("Kvarlämnat klotter lockar mer klotter.", "Östans erfarenheter."),),
                ("ostan_klotter",),
                "Snabb sanering prövas under hösten.",
                ("Österängen",),
            ),
        ),
        Intervention(
            "stadsparken_belysning",
            "Trygghetsbelysning och röjning i Stadsparken",
            "Belysning längs gångstråket genom Stadsparken och röjning av buskage.",
            "situationell",
            "Förbättrad belysning",
            "Stadsparken upplevs som mörk och ödslig kvällstid.",
            ("otrygg_plats", "annat_otryggt"),
            ("vald",),
            ("Centrum",),
            "Stadsparken",
            200,
            300,
            ("Västra stan",),
            today + td(days=40),
            today + td(days=220),
            "kommun",
            "Parkchef",
            800_000,
            None,
            "Färre rapporter om otrygg plats i parken; lägre andel otrygga i "
            "trygghetsundersökningen.",
            30,
            "samma_period_forra_aret",
            "planerad",
            "analytiker",
            problem=Problem(
                "Mörkt och ödsligt gångstråk i Stadsparken",
                "Rapporter om bristfällig belysning och ödslig plats.",
                ("otrygg_plats",),
                ("belysning", "odslig_plats"),
                (),
                17,
                23,
                "atgardas",
                "kommun",
                (
                    (True, "Återkommande under vinterhalvåret."),
                    (True, "Gångstråket kvällstid."),
                    (True, "Många undviker stråket."),
                    (False, "Inga skyddsvärda objekt."),
                    (False, "Låga kostnader idag."),
                    (True, "Kommunen äger parken."),
                ),
                "Flest rapporter oktober–februari.",
                (("Mörker och skymd sikt.", "Trygghetsvandring."),),
                ("welsh_lighting",),
                "Belysning planeras till nästa mörka säsong.",
                ("Centrum",),
                "Stadsparken",
                200,
            ),
        ),
        Intervention(
            "kopcentrum_ordningsvakter",
            "Ordningsvakter vid Köpcentrum Norr",
            "Ordningsvakter kvällstid vid entréerna under vinterhalvåret.",
            "situationell",
            "Ordningsvakter",
            "Butikspersonal utsätts för hot när grupper uppehåller sig vid entréerna.",
            ("annat_otryggt", "incident_mot_anstalld"),
            ("stold", "vald"),
            ("Norra industriområdet",),
            "Köpcentrum Norr",
            250,
            300,
            (),
            _d(y0 + 1, 11, 1),
            _d(y0 + 2, 2, 28),
            "centrum",
            "Centrumledare",
            420_000,
            None,
            "Färre incidenter mot anställda.",
            25,
            "foregaende_period",
            "installd",
            "analytiker",
            problem=Problem(
                "Hot mot butikspersonal vid Köpcentrum Norr",
                "Personal rapporterar hot och att de hindras i arbetet kvällstid.",
                ("incident_mot_anstalld",),
                ("hotad", "hindrad"),
                (),
                16,
                21,
                "oppen",
                "centrum",
                (
                    (False, "Få händelser."),
                    (True, "Entréerna kvällstid."),
                    (False, "Begränsat synligt."),
                    (True, "Köpcentrum – strategisk plats."),
                    (False, "Låga kostnader."),
                    (True, "Fastighetsägaren kan anlita vakter."),
                ),
                "Ett fåtal händelser per månad.",
                (("Grupper söker värme inomhus vintertid.", "Personalens rapporter."),),
                ("crimesolutions_hotspots",),
                "Insatsen ställdes in; problemet följs.",
                ("Norra industriområdet",),
                "Köpcentrum Norr",
                250,
            ),
        ),
    )


# Problem pictures without an intervention (yet) --------------------------------------------
EXTRA_PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "Bilbränder i Norrbacka och Österängen under hösten",
        "Bränder i bilar och containrar på parkeringar, främst oktober–november.",
        ("skadegorelse",),
        ("bilbrand", "brand"),
        (5, 6, 7),
        21,
        4,
        "oppen",
        "rtj",
        (
            (True, "Extremt: fara för liv."),
            (True, "Parkeringarna nattetid."),
            (True, "Mycket synligt."),
            (False, "Inga skyddsvärda objekt."),
            (True, "Höga kostnader."),
            (True, "Räddningstjänsten och bolagen kan agera."),
        ),
        "Bränderna samlas kring två parkeringar.",
        (("Mörka parkeringar utan insyn.", "Räddningstjänstens insatsrapporter."),),
        ("bra_orsak",),
        "Orsaksanalys pågår.",
        ("Norrbacka", "Österängen"),
    ),
    Problem(
        "Trafikfarlig mopedkörning på landsvägen vid Backa",
        "Rapporter om mopeder och A-traktorer i hög fart; överlämnat till polisen och "
        "Trafikverket.",
        ("annat_otryggt",),
        ("olovlig_trafik",),
        (5, 6),
        18,
        23,
        "overlamnad",
        "polis",
        (
            (False, "Få rapporter."),
            (False, "Spritt."),
            (True, "Boende oroas."),
            (False, "Inga skyddsvärda objekt."),
            (False, "Låga kostnader."),
            (False, "Ligger utanför samverkansparternas rådighet."),
        ),
        "Få rapporter, främst sommarkvällar.",
        (),
        (),
        "Överlämnas.",
        ("Backa",),
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
