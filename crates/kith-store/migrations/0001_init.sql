-- Kith schema v1. One template for both backends: {KEY} is a text column compared by bytes
-- (plain TEXT on SQLite, TEXT COLLATE "C" on PostgreSQL) so prefix range scans agree.
-- {WITHOUT_ROWID} marks tables keyed by their primary key alone (SQLite stores them as one
-- B-tree instead of two; PostgreSQL has no such option).
-- Trash indexes are partial (only trashed rows): small, and never mistaken by a planner for a
-- way to find live rows.
-- Times are microseconds since the Unix epoch (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE trash (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    label       TEXT NOT NULL,
    label_key   {KEY} NOT NULL,
    linked      BIGINT NOT NULL,
    deleted_at  BIGINT NOT NULL
);

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    {KEY} NOT NULL,
    domain      {KEY},
    industry    TEXT,
    size        TEXT,
    location    TEXT,
    notes       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX organizations_live_name ON organizations(name_key) WHERE trash_id IS NULL;
CREATE INDEX organizations_domain ON organizations(domain);
CREATE INDEX organizations_trash ON organizations(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE organization_tags (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    tag             {KEY} NOT NULL,
    PRIMARY KEY (organization_id, tag)
) {WITHOUT_ROWID};
CREATE INDEX organization_tags_tag ON organization_tags(tag);

CREATE TABLE contacts (
    id                  TEXT PRIMARY KEY,
    display_name        TEXT NOT NULL,
    name_key            {KEY} NOT NULL,
    given_name          TEXT,
    family_name         TEXT,
    nickname            TEXT,
    addresses           TEXT NOT NULL,
    birthday_year       BIGINT,
    birthday_month      BIGINT,
    birthday_day        BIGINT,
    location            TEXT,
    how_met             TEXT,
    first_met           TEXT,
    notes               TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    trash_id            TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX contacts_name ON contacts(name_key);
CREATE INDEX contacts_created ON contacts(created_at);
CREATE INDEX contacts_trash ON contacts(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE contact_emails (
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    address     TEXT NOT NULL,
    address_key {KEY} NOT NULL,
    label       TEXT,
    PRIMARY KEY (contact_id, position)
) {WITHOUT_ROWID};
CREATE INDEX contact_emails_key ON contact_emails(address_key);

CREATE TABLE contact_phones (
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    number      TEXT NOT NULL,
    normalized  {KEY} NOT NULL,
    label       TEXT,
    PRIMARY KEY (contact_id, position)
) {WITHOUT_ROWID};
CREATE INDEX contact_phones_normalized ON contact_phones(normalized);

CREATE TABLE contact_links (
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    url         {KEY} NOT NULL,
    kind        TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
) {WITHOUT_ROWID};
CREATE INDEX contact_links_url ON contact_links(url);

CREATE TABLE contact_tags (
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag         {KEY} NOT NULL,
    PRIMARY KEY (contact_id, tag)
) {WITHOUT_ROWID};
CREATE INDEX contact_tags_tag ON contact_tags(tag);

CREATE TABLE employment (
    contact_id      TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title           TEXT,
    start_date      TEXT,
    end_date        TEXT,
    PRIMARY KEY (contact_id, position)
) {WITHOUT_ROWID};
CREATE INDEX employment_organization ON employment(organization_id);

CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX notes_contact ON notes(contact_id, created_at);
CREATE INDEX notes_trash ON notes(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE interactions (
    id          TEXT PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    direction   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    notes       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
) {WITHOUT_ROWID};
CREATE INDEX interactions_occurred ON interactions(occurred_at);
CREATE INDEX interactions_trash ON interactions(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE interaction_participants (
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    contact_id     TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (interaction_id, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX interaction_participants_contact ON interaction_participants(contact_id, interaction_id);

-- Search index: see kith_core::search.
CREATE TABLE search_words (
    word {KEY} PRIMARY KEY
) {WITHOUT_ROWID};
CREATE TABLE search_variants (
    variant {KEY} NOT NULL,
    word    {KEY} NOT NULL,
    PRIMARY KEY (variant, word)
) {WITHOUT_ROWID};
CREATE TABLE search_postings (
    word       {KEY} NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    weight     BIGINT NOT NULL,
    PRIMARY KEY (word, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX search_postings_contact ON search_postings(contact_id);
