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
