import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nestguard.settings.production")
application = get_wsgi_application()

# Each web process starts building its candidate index for "is this person already known?"
# when it serves its first request (a load balancer's health check, usually), in a thread of
# its own, so that it is ready before the first referrer asks. Not on import: servers that
# load the application before forking workers would start it in a process that serves no
# one (docs/decisions/0043-candidate-index-warm-up.md). The address register's matching index
# likewise (docs/decisions/0081-keyset-lists-and-indexes-outside-requests.md).
from nestguard.linkage import address_index, live_index  # noqa: E402

live_index.warm_up_on_first_request()
address_index.warm_up_on_first_request()
