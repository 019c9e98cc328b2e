-- The search index is derived data: the store deletes a contact's postings itself (on edit and
-- on purge), so postings no longer check their contact on every insert (a bulk import writes
-- ten or more per contact). Same columns and keys; the rows are copied over.
DROP INDEX search_postings_contact;
ALTER TABLE search_postings RENAME TO search_postings_old;
CREATE TABLE search_postings (
    word       {KEY} NOT NULL,
    contact_id TEXT NOT NULL,
    weight     BIGINT NOT NULL,
    PRIMARY KEY (word, contact_id)
) {WITHOUT_ROWID};
INSERT INTO search_postings (word, contact_id, weight)
    SELECT word, contact_id, weight FROM search_postings_old;
DROP TABLE search_postings_old;
CREATE INDEX search_postings_contact ON search_postings(contact_id);
