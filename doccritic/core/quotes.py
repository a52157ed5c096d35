"""Does a critic's quote say what the document says where it was placed? Numbers, negations and names.

Loose placement (normalized, fuzzy) forgives markup and a paraphrased word; it must not forgive "30 days"
for "3 days", "enabled by default (opt-out)" for "disabled by default (opt-in)", or one vendor's name for
another's: those change what the reader is told the draft says. What differs is named so a card can show
the document's words beside the critic's, and never the critic's as if they were the text.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:[-*+#>]+\s*|\d+[.)]\s*)?|[(\"“‘]\s*)$")
NEGATIONS = frozenset({"no", "not", "never", "none", "nor", "neither", "nobody", "nothing", "without", "cannot",
                       "nowhere", "unless"})
_NUMBER_WORDS = frozenset((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
    "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "half", "double",
    "twice"))
# Words that flip a statement into its opposite: (one side, the other), matched at a word's start.
_OPPOSITES = (("enabl", "disabl"), ("opt-in", "opt-out"), ("opt in", "opt out"), ("allow", "block"),
              ("includ", "exclud"), ("increas", "decreas"), ("maximum", "minimum"), ("before", "after"),
              ("above", "below"), ("mandatory", "optional"), ("required", "optional"), ("accept", "reject"),
              ("refundable", "non-refundable"), ("reversible", "irreversible"))


def differences(quote: str, source: str) -> list[str]:
    """What the quote changes in ``source`` (the document's words where it was placed): "numbers",
    "negations", "names"; empty when it says the same thing (wording, case and markup aside)."""
    a, b = _facts(quote), _facts(source)
    return [name for name, x, y in zip(("numbers", "negations", "names"), a, b, strict=True) if x != y]


def _facts(text: str) -> tuple[list[str], list[str], set[str]]:
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    folded = text.casefold()
    digits = sorted(d.replace(",", "") for d in _DIGITS.findall(folded))
    words = _WORD.findall(folded)
    digits = sorted([*digits, *(w for w in words if w in _NUMBER_WORDS)])
    polarity = ["not" if w.endswith("n't") or w == "cannot" else w for w in words
                if w in NEGATIONS or w.endswith("n't")]
    for i, pair in enumerate(_OPPOSITES):
        for side, stem in enumerate(pair):
            hits = len(re.findall(rf"(?<![\w-]){re.escape(stem)}", folded))
            if side == 0 and pair[1].startswith(stem):  # "refundable" inside "non-refundable" is the other side
                hits -= len(re.findall(rf"(?<![\w-]){re.escape(pair[1])}", folded))
            polarity += [f"{i}.{side}"] * hits
    return digits, sorted(polarity), _names(text)


def _names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence, and words with a capital inside (ColdVault, iOS)."""
    out = set()
    for m in _WORD.finditer(text):
        word = m.group(0)
        inner = any(c.isupper() for c in word[1:])
        if inner or (word[0].isupper() and not _SENTENCE_START.search(text[:m.start()])):
            out.add(word.casefold())
    return out
