-- 023 (issue 12): problemanalystriangeln i orsaksanalysen. Brås metod (och Eck & Clarkes
-- problem analysis triangle) beskriver ett problem genom platsen, förövaren och målet/offret,
-- och genom de tre som kan påverka var och en: platsansvarig (manager), den som kan påverka
-- förövaren (handler) och väktare/skyddare (guardian). Sex fritextfält, alla frivilliga; samma
-- skydd mot kontrolltecken och personuppgifter som övrig fritext sker i appen
-- (ostan_dash.ingest.freetext.ensure_clean). Tabellens rättigheter (003) gäller nya kolumner.
ALTER TABLE cause_analyses
    ADD COLUMN IF NOT EXISTS triangle_place         text CHECK (length(triangle_place) <= 2000),
    ADD COLUMN IF NOT EXISTS triangle_offender      text CHECK (length(triangle_offender) <= 2000),
    ADD COLUMN IF NOT EXISTS triangle_target        text CHECK (length(triangle_target) <= 2000),
    ADD COLUMN IF NOT EXISTS triangle_place_manager text
        CHECK (length(triangle_place_manager) <= 2000),
    ADD COLUMN IF NOT EXISTS triangle_handler       text CHECK (length(triangle_handler) <= 2000),
    ADD COLUMN IF NOT EXISTS triangle_guardian      text CHECK (length(triangle_guardian) <= 2000);

COMMENT ON COLUMN cause_analyses.triangle_place IS 'Problemtriangeln: platsen';
COMMENT ON COLUMN cause_analyses.triangle_offender IS 'Problemtriangeln: förövaren';
COMMENT ON COLUMN cause_analyses.triangle_target IS 'Problemtriangeln: målet eller offret';
COMMENT ON COLUMN cause_analyses.triangle_place_manager IS 'Problemtriangeln: platsansvarig';
COMMENT ON COLUMN cause_analyses.triangle_handler IS
    'Problemtriangeln: den som kan påverka förövaren';
COMMENT ON COLUMN cause_analyses.triangle_guardian IS 'Problemtriangeln: väktare eller skyddare';
