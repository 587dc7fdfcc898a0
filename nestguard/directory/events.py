"""Audit event types of the services directory (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("directory.service_add", "Added a service to the onward services directory")
register("directory.service_edit", "Changed a service in the onward services directory")
register("directory.service_retire", "Retired a service from the onward services directory")
register("directory.service_restore", "Brought a retired service back into the directory")
