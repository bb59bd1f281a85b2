"""The Doccano round trip: push units with pre-annotations, pull every annotator's labels,
agreement and adjudication. ``client.py`` is the only module importing ``doccano_client``."""
