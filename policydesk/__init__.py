"""policydesk core: settings and errors shared by every layer.

Nothing here imports an interface framework (click, streamlit, fastapi)."""
