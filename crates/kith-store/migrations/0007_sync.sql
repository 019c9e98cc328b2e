-- Kith schema v7: address-book sync (CardDAV). Every change to a contact bumps one revision
-- counter and stamps the contact's card with it: the card's ETag, and what a sync token
-- counts. Rows outlive their contact (no foreign key), so deletions stay visible as
-- tombstones.

-- One row. `epoch` changes when a backup is restored, which invalidates every sync token.
CREATE TABLE sync_state (
    id        BIGINT PRIMARY KEY,
    revision  BIGINT NOT NULL,
    epoch     TEXT NOT NULL
);
INSERT INTO sync_state (id, revision, epoch) VALUES (1, 1, '{NEW_ID}');

-- A card in the address book, by the name (href) it is served under: a contact's card
-- (`contact_id`), or a group card kept as written (`contact_id` NULL, `uid`, `deleted`).
-- `raw` is the card exactly as a client last wrote it; it is served while `raw_revision`
-- equals `revision`, that is until Kith itself changes the contact.
CREATE TABLE dav_cards (
    href          {KEY} PRIMARY KEY,
    contact_id    TEXT,
    uid           {KEY},
    revision      BIGINT NOT NULL,
    deleted       BIGINT NOT NULL,
    raw           TEXT,
    raw_revision  BIGINT
);
CREATE UNIQUE INDEX dav_cards_contact ON dav_cards(contact_id);
CREATE INDEX dav_cards_revision ON dav_cards(revision);
CREATE INDEX dav_cards_uid ON dav_cards(uid) WHERE uid IS NOT NULL;
-- A client's new card must not reuse a UID another card has.
CREATE INDEX contact_cards_uid ON contact_cards(uid);

INSERT INTO dav_cards (href, contact_id, uid, revision, deleted)
    SELECT id || '.vcf', id, NULL, 1, 0 FROM contacts;
