"""Named schema migrations, applied in order and recorded (sqlite-utils style).

Each migration is an SQL file ``store/sql/<name>.sql``. The ``migrations`` table
records the names applied; opening a corpus applies the missing ones, each in
its own transaction. Names never change once released: add ``0003_...``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources

from threadscan.errors import StoreError

MIGRATION_NAMES: tuple[str, ...] = (
    "0001_initial", "0002_analysis", "0003_search_indexes", "0004_objection_resolution",
    "0005_fts_bulk",
)


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


def load_migrations() -> tuple[Migration, ...]:
    """The known migrations, oldest first, with their SQL text."""
    base = resources.files("threadscan.store") / "sql"
    return tuple(
        Migration(name, (base / f"{name}.sql").read_text(encoding="utf-8"))
        for name in MIGRATION_NAMES
    )


def applied_migrations(conn: sqlite3.Connection) -> tuple[str, ...]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    rows = conn.execute("SELECT name FROM migrations ORDER BY name").fetchall()
    return tuple(str(r[0]) for r in rows)


def migrate(conn: sqlite3.Connection, upto: str | None = None) -> tuple[str, ...]:
    """Apply the missing migrations (up to and including ``upto``); return their names."""
    done = set(applied_migrations(conn))
    unknown = done - set(MIGRATION_NAMES)
    if unknown:
        raise StoreError(f"corpus has migrations this threadscan does not know: {sorted(unknown)}")
    applied: list[str] = []
    for mig in load_migrations():
        if mig.name not in done:
            try:
                _apply(conn, mig)
            except StoreError:
                # another process opening the same new corpus may have applied it first
                if mig.name not in applied_migrations(conn):
                    raise
                continue
            applied.append(mig.name)
        if mig.name == upto:
            break
    return tuple(applied)


def _apply(conn: sqlite3.Connection, mig: Migration) -> None:
    script = (
        "BEGIN IMMEDIATE;\n" + mig.sql + "\nINSERT INTO migrations(name, applied_at) "
        f"VALUES ('{mig.name}', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));\nCOMMIT;"
    )
    try:
        conn.executescript(script)
    except sqlite3.Error as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StoreError(f"migration {mig.name} failed: {err}") from err
