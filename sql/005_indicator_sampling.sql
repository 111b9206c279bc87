-- 005: the sample behind a survey-based area indicator (issue 9, part 4).
-- "Andel otrygga" (pct_unsafe, criterion 1) comes from a sample survey; the other shares of
-- area_indicators are register statistics with no sampling error. A change for the worse in a
-- sampled share is only flagged when it exceeds its sampling error, which needs the number of
-- answers and Kish's effective sample size behind the share. Both are nullable: unknown for
-- rows imported before, and meaningless for a row without a sampled share.
ALTER TABLE area_indicators
    ADD COLUMN IF NOT EXISTS n integer CHECK (n > 0),
    ADD COLUMN IF NOT EXISTS n_eff double precision CHECK (n_eff > 0);
-- Kish's n_eff = (Σw)² / Σw² never exceeds the number of answers (a little slack for rounding).
ALTER TABLE area_indicators ADD CONSTRAINT area_indicators_n_eff_at_most_n
    CHECK (n IS NULL OR n_eff IS NULL OR n_eff <= n + 0.01);
COMMENT ON COLUMN area_indicators.n IS
    'antal svar bakom andelen otrygga (pct_unsafe) när den kommer från en urvalsundersökning';
COMMENT ON COLUMN area_indicators.n_eff IS
    'Kishs effektiva urvalsstorlek (Σw)²/Σw² bakom andelen otrygga (pct_unsafe); '
    'null = okänd eller registeruppgift utan urvalsfel';
