"""Every write to the person index. Each function is `<entity>_<verb>(*, actor=...)`,
validates before writing, runs in one transaction and records its audit event."""
