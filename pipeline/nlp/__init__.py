"""spaCy components of the project, registered as factories (see factories.py)."""
