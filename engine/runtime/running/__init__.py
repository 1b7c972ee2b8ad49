"""Running one instance: restore, advance and save, its rows, limits, guards and retries."""
