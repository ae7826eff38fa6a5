"""Allow ``python -m analysis``, the same as the ``pct-report`` command."""

from analysis.cli import main

raise SystemExit(main())
