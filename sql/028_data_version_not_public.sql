-- 028: the public page's role reads public_items and nothing else (sql/017). 024 also let it
-- read data_version, which the public page does not use (its cache is keyed by what is
-- published, store.public.version) and which would tell an anonymous visitor how often the
-- municipality's data changes.
REVOKE SELECT ON data_version FROM ostan_offentlig;
