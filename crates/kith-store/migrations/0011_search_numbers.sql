-- Kith schema v11: a posting names its contact by the number of the contact's search document,
-- not by the contact's 36-character id. The postings shrink to a third (a bulk import writes
-- more than ten per contact, so they were the largest table), and their key compares integers.
-- A document maps its number to its contact. The rows are copied over, numbered in id order.
ALTER TABLE search_postings RENAME TO search_postings_v10;
ALTER TABLE search_documents RENAME TO search_documents_v10;
CREATE TABLE search_documents (
    num        {INT_KEY},
    contact_id TEXT NOT NULL,
    words      TEXT NOT NULL
);
INSERT INTO search_documents (num, contact_id, words)
    SELECT row_number() OVER (ORDER BY contact_id), contact_id, words FROM search_documents_v10;
CREATE UNIQUE INDEX search_documents_contact ON search_documents(contact_id);
CREATE TABLE search_postings (
    word   {KEY} NOT NULL,
    num    BIGINT NOT NULL,
    weight BIGINT NOT NULL,
    PRIMARY KEY (word, num)
) {WITHOUT_ROWID};
INSERT INTO search_postings (word, num, weight)
    SELECT p.word, d.num, p.weight FROM search_postings_v10 p
    JOIN search_documents d ON d.contact_id = p.contact_id;
DROP TABLE search_postings_v10;
DROP TABLE search_documents_v10;
