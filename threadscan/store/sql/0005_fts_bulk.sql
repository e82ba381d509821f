-- 0005_fts_bulk: the store fills the FTS tables itself, one INSERT ... SELECT per batch
-- (write.py, ``_index``), instead of a trigger per inserted row. Each trigger statement
-- opens a savepoint, and FTS5 flushes its pending terms at every savepoint: a batch of
-- 1,500 segments became 1,500 tiny index segments to merge (segments were stored 3x slower,
-- benchmarks/bench_ingest.py). The delete triggers stay: deletes are rare and row-wise.
DROP TRIGGER IF EXISTS segments_ai;
DROP TRIGGER IF EXISTS hunks_ai;
DROP TRIGGER IF EXISTS objections_ai;
