"""Clock sources registered by the pathways app (filled in below)."""
