"""Parse a cleaned view of each Doc and copy the analysis back onto the original tokens.

Real texts break the statistical parser in ways that say nothing about their syntax: scare
quotes around a verdict word ('called them "murtaddin"'), translators' glosses ('murtadeen
[apostates]', 'takfir (excommunication)'), brackets of editorial insertions, line breaks of
hard-wrapped pages, and headlines in title case ('Group Declares Rivals Apostates'). The
view hides those tokens (and lower-cases the grammar words and cue words of a headline),
runs the model's own components (tagger, parser, lemmatizer, NER) on what is left, and maps
tags, lemmas, heads, labels and entities back to the original tokens, so every offset still
refers to the original text. Hidden tokens hang from their nearest neighbour as ``punct``
(or ``appos`` for a gloss).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

from ..lexicon import load_lexicon, normalize
from .cues import Cues, load_cues

QUOTES = frozenset({'"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "``", "''"})
OPEN_BRACKETS = {"[": "]", "(": ")"}
MAX_QUOTED = 4  # tokens between scare quotes; longer quotations are speech, kept
MAX_GLOSS = 6  # "(Arabic: ta'ifa murtadda)"
MAX_WORD_GLOSS = 3  # "[apostates]", "(strict monotheists)"; longer ones are insertions
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "this", "that",
                          "these", "those", "our", "my", "your"})
HEADLINE_SHARE = 0.7
# The Arabic article glued to a name: the tagger reads "al-Maqdisi" as a verb or an auxiliary.
_ARTICLE = re.compile(r"^(?:[Aa][lnrstdz]|[Ee]l|[Aa]sh|[Aa]dh)-(?=[A-Z][a-z])")
_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]


@dataclass
class View:
    """The words the model sees, and which original token each one is."""

    words: list[str]
    spaces: list[bool]
    sent_starts: list[bool | None]
    kept: list[int]  # original token index of each view word
    gloss: set[int]  # hidden original tokens that gloss the word before them


class ParseView:
    """Runs ``components`` of the pipeline it belongs to on a cleaned view of each Doc."""

    def __init__(self, nlp: Language, name: str, *, components: Sequence[str],
                 lexicon_path: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.components = tuple(components)
        self.lexicon_path = lexicon_path
        self.casefold: frozenset[str] | None = None
        self.english: dict[str, str] = {}

    def initialize(self, get_examples: object = None, *, nlp: Language | None = None) -> None:
        from pathlib import Path

        folder = Path(self.lexicon_path) if self.lexicon_path else None
        lexicon = load_lexicon(folder)
        cues: Cues = load_cues(folder / "cues.toml" if folder else None)
        terms = {normalize(form) for e in lexicon.entries
                 if e.label == "TAKFIR_TERM" for form in e.surfaces}
        verbs = (cues["takfir.declaring_verbs"] | cues["takfir.reporting_verbs"]
                 | cues["takfir.enacting_verbs"] | cues["takfir.accusing_verbs"])
        self.casefold = frozenset(STOP_WORDS) | terms | verbs
        self.verbs = verbs
        self.english = _english_terms(lexicon)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 64) -> Iterator[Doc]:
        if self.casefold is None:
            self.initialize()
        procs = [self.nlp.get_pipe(name) for name in self.components]
        for batch in minibatch(docs, batch_size):
            views = [self.view(doc) for doc in batch]
            parsed: list[Doc] = [Doc(self.nlp.vocab, words=v.words, spaces=v.spaces,
                                     sent_starts=v.sent_starts) if v.words else doc
                                 for v, doc in zip(views, batch, strict=True)]
            for proc in procs:
                parsed = list(proc.pipe(parsed)) if hasattr(proc, "pipe") else [
                    proc(d) for d in parsed]
            for doc, view, clean in zip(batch, views, parsed, strict=True):
                if view.words:
                    project(doc, view, clean)
                yield doc

    # -- the view --------------------------------------------------------------------------

    def view(self, doc: Doc) -> View:
        hidden = _scare_quotes(doc) | _brackets(doc)
        gloss = _glosses(doc)
        hidden |= gloss | {t.i for t in doc if t.is_space}
        headline = _headline_tokens(doc)
        shouting = _all_caps_tokens(doc)
        view = View([], [], [], [], gloss)
        pending_start: bool | None = None
        for token in doc:
            start = token.is_sent_start
            if token.i in hidden:
                if start:
                    pending_start = True
                continue
            word = token.text
            english = self.english.get(normalize(word)) if word.isalpha() else None
            after = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if english is not None and after is not None and after.is_alpha and \
                    normalize(after.text) in self.english:
                english = "unbelieving"  # "kaafir murtad": a modifier, then the noun
            if _ARTICLE.match(word):
                word = _ARTICLE.sub("", word)  # "al-Maqdisi" reaches the tagger as a name
            elif word == "IS" and token.i not in shouting:
                word = "ISIS"  # the acronym; the tagger reads "IS" as the verb
            elif english is not None:  # "murtaddin" reaches the tagger as "unbelievers"
                word = english.capitalize() if word[0].isupper() else english
            elif token.i in headline and word.istitle() and self._lower(word):
                word = word.lower()
            view.words.append(word)
            view.sent_starts.append(True if pending_start or start else (
                None if start is None else False))
            view.kept.append(token.i)
            pending_start = None
        kept = view.kept
        view.spaces = [any(doc[x].whitespace_ or doc[x].is_space for x in range(a, b))
                       for a, b in zip(kept, kept[1:], strict=False)]
        if kept:
            view.spaces.append(bool(doc[kept[-1]].whitespace_))
            view.sent_starts[0] = True
        return view

    def _lower(self, word: str) -> bool:
        assert self.casefold is not None
        low = word.lower()
        if low in self.casefold:
            return True
        return any(low.endswith(s) and low[:-len(s)] in self.verbs for s in
                   ("s", "es", "d", "ed", "ing"))


_PLURAL_ENDINGS = ("in", "een", "un", "oon", "ar", "aar", "it", "s")
_ENGLISH_BY_KIND = {"verdict_noun": ("unbeliever", "unbelievers"),
                    "act_noun": ("excommunication", "excommunications"),
                    "charge_noun": ("unbelief", "unbelief"),
                    "verdict_adj": ("unbelieving", "unbelieving")}


def _english_terms(lexicon: Any) -> dict[str, str]:
    """Transliterated takfir terms (lexicon entries described as Arabic) and the English
    word the tagger sees instead: a model trained on English news reads "murtaddin" as a
    verb and "takfir" as a name, but parses "unbelievers" and "excommunication" right."""
    out: dict[str, str] = {}
    for entry in lexicon.entries:
        if entry.label != "TAKFIR_TERM" or not entry.description.startswith("Arabic") or \
                entry.kind not in _ENGLISH_BY_KIND:
            continue
        singular, plural = _ENGLISH_BY_KIND[entry.kind]
        for form in entry.surfaces:
            key = normalize(form)
            if " " not in key and key.isalpha():
                out[key] = plural if key.endswith(_PLURAL_ENDINGS) else singular
    return out


def project(doc: Doc, view: View, clean: Doc) -> None:
    """Copy the view's analysis onto ``doc``: kept tokens one to one, hidden tokens as
    punctuation (or gloss appositions) of their neighbour in the same sentence."""
    arr = clean.to_array(_ATTRS)  # uint64 hashes; HEAD holds signed offsets as uint64
    heads = arr[:, 5].view(numpy.int64)
    n = len(doc)
    out = numpy.zeros((n, len(_ATTRS)), dtype=numpy.uint64)
    relative = numpy.zeros(n, dtype=numpy.int64)
    position = {orig: j for j, orig in enumerate(view.kept)}
    strings = doc.vocab.strings
    punct, space, gloss_dep = strings.add("punct"), strings.add("dep"), strings.add("appos")
    pos_punct, pos_space, pos_x = (strings.add(p) for p in ("PUNCT", "SPACE", "X"))
    for j, orig in enumerate(view.kept):
        out[orig] = arr[j]
        relative[orig] = view.kept[j + int(heads[j])] - orig  # the head, in the original
    sent_of = numpy.zeros(n, dtype=numpy.int64)
    current = -1
    for token in doc:
        if token.i in position and clean[position[token.i]].is_sent_start:
            current += 1
        sent_of[token.i] = max(current, 0)
    for token in doc:
        if token.i in position:
            continue
        head = _neighbour(token.i, position, sent_of, view.gloss)
        out[token.i, 0] = strings.add("NN" if token.i in view.gloss else (
            "_SP" if token.is_space else "``" if token.text in QUOTES else
            "-LRB-" if token.text in "([" else "-RRB-" if token.text in ")]" else token.text))
        out[token.i, 1] = pos_x if token.i in view.gloss else (
            pos_space if token.is_space else pos_punct)
        out[token.i, 3] = strings.add(token.lower_)
        out[token.i, 4] = gloss_dep if token.i in view.gloss else (
            space if token.is_space else punct)
        relative[token.i] = (head - token.i) if head is not None else 0
        out[token.i, 6] = 2  # O
    out[:, 5] = relative.view(numpy.uint64)
    doc.from_array(_ATTRS, out)
    doc.set_ents([Span(doc, view.kept[e.start], view.kept[e.end - 1] + 1, label=e.label_)
                  for e in clean.ents], default="outside")


def _neighbour(i: int, position: dict[int, int], sent_of: numpy.ndarray,
               gloss: set[int]) -> int | None:
    """The kept token a hidden one hangs from: the glossed word for a gloss, else the next
    kept token of its sentence, else the previous one."""
    order = (-1, 1) if i in gloss else (1, -1)
    for step in order:
        j = i + step
        while 0 <= j < len(sent_of) and sent_of[j] == sent_of[i]:
            if j in position:
                return j
            j += step
    return None


# -- what to hide --------------------------------------------------------------------------

def _units(doc: Doc) -> Iterator[Span]:
    """The Doc's sentences when they are set, else rough ones: up to a sentence-final mark
    or a line break (a Doc straight from the tokenizer)."""
    if doc.has_annotation("SENT_START"):
        yield from doc.sents
        return
    start = 0
    for token in doc:
        if token.text in (".", "!", "?") or (token.is_space and "\n" in token.text):
            yield doc[start:token.i + 1]
            start = token.i + 1
    if start < len(doc):
        yield doc[start:]


def _scare_quotes(doc: Doc) -> set[int]:
    """Quote marks around one to four words inside a sentence ("murtaddin", 'apostate
    sect'); longer quotations are speech and keep their marks."""
    hidden: set[int] = set()
    for sent in _units(doc):
        marks = [t.i for t in sent if t.text in QUOTES and not _apostrophe(t)]
        k = 0
        while k + 1 < len(marks):
            a, b = marks[k], marks[k + 1]
            if 0 < b - a - 1 <= MAX_QUOTED and not any(doc[x].is_punct for x in range(a + 1, b)
                                                       if doc[x].text not in "-'"):
                hidden.update((a, b))
                k += 2
            else:
                k += 1
    return hidden


def _apostrophe(token: Token) -> bool:
    """An apostrophe glued to a word (Qur'an, ta'ifa, "ISIS'") is no quotation mark."""
    return token.text in ("'", "\u2019") and not token.whitespace_ and token.i > 0 and \
        not token.doc[token.i - 1].whitespace_ and token.i + 1 < len(token.doc) and \
        token.doc[token.i + 1].is_alpha


def _brackets(doc: Doc) -> set[int]:
    """Square brackets of editorial insertions: the words inside are part of the phrase."""
    return {t.i for t in doc if t.text in ("[", "]")}


def _glosses(doc: Doc) -> set[int]:
    """A short lower-case translation in brackets or parentheses right after a word:
    'murtadeen [apostates]', 'takfir (excommunication)'."""
    hidden: set[int] = set()
    for token in doc:
        close = OPEN_BRACKETS.get(token.text)
        before = doc[token.i - 1] if token.i else None
        if close is None or before is None or not (before.is_alpha or before.text in QUOTES):
            continue
        end = next((t.i for t in doc[token.i + 1:token.i + MAX_GLOSS + 2] if t.text == close),
                   None)
        if end is None or end == token.i + 1:
            continue
        inner = doc[token.i + 1:end]
        words = [t for t in inner if t.is_alpha]
        if (len(inner) <= MAX_WORD_GLOSS and words and words[0].lower_ not in _DETERMINERS
                and all(t.is_alpha and t.is_lower or t.text in ("-", "/", ",") for t in inner)
                ) or (len(inner) > 2 and inner[1].text == ":" and inner[0].is_title):
            hidden.update(range(token.i, end + 1))  # "(excommunication)", "(Arabic: ...)"
    return hidden


def _all_caps_tokens(doc: Doc) -> set[int]:
    """Tokens of sentences written in capitals ("WHAT IS LEFT OF THE STATE"), where "IS"
    may be the verb."""
    out: set[int] = set()
    for sent in _units(doc):
        words = [t for t in sent if t.is_alpha and len(t) > 1]
        if words and sum(t.is_upper for t in words) > 0.5 * len(words):
            out.update(t.i for t in sent)
    return out


def _headline_tokens(doc: Doc) -> set[int]:
    """Tokens of sentences in title case: a headline's grammar words and verbs read as
    names to a model trained on running text."""
    out: set[int] = set()
    for sent in _units(doc):
        words = [t for t in sent if t.is_alpha and len(t) > 3]
        if len(words) < 3:
            continue
        capitals = sum(t.text[0].isupper() for t in words)
        if capitals >= HEADLINE_SHARE * len(words) and not sent.text.rstrip().endswith("."):
            out.update(t.i for t in sent if t.i != sent.start)
    return out
