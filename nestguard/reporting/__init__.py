"""The partnership picture: aggregates (counts, never names) read through the access door,
with small numbers suppressed before they leave the system (decision 0089)."""
