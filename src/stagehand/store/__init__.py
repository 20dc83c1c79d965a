"""The SQLite store: schema and migrations, the batched writer, and read queries."""

from stagehand.store.database import StoreError, open_database

__all__ = ["StoreError", "open_database"]
