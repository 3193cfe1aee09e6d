"""FreshBooks' time tracking API (time entries, timers, projects, services, clients, identity, OAuth)."""
