-- Kith schema v3: events and who was there (and first met there), communities, members and
-- the user's contributions, networking goals.

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        {KEY} NOT NULL,
    kind            TEXT NOT NULL,
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    location        TEXT,
    url             TEXT,
    organizer_id    TEXT REFERENCES organizations(id) ON DELETE SET NULL,
    my_role         TEXT NOT NULL,
    follow_up_days  BIGINT NOT NULL,
    notes           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    trash_id        TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX events_starts ON events(starts_on);
CREATE INDEX events_name ON events(name_key);
CREATE INDEX events_trash ON events(trash_id) WHERE trash_id IS NOT NULL;

-- met_here: the user first met the contact at this event (at most one such event per contact).
CREATE TABLE event_attendees (
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    met_here    BIGINT NOT NULL,
    PRIMARY KEY (event_id, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX event_attendees_contact ON event_attendees(contact_id, event_id);
CREATE UNIQUE INDEX event_attendees_met_once ON event_attendees(contact_id) WHERE met_here = 1;

CREATE TABLE communities (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    {KEY} NOT NULL,
    kind        TEXT NOT NULL,
    url         TEXT,
    my_role     TEXT NOT NULL,
    since       TEXT,
    renews_on   TEXT,
    notes       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX communities_live_name ON communities(name_key) WHERE trash_id IS NULL;
CREATE INDEX communities_trash ON communities(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE community_members (
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    contact_id   TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (community_id, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX community_members_contact ON community_members(contact_id, community_id);

CREATE TABLE contributions (
    id           TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    occurred_on  TEXT NOT NULL,
    title        TEXT NOT NULL,
    url          TEXT,
    created_at   BIGINT NOT NULL,
    trash_id     TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX contributions_community ON contributions(community_id, occurred_on);
CREATE INDEX contributions_on ON contributions(occurred_on);
CREATE INDEX contributions_trash ON contributions(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE goals (
    id          TEXT PRIMARY KEY,
    metric      TEXT NOT NULL,
    target      BIGINT NOT NULL,
    period      TEXT NOT NULL,
    tag         TEXT,
    kind        TEXT,
    created_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX goals_trash ON goals(trash_id) WHERE trash_id IS NOT NULL;
