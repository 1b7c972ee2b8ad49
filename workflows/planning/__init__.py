"""The SKP: its plan and monitoring, the record checks, and what the planning pages show."""
