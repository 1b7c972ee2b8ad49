"""One appraisal as people reach it: who may look, the lists, its page, its forms and records."""
