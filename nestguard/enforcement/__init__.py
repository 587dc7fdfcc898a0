"""The enforcement ladder against cuckooing, with its statutory clocks as rules as data."""
