"""What `verify` and `smoke` share: DNS through our own resolver (`resolver`), HTTP(S) to addresses we
resolved (`web`), the check result and report (`model`), rendering (`render`) and the argument types and
options both commands take (`options`)."""
