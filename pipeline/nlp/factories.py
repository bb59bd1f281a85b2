"""spaCy factories of the project. Each only forwards its settings to the component class.

Exposed through the ``spacy_factories`` entry point, so after ``pip install`` any pipeline can
``nlp.add_pipe("takfir_declarations")`` without importing this package. Results live on
``doc.ents`` (with ``kb_id_``), ``doc.spans`` groups and the ``doc._`` extensions below.

No ``from __future__ import annotations`` here: confection validates factory arguments from
their annotations, and under pydantic 1 (required by doccano-client) postponed annotations stay
unresolved ForwardRefs.
"""


from spacy.language import Language
from spacy.tokens import Doc

from .linker import DEFINITE_POLITIES, LexiconLinker
from .ruler import LexiconRuler
from .stance import StanceTagger
from .takfir import TakfirDeclarations
from .tokens import ENGLISH_PREFIXES, PREFIXES, HyphenMerger
from .view import ParseView

for _name in ("takfir_events", "stance"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("takfir_hyphen_merger", default_config={
    "prefixes": list(PREFIXES), "english_prefixes": list(ENGLISH_PREFIXES)})
def make_hyphen_merger(nlp: Language, name: str, prefixes: list[str],
                       english_prefixes: list[str]) -> HyphenMerger:
    return HyphenMerger(nlp, name, prefixes=tuple(prefixes),
                        english_prefixes=tuple(english_prefixes))


@Language.factory("takfir_parse_view", default_config={"components": [],
                                                       "lexicon_path": None})
def make_parse_view(nlp: Language, name: str, components: list[str],
                    lexicon_path: str | None) -> ParseView:
    return ParseView(nlp, name, components=components, lexicon_path=lexicon_path)


@Language.factory("takfir_entity_ruler", default_config={
    "lexicon_path": None, "keep_model_labels": False, "overwrite": True})
def make_entity_ruler(nlp: Language, name: str, lexicon_path: str | None,
                      keep_model_labels: bool, overwrite: bool) -> LexiconRuler:
    return LexiconRuler(nlp, name, lexicon_path=lexicon_path,
                        keep_model_labels=keep_model_labels, overwrite=overwrite)


@Language.factory("takfir_entity_linker", default_config={
    "lexicon_path": None, "relabel": True, "definite_polities": DEFINITE_POLITIES})
def make_entity_linker(nlp: Language, name: str, lexicon_path: str | None, relabel: bool,
                       definite_polities: dict[str, list[str]]) -> LexiconLinker:
    return LexiconLinker(nlp, name, lexicon_path=lexicon_path, relabel=relabel,
                         definite_polities=definite_polities)


@Language.factory("takfir_declarations", default_config={"lexicon_path": None})
def make_declarations(nlp: Language, name: str, lexicon_path: str | None) -> TakfirDeclarations:
    return TakfirDeclarations(nlp, name, lexicon_path=lexicon_path)


@Language.factory("takfir_stance", default_config={"labels_path": None,
                                                   "lexicon_path": None})
def make_stance(nlp: Language, name: str, labels_path: str | None,
                lexicon_path: str | None) -> StanceTagger:
    return StanceTagger(nlp, name, labels_path=labels_path, lexicon_path=lexicon_path)
