"""Swedish texts shown to users, kept in one place."""

APP_TITLE = "Östan-dash"
APP_SUBTITLE = "Lägesbild för brottsförebyggande och trygghetsfrämjande arbete i Östan kommun"

LOGIN_FIELDS = {
    "Form name": "Logga in",
    "Username": "Användarnamn",
    "Password": "Lösenord",
    "Login": "Logga in",
    "Captcha": "Kontrollkod",
}
LOGIN_FAILED = "Fel användarnamn eller lösenord."
LOGIN_WAIT = (
    "För många misslyckade inloggningar härifrån. Vänta {tid} och försök sedan igen "
    "(med rätt lösenord går det då alltid), eller be en administratör låsa upp."
)
LOGIN_FAILED_WAIT = "Fel användarnamn eller lösenord. Nästa försök härifrån tidigast om {tid}."
LOGIN_EXPIRED = (
    "Din session har avslutats (utloggad, för lång inaktivitet eller återkallad). Logga in igen."
)
LOGIN_DEMO_HINT = (
    "Demokonton: **admin**, **analytiker**, **rapportor** och **lasare**, "
    "alla med lösenordet `ostan-demo` (endast demo)."
)
LOGOUT = "Logga ut"
WEAK_KEY = (
    "Inloggningen är inte konfigurerad: ange en slumpmässig nyckel på minst 32 tecken i "
    "OSTAN_COOKIE_KEY eller i secrets.toml ([auth] cookie_key)."
)
PAGE_FAILED = (
    "Något gick fel när sidan skulle visas. Felet är sparat i serverns logg; ladda om sidan "
    "eller kontakta administratören om det upprepas."
)
DB_DOWN = (
    "Databasen svarar inte just nu. Försök igen om en stund; kvarstår felet, "
    "kontakta systemförvaltaren."
)

EMPTY_DATA = (
    "Det finns inga händelser i databasen än. Rapportera en händelse, importera polisens "
    "veckoutdrag eller ladda demodata med `make demo`."
)

SOURCE_LABELS = {"est": "EST-rapporter", "polis": "Polisanmälda brott"}
NO_ACCESS = "Du har inte behörighet att se den här sidan. Logga in med ett konto som har den."

# The public page (/offentlig, no login) and the analysts' choice of what it shows.
PUBLIC_NAV_TITLE = "Offentlig sida"
PUBLIC_TITLE = "Tryggare Östan: så arbetar vi"
PUBLIC_INTRO = (
    "Östan kommun, polisen och flera andra aktörer arbetar tillsammans för att förebygga brott "
    "och göra Östan tryggare. Vi följer arbetssättet EST, Effektiv samordning för trygghet: "
    "varje vecka går vi igenom vad som har hänt och var, vi väljer några områden att lägga "
    "extra kraft på och vi sätter in åtgärder där de gör mest nytta. Sedan följer vi upp om "
    "åtgärderna gav resultat.\n\n"
    "Här visar vi ett urval som våra analytiker har valt att publicera. Siffrorna gäller hela "
    "områden och hela månader, aldrig enskilda platser eller personer."
)
PUBLIC_SUPPRESSION_NOTE = (
    "Antal under fem visas som *färre än 5*, så att ingen enskild händelse eller person kan "
    "pekas ut."
)
PUBLIC_EMPTY = (
    "Här finns ingenting publicerat än. Kommunens analytiker väljer vad som visas här: logga in "
    "som analytiker och välj sidan *Publicera* för att publicera fokusområden, insatser med "
    "resultat eller utvecklingen i ett område."
)
PUBLIC_FOCUS = "Fokusområden"
PUBLIC_FOCUS_CAPTION = "De områden där vi lägger extra kraft under kvartalet."
PUBLIC_RUNNING = "Pågående insatser"
PUBLIC_FINISHED = "Avslutade insatser och deras resultat"
PUBLIC_TRENDS = "Utvecklingen i områdena"
PUBLIC_TRENDS_CAPTION = (
    "Antal rapporterade händelser och polisanmälda brott per månad i hela området."
)
PUBLIC_PUBLISHED = "Publicerad {datum}."
PUBLIC_SMALL_NUMBER = (
    "{falt} innehåller antalet {tal}. Skriv inte antal under fem på den offentliga sidan; "
    "skriv *färre än 5* i stället (eller med bokstäver om det inte är ett antal)."
)
PUBLIC_KIND_LABELS = {
    "omradestrend": "Utvecklingen i ett område",
    "insats": "En insats och dess resultat",
    "fokusomrade": "Ett fokusområde",
}

# Rapportera: a report's status for its reporter (ostan_dash.store.reports.STATUSES).
REPORT_STATUS = {
    "mottagen": "Mottagen",
    "behandlad": "Behandlad",
    "problembild": "Ingår i problembild",
    "insats": "Ingår i insats",
}
REPORT_STATUS_HELP = (
    "**Mottagen:** rapporten är sparad och räknas i kartor och lägesbilder. "
    "**Behandlad:** en lägesbild som täcker händelsens datum har publicerats efter att du "
    "skickade rapporten. **Ingår i problembild / insats:** rapporten hör till underlaget för en "
    "problembild eller en insats (samma slags händelse, plats och tid)."
)
REPORT_DUPLICATE_CANCELLED = (
    "Rapporten skickades inte. Du kan ändra uppgifterna och skicka igen, eller se den tidigare "
    "rapporten under Mina rapporter."
)

# Lägesbilder: sending a published version to its kind's distribution list (issue 11).
SEND_TITLE = "Skicka till sändlistan"
SEND_BUTTON = "Skicka till sändlistan"
SEND_RECIPIENTS = "Sändlistan för {slag} ({antal}): {adresser}"
SEND_LIST_EMPTY = (
    "Sändlistan för {slag} är tom. En administratör lägger till adresser under fliken *Sändlistor*."
)
SEND_NO_PDF = "Den här versionen har ingen sparad PDF och kan inte skickas."
SEND_ALREADY = (
    "Versionen är redan skickad till {antal}. Skickar du igen får alla på listan den en gång till."
)
SEND_DONE = "Skickat till {antal} av {av} mottagare."
SEND_PARTLY = "Skickat till {antal} av {av} mottagare. Misslyckades: {fel}"
SEND_LOG_TITLE = "Utskick av den här versionen"
SEND_LOG_EMPTY = "Versionen har inte skickats än."
SEND_LOG_OK = "Skickat till {mottagare} av {av} den {datum} kl. {tid}"
SEND_LOG_FAILED = "Misslyckades till {mottagare} av {av} den {datum} kl. {tid}: {orsak}"
LISTS_TAB = "Sändlistor"
LISTS_INTRO = (
    "Vem som får lägesbilderna när en analytiker trycker *Skicka till sändlistan* i arkivet. "
    "En adress per rad (kommatecken och semikolon går också). Listorna gäller varje "
    "publicerad version av sitt slag; alla mottagare får var sitt e-brev med PDF:en bifogad "
    "och ser inte varandras adresser."
)
LISTS_LABELS = {
    "vecka": "Veckolägesbilder",
    "kvartal": "Kvartalsanalyser",
    "ar": "Årsanalyser",
}
LISTS_SAVE = "Spara sändlistorna"
LISTS_BAD = "{lista}: {fel}"
LISTS_NOTHING_SAVED = "Ingenting sparades. Rätta adresserna ovan och spara igen."
LISTS_SAVED = "Sändlistorna är sparade ({andring})."
LISTS_UNCHANGED = "Sändlistorna är oförändrade."
LISTS_FAILED = "Sändlistorna kunde inte sparas. Felet är sparat i serverns logg."
