"""The web process's Flask side: server factory, the access guard, login and health routes."""
