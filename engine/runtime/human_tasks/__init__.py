"""Human tasks: actions on them, who may act, the inbox rows, drafts, dates and titles."""
