"""Places pages: HTTP only. What they show comes from `places.selectors`; every change goes
through `places.services`."""
