"""The person index: source records from each agency, linked into people (Splink)."""
