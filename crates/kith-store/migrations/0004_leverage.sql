-- Kith schema v4: relationship roles, who-knows-whom connections, opportunities (with stage
-- history and contacts) and collaborations.

CREATE TABLE contact_roles (
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    role       {KEY} NOT NULL,
    PRIMARY KEY (contact_id, role)
) {WITHOUT_ROWID};
CREATE INDEX contact_roles_role ON contact_roles(role);

-- A pair is stored once, a < b.
CREATE TABLE connections (
    id          TEXT PRIMARY KEY,
    a           TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    b           TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    strength    {FLOAT},
    since       TEXT,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX connections_live_pair ON connections(a, b) WHERE trash_id IS NULL;
CREATE INDEX connections_b ON connections(b);
CREATE INDEX connections_trash ON connections(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE opportunities (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    title_key       {KEY} NOT NULL,
    kind            TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations(id) ON DELETE SET NULL,
    stage           TEXT NOT NULL,
    next_step       TEXT,
    next_step_due   TEXT,
    notes           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    trash_id        TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX opportunities_title ON opportunities(title_key);
CREATE INDEX opportunities_next ON opportunities(next_step_due) WHERE next_step_due IS NOT NULL;
CREATE INDEX opportunities_organization ON opportunities(organization_id);
CREATE INDEX opportunities_trash ON opportunities(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE opportunity_stages (
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    stage          TEXT NOT NULL,
    entered_on     TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, position)
) {WITHOUT_ROWID};

CREATE TABLE opportunity_contacts (
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    contact_id     TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    role           TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX opportunity_contacts_contact ON opportunity_contacts(contact_id, opportunity_id);

CREATE TABLE collaborations (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    title_key   {KEY} NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_on  TEXT,
    ended_on    TEXT,
    outcome     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    trash_id    TEXT REFERENCES trash(id) ON DELETE CASCADE
);
CREATE INDEX collaborations_title ON collaborations(title_key);
CREATE INDEX collaborations_trash ON collaborations(trash_id) WHERE trash_id IS NOT NULL;

CREATE TABLE collaboration_participants (
    collaboration_id TEXT NOT NULL REFERENCES collaborations(id) ON DELETE CASCADE,
    contact_id       TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    PRIMARY KEY (collaboration_id, contact_id)
) {WITHOUT_ROWID};
CREATE INDEX collaboration_participants_contact ON collaboration_participants(contact_id);
