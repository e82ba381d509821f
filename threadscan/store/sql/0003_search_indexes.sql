-- 0003_search_indexes: covering indexes for list and author filters of every result kind.
DROP INDEX IF EXISTS messages_list;
CREATE INDEX messages_list_thread ON messages(list_id, thread_id);
CREATE INDEX messages_author_name ON messages(author_name);
