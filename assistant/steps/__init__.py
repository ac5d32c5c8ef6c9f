"""The pipeline steps; each module has one entry point taking (answer, ctx)."""
