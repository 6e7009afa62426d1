"""Django's PostgreSQL backend, with the health check skipped on a connection in steady use (see ``base``)."""
