"""The seed/migrate job: wait for the database, migrate it to head, then seed it."""
