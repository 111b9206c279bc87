-- 031 (issue 10): the number of residents under 18 may be unknown. SCB's population per
-- municipality (kommun_kod, population) has no age, and SCB's 5-year age bands split at 20,
-- not 18 (the 15-19 band straddles 18): such files import with population_under18 and
-- pct_under18 NULL ("uppgift saknas"), never 0 and never a guess. The CHECKs stay: a known
-- count is at least 0 and at most the population.
ALTER TABLE area_indicators ALTER COLUMN population_under18 DROP NOT NULL;
COMMENT ON COLUMN area_indicators.population_under18 IS
    'invånare 0–17 år; NULL = uppgift saknas (t.ex. SCB:s femårsklasser, som delar vid 20 år) (031)';
