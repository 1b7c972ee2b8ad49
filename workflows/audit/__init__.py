"""What auditors and process owners read: searches, trails, case dossiers and incidents."""
