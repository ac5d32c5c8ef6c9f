"""The Streamlit portal: citizen chat, calculator forms and the hotline staff console.

Only drawing lives here. Everything shown comes from ``assistant.service.get_assistant()``
(answers, search, calculators, the database store) and the calculators' own specs."""
