"""The demo notebooks' helpers (a folder next to the scripts, not an installed package)."""
