"""Report pages and files: HTTP only. What they show comes from `reading.read_report` (true
counts, suppressed once, audited); the period is checked by `forms`/`period`."""
