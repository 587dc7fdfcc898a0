"""Every write of the panels app: one function per change, each with `actor=`, validating
everything first and recording the audit event in the same transaction."""
