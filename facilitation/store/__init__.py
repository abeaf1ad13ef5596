"""Persistence: SQLAlchemy Core over SQLite (default) or PostgreSQL."""

from .database import Database, StoreError, default_url, upgraded

__all__ = ["Database", "StoreError", "default_url", "upgraded"]
