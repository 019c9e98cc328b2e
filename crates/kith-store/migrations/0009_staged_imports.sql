-- Uploaded files waiting for the user to confirm their import (the web app's preview). Kept
-- in the database so a restart between the preview and the confirmation loses nothing, and
-- so waiting files do not sit in the server's memory. Not part of backups; the newest few are
-- kept (`sql::imports::STAGED_KEPT`).
CREATE TABLE staged_imports (
    token        {KEY} PRIMARY KEY,
    file_name    TEXT NOT NULL,
    format       TEXT NOT NULL,
    content      {BLOB} NOT NULL,
    add_unknown  BIGINT NOT NULL,
    skip_invalid BIGINT NOT NULL,
    staged_at    BIGINT NOT NULL
);
CREATE INDEX staged_imports_staged_at ON staged_imports(staged_at);
