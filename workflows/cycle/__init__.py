"""The yearly cycle: opening it, its deadlines and periods, transfers and partial periods."""
