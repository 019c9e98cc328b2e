-- Kith schema v6: where imported records came from, vCard properties kept verbatim, merges.

-- Every imported record by its source key (vCard UID, LinkedIn profile URL, calendar event
-- UID plus occurrence, mail thread plus day) and the hash of its content, so a re-import
-- changes nothing and a newer file updates what changed.
CREATE TABLE import_sources (
    format       TEXT NOT NULL,
    source_key   {KEY} NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    content_hash BIGINT NOT NULL,
    imported_at  BIGINT NOT NULL,
    PRIMARY KEY (format, source_key)
) {WITHOUT_ROWID};
CREATE INDEX import_sources_entity ON import_sources(entity_id);

-- The vCard a contact was imported from: its UID and the properties Kith has no field for
-- (one raw unfolded line each, newline-separated), written back on export.
CREATE TABLE contact_cards (
    contact_id  TEXT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    uid         TEXT,
    extra       TEXT NOT NULL
) {WITHOUT_ROWID};

-- Merges, newest last, with what `unmerge` needs to reverse them: the kept contact's fields
-- before the merge and every linked row that moved (JSON).
CREATE TABLE merges (
    id           TEXT PRIMARY KEY,
    kept_id      TEXT NOT NULL,
    merged_id    TEXT NOT NULL,
    trash_id     TEXT NOT NULL,
    kept_before  TEXT NOT NULL,
    moves        TEXT NOT NULL,
    merged_at    BIGINT NOT NULL,
    undone_at    BIGINT
);
CREATE INDEX merges_merged_at ON merges(merged_at);
