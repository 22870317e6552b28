"""Users, roles, passwords and login."""
