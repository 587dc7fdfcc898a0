"""Signals between apps that may not import each other.

`records_rewritten`: records were rewritten or deleted in bulk (a queryset's `update` or
`delete`, which send no save signals), for example by a disposal. Sent inside the writing
transaction with `sender` the model and `keys` the primary keys (strings), so that what an app
derived from those records (the network's links) is derived again and stands or falls with
the write.
"""

from __future__ import annotations

from django.dispatch import Signal

records_rewritten = Signal()
