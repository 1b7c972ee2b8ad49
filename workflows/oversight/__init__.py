"""What HR oversees: the dashboard, stage times, overdue cycles and the per-period export."""
