"""The assistant: one pipeline of small steps turns a question into one Answer record.

Combines retrieval/ and calculators/; never imports an interface framework."""
