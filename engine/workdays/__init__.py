"""Working days in Samarinda: weekdays that are neither Indonesian public holidays nor days an operator added."""

from .calendar import MAX_WORKING_DAYS, WorkingCalendar
from .days_off import add_day_off, calendar_for, current_calendar, days_off, reading_days_off, remove_day_off

__all__ = ["MAX_WORKING_DAYS", "WorkingCalendar", "add_day_off", "calendar_for", "current_calendar", "days_off",
           "reading_days_off", "remove_day_off"]
