"""The organisation: units, posts and people, the CSV import, NIP checks, lanes and the demo city."""
