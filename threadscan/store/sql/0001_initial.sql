-- 0001_initial: messages, their segments and attachments, threads, skips, message FTS.
CREATE TABLE messages (
    msgid TEXT PRIMARY KEY,
    thread_id TEXT,
    author_name TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_obfuscated INTEGER NOT NULL,
    date_utc TEXT,               -- ISO 8601 in UTC, NULL when unknown
    epoch REAL,                  -- seconds since 1970 UTC, NULL when unknown
    tz_offset INTEGER,           -- original UTC offset in seconds (to restore the Message)
    subject_raw TEXT NOT NULL,
    subject_clean TEXT NOT NULL,
    subject_prefixes TEXT NOT NULL,  -- json list
    subject_version INTEGER,
    subject_index INTEGER,
    subject_total INTEGER,
    is_reply INTEGER NOT NULL,
    in_reply_to TEXT,
    refs TEXT NOT NULL,          -- json list (References, oldest first)
    list_id TEXT,
    msgid_synthetic INTEGER NOT NULL,
    defects TEXT NOT NULL,       -- json list
    prov_source TEXT NOT NULL,
    prov_kind TEXT NOT NULL,
    prov_locator TEXT NOT NULL,
    prov_url TEXT,
    prov_list_id TEXT
);
CREATE INDEX messages_thread ON messages(thread_id);
CREATE INDEX messages_epoch ON messages(epoch);
CREATE INDEX messages_list ON messages(list_id);
CREATE INDEX messages_author_email ON messages(author_email);
CREATE INDEX messages_in_reply_to ON messages(in_reply_to);

CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    msgid TEXT NOT NULL REFERENCES messages(msgid) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    depth INTEGER NOT NULL,
    speaker TEXT,
    line INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (msgid, idx)
);

CREATE TABLE attachments (
    msgid TEXT NOT NULL REFERENCES messages(msgid) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (msgid, idx)
);

CREATE TABLE threads (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    first_epoch REAL,
    last_epoch REAL,
    message_count INTEGER NOT NULL,  -- ghosts not counted
    participants TEXT NOT NULL       -- json list of display names, first-seen order
);
CREATE INDEX threads_last ON threads(last_epoch);

CREATE TABLE thread_nodes (
    thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    msgid TEXT NOT NULL,
    parent TEXT,
    ghost INTEGER NOT NULL,
    PRIMARY KEY (thread_id, pos)
);
CREATE INDEX thread_nodes_msgid ON thread_nodes(msgid);

CREATE TABLE skips (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    locator TEXT NOT NULL,
    url TEXT,
    list_id TEXT,
    reason TEXT NOT NULL,
    msgid TEXT,
    UNIQUE (source, kind, locator, reason)
);

-- Full text over the words people wrote, quoted and diffed (not footers/signatures).
CREATE VIRTUAL TABLE segments_fts USING fts5(
    text, kind UNINDEXED, content='segments', content_rowid='id',
    tokenize="unicode61 tokenchars '_'"
);
CREATE TRIGGER segments_ai AFTER INSERT ON segments
WHEN new.kind NOT IN ('footer', 'signature') BEGIN
    INSERT INTO segments_fts(rowid, text, kind) VALUES (new.id, new.text, new.kind);
END;
CREATE TRIGGER segments_ad AFTER DELETE ON segments
WHEN old.kind NOT IN ('footer', 'signature') BEGIN
    INSERT INTO segments_fts(segments_fts, rowid, text, kind)
    VALUES ('delete', old.id, old.text, old.kind);
END;
