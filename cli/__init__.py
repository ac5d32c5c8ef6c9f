"""Entry points above every layer: the `policydesk` console script (cli.main:main), the
calculator commands, the eval runner, the benchmark and the HTTP load test."""
