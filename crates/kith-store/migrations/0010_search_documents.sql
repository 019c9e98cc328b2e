-- Each contact's indexed words (space-separated; words are ASCII letters and digits), so that
-- the store deletes a contact's postings by their key (word, contact) and the postings need no
-- second index by contact: that index was as large as the postings themselves, and a bulk
-- import spent most of a second rebuilding it.
CREATE TABLE search_documents (
    contact_id {KEY} PRIMARY KEY,
    words      TEXT NOT NULL
) {WITHOUT_ROWID};
INSERT INTO search_documents (contact_id, words)
    SELECT contact_id, {LIST_AGG}(word, ' ') FROM search_postings GROUP BY contact_id;
DROP INDEX search_postings_contact;
