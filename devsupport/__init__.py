"""What the tests and the benchmarks both need to run the project for real on this machine.

``live_server`` starts the server as its own process on a free port; ``postgres`` a throwaway
PostgreSQL cluster; ``chromium`` Debian's Chromium and the flags it needs here; ``engines`` one
simulated device in each browser engine.  ``tests/`` and ``bench/`` import these; neither imports
the other.
"""
