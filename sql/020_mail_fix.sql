-- 020: fixes to 016 (sändlistor och utskickslogg), found when the sending was built.
--
-- 1. The web login before it knows the user (ostan_web) could read every address on the
--    distribution lists and the whole send log: personal data it never needs (every read of
--    these tables runs acting for an analyst or admin). Reading is for analysts and admins only.
-- 2. The log is evidence of what was sent to whom: an analyst could write any sent_at (backdate
--    a send) and a failed row without its reason. Only what the sender knows is insertable; when
--    and by whom are the database's (the defaults, checked by the policy as before).
-- 3. An admin could attribute a list entry to someone else (added_by, added_at): the same.
-- 4. 'Anna@Ostan.se' and 'anna@ostan.se' were two entries on one list (one person, two mails):
--    addresses are unique per kind regardless of case (the first entry is kept).
REVOKE SELECT ON mail_recipients, mail_log FROM ostan_web;

REVOKE INSERT ON mail_log FROM ostan_analytiker, ostan_admin;
GRANT INSERT (version_id, recipient, ok, error) ON mail_log TO ostan_analytiker, ostan_admin;
ALTER TABLE mail_log ADD CONSTRAINT mail_log_failure_has_reason
    CHECK (ok OR length(trim(coalesce(error, ''))) > 0);
ALTER TABLE mail_log ADD CONSTRAINT mail_log_recipient_address
    CHECK (recipient ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(recipient) <= 254);

REVOKE INSERT, UPDATE ON mail_recipients FROM ostan_admin;
GRANT INSERT (kind, address), UPDATE (kind, address) ON mail_recipients TO ostan_admin;
ALTER TABLE mail_recipients ADD CONSTRAINT mail_recipients_address_length
    CHECK (length(address) <= 254);

DELETE FROM mail_recipients r
USING mail_recipients first
WHERE first.kind = r.kind AND lower(first.address) = lower(r.address) AND first.id < r.id;
CREATE UNIQUE INDEX IF NOT EXISTS mail_recipients_kind_address_ci
    ON mail_recipients (kind, lower(address));
