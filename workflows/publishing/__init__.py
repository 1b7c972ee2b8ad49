"""Publication of results: consent, the evaluation document, the public pages and feedback."""
