-- 001: the whole EST domain. SWEREF 99 TM (EPSG:3006) for every geometry, timestamptz for every instant.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Organisations and people -------------------------------------------------------------------
CREATE TABLE organisations (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind        text NOT NULL CHECK (kind IN ('kommun', 'polis', 'bostadsbolag', 'raddningstjanst',
                                              'naringsliv', 'skola', 'ovrig'))
);

CREATE TABLE users (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,64}$'),
    display_name    text NOT NULL,
    password_hash   text NOT NULL CHECK (password_hash LIKE '$2%'),  -- bcrypt only, never plaintext
    role            text NOT NULL CHECK (role IN ('admin', 'analytiker', 'rapportor', 'lasare')),
    organisation_id integer NOT NULL REFERENCES organisations(id),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);

-- Server-side sessions: the login cookie only carries a random session id, so logout and an
-- admin can revoke it (streamlit-authenticator cannot; see shared/notes/login.md).
CREATE TABLE user_sessions (
    id           text PRIMARY KEY CHECK (length(id) >= 32),
    user_id      integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    success   boolean NOT NULL
);
CREATE INDEX login_attempts_user_at_idx ON login_attempts (username, at);

-- Geography ------------------------------------------------------------------------------------
CREATE TABLE areas (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL UNIQUE,
    kind        text NOT NULL CHECK (kind IN ('centrum', 'resecentrum', 'flerbostadsomrade',
                                              'blandat', 'villaomrade', 'by', 'verksamhetsomrade')),
    population  integer NOT NULL CHECK (population >= 0),
    geom        geometry(MultiPolygon, 3006) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX areas_geom_idx ON areas USING gist (geom);

-- The area a point lies in: the database decides, not the client.
CREATE FUNCTION area_of(p geometry) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT a.id FROM areas a WHERE p IS NOT NULL AND ST_Intersects(a.geom, p) ORDER BY a.id LIMIT 1
$$;

CREATE TABLE places (
    id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('skola', 'forskola', 'centrum', 'resecentrum', 'vard',
                                            'aldreboende', 'polisstation', 'kopcentrum', 'fritidsgard',
                                            'idrottsplats', 'park', 'busshallplats', 'annan')),
    critical  boolean NOT NULL DEFAULT false,
    geom      geometry(Point, 3006) NOT NULL,
    area_id   integer REFERENCES areas(id),
    UNIQUE (name, kind)
);
CREATE INDEX places_geom_idx ON places USING gist (geom);

-- Controlled vocabulary of EST reports (DOMAIN.md); foreign keys make the database enforce it.
CREATE TABLE est_categories (
    key    text PRIMARY KEY,
    label  text NOT NULL,
    sort   integer NOT NULL
);
CREATE TABLE est_subtypes (
    category  text NOT NULL REFERENCES est_categories(key),
    key       text NOT NULL,
    label     text NOT NULL,
    sort      integer NOT NULL,
    PRIMARY KEY (category, key)
);
CREATE TABLE est_object_types (
    key    text PRIMARY KEY,
    label  text NOT NULL,
    sort   integer NOT NULL
);

-- Imports are recorded; rows written by an import point back at it.
CREATE TABLE imports (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('polisbrott', 'omraden', 'indikatorer', 'enkat',
                                               'platser', 'rapporter', 'demo')),
    file_name    text NOT NULL,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows_read    integer NOT NULL CHECK (rows_read >= 0),
    rows_written integer NOT NULL CHECK (rows_written >= 0),
    imported_by  integer REFERENCES users(id),
    imported_at  timestamptz NOT NULL DEFAULT now()
);

-- EST incident reports -------------------------------------------------------------------------
CREATE TABLE incidents (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category        text NOT NULL REFERENCES est_categories(key),
    subtype         text NOT NULL,
    object_type     text REFERENCES est_object_types(key),
    persons_count   integer CHECK (persons_count BETWEEN 1 AND 1000),
    occurred_from   timestamptz NOT NULL,
    occurred_to     timestamptz NOT NULL,
    geom            geometry(Point, 3006) NOT NULL,
    area_id         integer REFERENCES areas(id),
    organisation_id integer NOT NULL REFERENCES organisations(id),
    reported_by     integer REFERENCES users(id),
    description     text CHECK (length(description) <= 2000),
    client_token    uuid UNIQUE,              -- idempotent submission from a phone
    import_id       integer REFERENCES imports(id),
    external_id     text,                     -- id in another system, for re-import without duplicates
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (category, subtype) REFERENCES est_subtypes(category, key),
    CHECK (occurred_from <= occurred_to),
    CHECK (occurred_to - occurred_from <= interval '31 days'),
    CHECK (object_type IS NULL OR category = 'skadegorelse'),
    CHECK (persons_count IS NULL OR category = 'otrygg_samling'),
    UNIQUE (organisation_id, external_id)
);
CREATE INDEX incidents_occurred_idx ON incidents (occurred_from);
CREATE INDEX incidents_category_idx ON incidents (category, occurred_from);
CREATE INDEX incidents_area_idx ON incidents (area_id, occurred_from);
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
CREATE INDEX incidents_reported_by_idx ON incidents (reported_by, created_at);

-- Police-reported crimes (polisanmälda brott), delivered weekly -------------------------------
CREATE TABLE police_crimes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id    text NOT NULL UNIQUE,      -- the police's own number: re-import adds nothing
    crime_type     text NOT NULL CHECK (length(trim(crime_type)) > 0),
    crime_group    text NOT NULL CHECK (crime_group IN ('vald', 'hot', 'inbrott', 'stold',
                                                        'skadegorelse', 'narkotika', 'rån',
                                                        'trafik', 'ovrigt')),
    occurred_from  timestamptz NOT NULL,
    occurred_to    timestamptz NOT NULL,
    geom           geometry(Point, 3006),
    area_id        integer REFERENCES areas(id),
    import_id      integer REFERENCES imports(id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (occurred_from <= occurred_to),
    CHECK (geom IS NOT NULL OR area_id IS NOT NULL)
);
CREATE INDEX police_crimes_occurred_idx ON police_crimes (occurred_from);
CREATE INDEX police_crimes_area_idx ON police_crimes (area_id, occurred_from);
CREATE INDEX police_crimes_geom_idx ON police_crimes USING gist (geom);

-- Derive the area from the point; keep updated_at honest.
CREATE FUNCTION set_area_from_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.geom IS NOT NULL THEN
        NEW.area_id := area_of(NEW.geom);
    END IF;
    IF TG_TABLE_NAME = 'incidents' AND TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER incidents_area BEFORE INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION set_area_from_point();
CREATE TRIGGER police_crimes_area BEFORE INSERT OR UPDATE OF geom ON police_crimes
    FOR EACH ROW EXECUTE FUNCTION set_area_from_point();
CREATE TRIGGER places_area BEFORE INSERT OR UPDATE OF geom ON places
    FOR EACH ROW EXECUTE FUNCTION set_area_from_point();

-- Yearly area indicators: the six area criteria (DOMAIN.md "Prioritising areas") -------------
CREATE TABLE area_indicators (
    area_id                integer NOT NULL REFERENCES areas(id),
    year                   integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    population             integer NOT NULL CHECK (population >= 0),
    population_under18     integer NOT NULL CHECK (population_under18 >= 0),
    pct_unsafe             numeric(5, 2) CHECK (pct_unsafe BETWEEN 0 AND 100),          -- 1
    pct_not_working        numeric(5, 2) CHECK (pct_not_working BETWEEN 0 AND 100),     -- 2
    pct_low_education      numeric(5, 2) CHECK (pct_low_education BETWEEN 0 AND 100),   -- 3
    pct_no_final_grades    numeric(5, 2) CHECK (pct_no_final_grades BETWEEN 0 AND 100), -- 3
    pct_under18            numeric(5, 2) CHECK (pct_under18 BETWEEN 0 AND 100),         -- 4
    pct_non_voters         numeric(5, 2) CHECK (pct_non_voters BETWEEN 0 AND 100),      -- 5
    organised_crime        boolean NOT NULL DEFAULT false,                              -- 6
    import_id              integer REFERENCES imports(id),
    PRIMARY KEY (area_id, year),
    CHECK (population_under18 <= population)
);

-- The citizens' safety survey, one row per respondent (no personal data) ----------------------
CREATE TABLE survey_responses (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year              integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    area_id           integer NOT NULL REFERENCES areas(id),
    weight            double precision NOT NULL CHECK (weight > 0),
    unsafe_evening    boolean,   -- otrygg utomhus i området en sen kväll
    worried_crime     boolean,   -- oroar sig för brottsligheten
    avoids_going_out  boolean,   -- avstår från att gå ut
    victim            boolean,   -- utsatt för brott senaste året
    import_id         integer REFERENCES imports(id),
    respondent_ref    text,      -- the survey's own anonymous row id, for re-import
    UNIQUE (year, respondent_ref)
);
CREATE INDEX survey_year_area_idx ON survey_responses (year, area_id);

-- Problem pictures, criteria and cause analysis ------------------------------------------------
CREATE TABLE problem_pictures (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title          text NOT NULL CHECK (length(trim(title)) > 0),
    description    text,
    categories     text[] NOT NULL DEFAULT '{}',
    subtypes       text[] NOT NULL DEFAULT '{}',
    area_ids       integer[] NOT NULL DEFAULT '{}',
    geom           geometry(MultiPolygon, 3006),
    weekdays       integer[] NOT NULL DEFAULT '{}' CHECK (weekdays <@ ARRAY[1,2,3,4,5,6,7]),
    hour_from      integer CHECK (hour_from BETWEEN 0 AND 23),
    hour_to        integer CHECK (hour_to BETWEEN 0 AND 23),
    period_from    date,
    period_to      date,
    status         text NOT NULL DEFAULT 'oppen' CHECK (status IN ('oppen', 'atgardas', 'avslutad', 'overlamnad')),
    owner_org_id   integer REFERENCES organisations(id),
    created_by     integer REFERENCES users(id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (period_from IS NULL OR period_to IS NULL OR period_from <= period_to)
);

-- One row per criterion 1–6: what the data proposes and what the analyst decided.
CREATE TABLE problem_criteria (
    problem_id     integer NOT NULL REFERENCES problem_pictures(id) ON DELETE CASCADE,
    criterion      integer NOT NULL CHECK (criterion BETWEEN 1 AND 6),
    proposed       boolean,
    proposed_basis text,
    met            boolean,
    justification  text,
    decided_by     integer REFERENCES users(id),
    decided_at     timestamptz,
    PRIMARY KEY (problem_id, criterion)
);

CREATE TABLE knowledge_sources (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      text NOT NULL UNIQUE,
    publisher  text NOT NULL,
    year       integer,
    url        text,
    summary    text
);

CREATE TABLE intervention_types (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    kind            text NOT NULL CHECK (kind IN ('situationell', 'social')),
    evidence        text NOT NULL CHECK (evidence IN ('stark', 'mattlig', 'svag', 'oklar')),
    source_id       integer REFERENCES knowledge_sources(id),
    description     text
);

CREATE TABLE cause_analyses (
    problem_id     integer PRIMARY KEY REFERENCES problem_pictures(id) ON DELETE CASCADE,
    known_facts    text,
    hypotheses     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(hypotheses) = 'array'),
    evidence_ids   integer[] NOT NULL DEFAULT '{}',
    conclusion     text,
    updated_by     integer REFERENCES users(id),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Interventions and their implementation log -------------------------------------------------
CREATE TABLE interventions (
    id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title                text NOT NULL CHECK (length(trim(title)) > 0),
    description          text,
    kind                 text NOT NULL CHECK (kind IN ('situationell', 'social')),
    intervention_type_id integer REFERENCES intervention_types(id),
    problem_id           integer REFERENCES problem_pictures(id),
    cause_hypothesis     text,
    categories           text[] NOT NULL DEFAULT '{}',   -- which incidents the goal counts
    police_groups        text[] NOT NULL DEFAULT '{}',
    target_area_ids      integer[] NOT NULL DEFAULT '{}',
    target_geom          geometry(MultiPolygon, 3006),
    control_area_ids     integer[] NOT NULL DEFAULT '{}',
    control_geom         geometry(MultiPolygon, 3006),
    buffer_m             integer NOT NULL DEFAULT 300 CHECK (buffer_m BETWEEN 0 AND 5000),
    start_date           date NOT NULL,
    end_date             date NOT NULL,
    responsible_org_id   integer REFERENCES organisations(id),
    responsible_role     text,
    cost_sek             numeric(14, 2) CHECK (cost_sek >= 0),
    cost_of_inaction_sek numeric(14, 2) CHECK (cost_of_inaction_sek >= 0),
    expected_effect      text,
    goal_reduction_pct   numeric(5, 2) CHECK (goal_reduction_pct BETWEEN 0 AND 100),
    baseline             text NOT NULL DEFAULT 'foregaende_period'
                         CHECK (baseline IN ('foregaende_period', 'samma_period_forra_aret')),
    status               text NOT NULL DEFAULT 'planerad'
                         CHECK (status IN ('planerad', 'pagaende', 'avslutad', 'installd')),
    created_by           integer REFERENCES users(id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (start_date <= end_date),
    CHECK (target_geom IS NOT NULL OR cardinality(target_area_ids) > 0)
);

CREATE TABLE intervention_log (
    id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    intervention_id  integer NOT NULL REFERENCES interventions(id) ON DELETE CASCADE,
    entry_date       date NOT NULL,
    fidelity         text NOT NULL CHECK (fidelity IN ('enligt_plan', 'delvis', 'ej_genomford')),
    note             text,
    created_by       integer REFERENCES users(id),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intervention_log_idx ON intervention_log (intervention_id, entry_date);

-- Weekly / quarterly / annual analyses and the quarterly focus areas --------------------------
CREATE TABLE analyses (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('vecka', 'kvartal', 'ar')),
    period_start  date NOT NULL,
    period_end    date NOT NULL,
    title         text NOT NULL,
    body          text NOT NULL DEFAULT '',
    created_by    integer REFERENCES users(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, period_start),
    CHECK (period_start <= period_end)
);

CREATE TABLE focus_areas (
    quarter_start  date NOT NULL CHECK (extract(day FROM quarter_start) = 1
                                        AND extract(month FROM quarter_start) IN (1, 4, 7, 10)),
    area_id        integer NOT NULL REFERENCES areas(id),
    rank           integer NOT NULL CHECK (rank BETWEEN 1 AND 3),
    score          double precision,
    rationale      text NOT NULL CHECK (length(trim(rationale)) > 0),
    chosen_by      integer REFERENCES users(id),
    chosen_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (quarter_start, area_id),
    UNIQUE (quarter_start, rank)
);

-- Settings an analyst can change (thresholds, unit costs) ------------------------------------
CREATE TABLE settings (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    updated_by  integer REFERENCES users(id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Audit trail: who did what, when ------------------------------------------------------------
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    username   text,
    action     text NOT NULL,
    entity     text,
    entity_id  text,
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
