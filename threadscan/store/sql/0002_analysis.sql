-- 0002_analysis: per-thread analysis (patches, hunks, locks, order, objections, approvals).
CREATE TABLE analyses (
    thread_id TEXT PRIMARY KEY,
    patch_author TEXT            -- email of the first author of a non-quoted patch (or root)
);

CREATE TABLE patches (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    msgid TEXT NOT NULL,
    quoted INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    series TEXT,
    version INTEGER,
    idx INTEGER,
    total INTEGER,
    defects TEXT NOT NULL,       -- json list
    files TEXT NOT NULL          -- json: FileDiff -> Hunk -> DiffLine
);
CREATE INDEX patches_thread ON patches(thread_id);
CREATE INDEX patches_msgid ON patches(msgid);

-- One row per hunk of a non-quoted patch, for the dfn/dfhh/dfa/dfb filters.
CREATE TABLE hunks (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    hunk_id TEXT NOT NULL,
    msgid TEXT NOT NULL,
    file TEXT NOT NULL,
    file_tail TEXT NOT NULL,     -- last path component
    function TEXT,
    removed TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX hunks_thread ON hunks(thread_id);
CREATE INDEX hunks_hunk_id ON hunks(hunk_id);
CREATE INDEX hunks_msgid ON hunks(msgid);
CREATE INDEX hunks_file_tail ON hunks(file_tail);
CREATE INDEX hunks_function ON hunks(function);
CREATE VIRTUAL TABLE hunks_fts USING fts5(
    removed, added, content='hunks', content_rowid='id',
    tokenize="unicode61 tokenchars '_'"
);
CREATE TRIGGER hunks_ai AFTER INSERT ON hunks BEGIN
    INSERT INTO hunks_fts(rowid, removed, added) VALUES (new.id, new.removed, new.added);
END;
CREATE TRIGGER hunks_ad AFTER DELETE ON hunks BEGIN
    INSERT INTO hunks_fts(hunks_fts, rowid, removed, added)
    VALUES ('delete', old.id, old.removed, old.added);
END;

CREATE TABLE lock_ops (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    msgid TEXT NOT NULL, file TEXT NOT NULL, function TEXT, sign TEXT NOT NULL,
    role TEXT NOT NULL, primitive TEXT NOT NULL, family TEXT NOT NULL,
    lock TEXT NOT NULL, lock_tail TEXT NOT NULL, hunk_id TEXT NOT NULL,
    old_no INTEGER, new_no INTEGER, text TEXT NOT NULL, mode TEXT NOT NULL,
    ctx TEXT NOT NULL, sleeps TEXT NOT NULL, via TEXT NOT NULL
);
CREATE INDEX lock_ops_thread ON lock_ops(thread_id);
CREATE INDEX lock_ops_tail ON lock_ops(lock_tail);
CREATE INDEX lock_ops_msgid ON lock_ops(msgid);

CREATE TABLE lock_changes (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    msgid TEXT NOT NULL, file TEXT NOT NULL, file_tail TEXT NOT NULL, function TEXT,
    kind TEXT NOT NULL, lock TEXT NOT NULL, lock_tail TEXT NOT NULL,
    primitive TEXT NOT NULL, sign TEXT NOT NULL, role TEXT NOT NULL,
    detail TEXT NOT NULL, hunk_ids TEXT NOT NULL  -- json list
);
CREATE INDEX lock_changes_thread ON lock_changes(thread_id);
CREATE INDEX lock_changes_tail ON lock_changes(lock_tail);
CREATE INDEX lock_changes_msgid ON lock_changes(msgid);
CREATE INDEX lock_changes_function ON lock_changes(function);
CREATE INDEX lock_changes_file_tail ON lock_changes(file_tail);

CREATE TABLE lock_order (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    outer_lock TEXT NOT NULL, inner_lock TEXT NOT NULL,
    outer_tail TEXT NOT NULL, inner_tail TEXT NOT NULL,
    origin TEXT NOT NULL, msgid TEXT NOT NULL, function TEXT,
    trylock INTEGER NOT NULL, change TEXT NOT NULL, evidence TEXT NOT NULL
);
CREATE INDEX lock_order_thread ON lock_order(thread_id);
CREATE INDEX lock_order_pair ON lock_order(outer_lock, inner_lock);

CREATE TABLE objections (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    msgid TEXT NOT NULL, speaker TEXT, sentence TEXT NOT NULL, stance TEXT NOT NULL,
    categories TEXT NOT NULL,  -- json list (also rows in objection_categories)
    fired TEXT NOT NULL, quoted INTEGER NOT NULL, depth INTEGER NOT NULL,
    seen_in TEXT NOT NULL, confidence REAL NOT NULL
);
CREATE INDEX objections_thread ON objections(thread_id);
CREATE INDEX objections_msgid ON objections(msgid);
CREATE INDEX objections_stance ON objections(stance);
CREATE INDEX objections_speaker ON objections(speaker);

CREATE TABLE objection_categories (
    objection_id INTEGER NOT NULL REFERENCES objections(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (objection_id, category)
);
CREATE INDEX objection_categories_cat ON objection_categories(category);

CREATE TABLE objection_links (
    objection_id INTEGER NOT NULL REFERENCES objections(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL, target TEXT NOT NULL, target_tail TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (objection_id, idx)
);
CREATE INDEX objection_links_tail ON objection_links(kind, target_tail);

CREATE VIRTUAL TABLE objections_fts USING fts5(
    sentence, content='objections', content_rowid='id',
    tokenize="unicode61 tokenchars '_'"
);
CREATE TRIGGER objections_ai AFTER INSERT ON objections BEGIN
    INSERT INTO objections_fts(rowid, sentence) VALUES (new.id, new.sentence);
END;
CREATE TRIGGER objections_ad AFTER DELETE ON objections BEGIN
    INSERT INTO objections_fts(objections_fts, rowid, sentence)
    VALUES ('delete', old.id, old.sentence);
END;

CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    msgid TEXT NOT NULL, person TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX approvals_thread ON approvals(thread_id);
