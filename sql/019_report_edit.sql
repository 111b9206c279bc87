-- 019: a reporter corrects their own report for 48 hours (incidents_update_own, 003): what
-- happened, when, where and the free text, nothing else. Until now ostan_rapportor held UPDATE
-- on the whole table, so a reporter could move created_at of their own row (and with it the
-- 48-hour window the policy counts from), its organisation, form token or import columns.
-- The area follows the point in the database (set_area_from_point, 001) and so does
-- updated_at: a BEFORE trigger writes them, which needs no column privilege of the reporter.
REVOKE UPDATE ON incidents FROM ostan_rapportor;
GRANT UPDATE (category, subtype, object_type, persons_count, occurred_from, occurred_to, geom,
              description)
    ON incidents TO ostan_rapportor;
