"""Development tools for Kinerja (not deployed)."""
