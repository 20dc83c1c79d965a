"""Modal screens: each asks one thing and dismisses with the answer (None when cancelled)."""
