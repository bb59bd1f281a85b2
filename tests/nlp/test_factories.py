"""The components load by name in a fresh spaCy pipeline, through the spacy_factories entry
point alone: the child process imports spaCy, never this package."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, spacy
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
for name in ("takfir_hyphen_merger", "takfir_entity_ruler", "takfir_entity_linker",
             "takfir_declarations", "takfir_stance"):
    nlp.add_pipe(name)
doc = nlp("The ex-fighter said al-Baghdadi's men called the villagers kuffar.")
print(json.dumps({"tokens": [t.text for t in doc],
                  "ents": [[e.text, e.label_, e.kb_id_] for e in doc.ents],
                  "has_events": doc._.takfir_events is not None,
                  "has_stance": doc._.stance is not None}))
"""


def test_components_load_through_the_entry_point_only():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "ex-fighter" in result["tokens"] and "al-Baghdadi" in result["tokens"]
    assert ["al-Baghdadi", "PERSON", "per:abu_bakr_al_baghdadi"] in result["ents"]
    assert ["kuffar", "TAKFIR_TERM", "term:kafir"] in result["ents"]
    assert result["has_events"] and result["has_stance"]
