"""`python -m launchready` runs the same command as the `launchready` script."""

from launchready.cli import main

raise SystemExit(main())
