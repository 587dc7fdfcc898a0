"""Every write of the network app (rule 1): links derived and by hand, phones, vehicles, lines."""
