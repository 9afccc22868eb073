"""`launchready verify`: check what is live, not what is declared.

One module per concern: `expectations` (what a stack or a bare domain should serve: a pure function of the
config), `checks_dns`, `checks_http`, `checks_tls`, `checks_email`, `ses`, `engine` (runs them
concurrently) and `cli`. The resolver, HTTP client, result model and rendering it shares with `smoke` live
in `launchready.probe`.
"""
