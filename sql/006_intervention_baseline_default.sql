-- 006: new interventions compare with the same calendar period a year earlier (issue 9, part 5).
-- The period just before the start is when the problem had peaked (it was picked because of that
-- peak), so a fall against it is partly regression to the mean. The choice stays with the analyst;
-- only the default changes, and existing interventions keep the baseline their SMART goal names.
ALTER TABLE interventions ALTER COLUMN baseline SET DEFAULT 'samma_period_forra_aret';
COMMENT ON COLUMN interventions.baseline IS
    'jämförelseperiod för SMART-mål och utvärdering: samma_period_forra_aret (förval) eller '
    'foregaende_period (varnar för regression mot medelvärdet när den överlappar urvalsveckorna)';
