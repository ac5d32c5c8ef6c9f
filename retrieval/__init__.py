"""Retrieval layer: ingest policy sources into clean documents, index them, search them.

Knows nothing of calculators or interfaces."""
