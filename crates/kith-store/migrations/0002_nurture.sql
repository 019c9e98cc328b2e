-- Kith schema v2: cadences, snoozes, closeness, settings, cached interaction aggregates,
-- the reciprocity ledger and reminders. {FLOAT} is REAL on SQLite, DOUBLE PRECISION on
-- PostgreSQL.

ALTER TABLE contacts ADD COLUMN cadence_days BIGINT;
ALTER TABLE contacts ADD COLUMN snoozed_until TEXT;
ALTER TABLE contacts ADD COLUMN closeness {FLOAT};
CREATE INDEX contacts_cadence ON contacts(cadence_days) WHERE cadence_days IS NOT NULL;

CREATE TABLE tag_cadences (
    tag          {KEY} PRIMARY KEY,
    cadence_days BIGINT NOT NULL
) {WITHOUT_ROWID};

CREATE TABLE settings (
    key   {KEY} PRIMARY KEY,
    value TEXT NOT NULL
) {WITHOUT_ROWID};

-- Derived from interactions (kith_core::strength::InteractionStats); rebuilt by
-- `Store::recompute_stats`, kept current on every write.
CREATE TABLE contact_stats (
    contact_id        TEXT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    interaction_count BIGINT NOT NULL,
    first_at          BIGINT,
    last_at           BIGINT,
    decayed_at_last   {FLOAT} NOT NULL,
    outbound          BIGINT NOT NULL,
    inbound           BIGINT NOT NULL,
    mutual            BIGINT NOT NULL,
    kinds             BIGINT NOT NULL
) {WITHOUT_ROWID};

CREATE TABLE ledger_entries (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    direction   TEXT NOT NULL,
    status      TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    summary     TEXT NOT NULL,
    notes       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX ledger_entries_on ON ledger_entries(occurred_on);
CREATE INDEX ledger_entries_trash ON ledger_entries(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE ledger_participants (
    entry_id   TEXT NOT NULL REFERENCES ledger_entries(id) ON DELETE CASCADE,
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX ledger_participants_contact ON ledger_participants(contact_id, entry_id);

CREATE TABLE reminders (
    id          TEXT PRIMARY KEY,
    contact_id  TEXT REFERENCES contacts(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    yearly      BIGINT NOT NULL,
    done_on     TEXT,
    created_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX reminders_due ON reminders(due_on);
CREATE INDEX reminders_contact ON reminders(contact_id);
CREATE INDEX reminders_trash ON reminders(trash_id) WHERE trash_id IS NOT NULL;
