"""The ground every layer stands on: settings, typed errors, privacy masking, calendar
arithmetic and the Chinese-numeral parser.

It imports no layer of ours and no interface framework (tests/test_layers.py)."""
