"""Saved sessions: the SQLite store and its migrations, the recorder that writes a running analysis, and batch ingest."""
