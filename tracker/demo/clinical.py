"""Demo clinical data."""


def load():
    """Create what is missing; return True when anything was created."""
    return False
