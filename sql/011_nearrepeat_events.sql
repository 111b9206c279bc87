-- 011: short-term proactive work (issue 15): the near-repeat pattern found per kind of incident
-- (it draws the risk zones around new incidents) and the calendar of planned events.

-- One row per selection (source/category/subtype): the latest significant near-repeat pattern
-- an analyst saved from Närupprepning. Risk zones are computed from it and the incidents, so a
-- new or imported incident gets its zone without anything else being written.
CREATE TABLE nearrepeat_patterns (
    selection     text PRIMARY KEY CHECK (selection ~ '^(est|polis)/[^/]+/[^/]+$'),
    source        text NOT NULL CHECK (source IN ('est', 'polis')),
    category      text NOT NULL,
    subtype       text,                              -- NULL: the whole category / crime group
    label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    distance_m    double precision NOT NULL CHECK (distance_m > 0),
    days          double precision NOT NULL CHECK (days > 0),
    metric        text NOT NULL CHECK (metric IN ('manhattan', 'euclidean')),
    ratio         double precision NOT NULL CHECK (ratio > 1),
    n_events      integer NOT NULL CHECK (n_events >= 2),
    permutations  integer NOT NULL CHECK (permutations >= 1),
    period_from   date NOT NULL,
    period_to     date NOT NULL CHECK (period_to >= period_from),
    reading       text NOT NULL,
    saved_by      integer REFERENCES users(id) ON DELETE SET NULL,
    saved_at      timestamptz NOT NULL DEFAULT now()
);

-- Planned events (särskilt evenemang, holidays, end of term). A recurring event names its
-- yearly rule (ostan_dash.analysis.events.RULES); its dates are generated for every year from
-- the rule, keeping the first occurrence's clock times and length.
CREATE TABLE events (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind           text NOT NULL CHECK (kind IN ('demonstration', 'idrottsevenemang', 'konsert',
                                                 'omradesevenemang', 'ungdomsfest',
                                                 'uthyrning_lokaler', 'hogtid', 'skollov',
                                                 'annat')),
    place_id       integer REFERENCES places(id) ON DELETE SET NULL,
    geom           geometry(Point, 3006),
    area_id        integer REFERENCES areas(id) ON DELETE SET NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL CHECK (ends_at >= starts_at),
    expected_crowd integer CHECK (expected_crowd >= 0),
    recurrence     text CHECK (recurrence IN ('valborg', 'midsommarafton', 'lucia',
                                              'nyarsafton', 'skolavslutning')),
    note           text CHECK (length(note) <= 2000),
    created_by     integer REFERENCES users(id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_starts_at_idx ON events (starts_at);
CREATE INDEX events_geom_idx ON events USING gist (geom);

GRANT SELECT ON nearrepeat_patterns, events
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT INSERT, UPDATE, DELETE ON nearrepeat_patterns, events TO ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_analytiker, ostan_admin;
