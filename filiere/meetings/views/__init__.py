"""Pages of the case-meeting module (thin: authorize, parse, call a service, render)."""
