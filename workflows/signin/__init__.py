"""Who signs in: accounts with their password rules, and the JSON API's bearer tokens."""
