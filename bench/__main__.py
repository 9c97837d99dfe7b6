"""``python -m bench [--smoke]``: run every measurement, print the table, write JSON."""

from bench.run import main

raise SystemExit(main())
