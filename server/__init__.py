"""Setflow's Python server: serves the app's public files and the sync API."""
