-- 0004_objection_resolution: whether each objection got a later word from the patch author,
-- kept up to date by the store when analyses or threads are saved (see write.py).
ALTER TABLE objections ADD COLUMN unresolved INTEGER NOT NULL DEFAULT 0;
UPDATE objections SET unresolved = NOT EXISTS (
    SELECT 1 FROM analyses an JOIN messages r
      ON r.thread_id = an.thread_id AND r.author_email = an.patch_author
    WHERE an.thread_id = objections.thread_id
      AND r.epoch > (SELECT epoch FROM messages WHERE msgid = objections.msgid)
);
CREATE INDEX objections_unresolved ON objections(thread_id) WHERE unresolved = 1;
