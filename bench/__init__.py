"""Setflow's benchmarks: real Chromium, real servers on loopback, nothing mocked (``make bench``)."""
