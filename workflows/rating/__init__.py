"""The annual rating: ratings and predikat, the rating file and pages, decision previews, follow-up."""
