"""`launchready verify` and `launchready smoke`: check what is live, not what is declared.

One module per concern: `resolver` (DNS through dnspython, never the system resolver when nameservers are
given), `expectations` (what a stack or a bare domain should serve: a pure function of the config),
`checks_dns`, `checks_http`, `checks_tls`, `checks_email`, `ses`, `engine` (runs them concurrently),
`model` (the check result and its JSON) and `render`.
"""
