"""Plain-language advice on Markdown text in bokmål or nynorsk: abbreviations, long
sentences and a LIX readability score. Advice only; nothing here blocks a save."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice

LONG_SENTENCE = 25  # words; a sentence with more words is flagged
LIX_LIMIT = 40  # a LIX score above this is flagged
LIX_MIN_WORDS = 30  # shorter texts are not scored: LIX is noise on a two-line note
LONG_WORD = 6  # letters; LIX counts words with more letters as long
PREVIEW_WORDS = 8

# Every pattern is linear: character classes stop at the delimiter they look for, so a
# hostile text ("[[[[…", "<<<<…") cannot make the engine rescan the rest of the line.
_WORD = re.compile(r"\d+(?:[.,:/]\d+)+|[^\W_]+(?:-[^\W_]+)*")
_END = re.compile(r"[.!?:]+[\"'»”’)\]]*(?=\s|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_QUOTE = re.compile(r"(?: {0,3}>[ \t]?)*")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?(?:[ \t]+|$)")
_INLINE = [
    (re.compile(r"`[^`\n]*`"), " "),  # inline code is not prose
    (re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)"), " "),  # images
    (re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)"), r"\1"),  # links: keep the text
    (re.compile(r"<[A-Za-z/!][^<>\n]*>"), " "),  # HTML tags, comments and autolinks
    (re.compile(r"(?:https?://|www\.)\S+"), " "),  # bare URLs would split into fake words
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),  # backslash escapes
    (re.compile(r"[*_~]+"), ""),  # emphasis markers
]
# Periods after these do not end a sentence.
_NO_SPLIT = frozenset(
    {"f.eks", "bl.a", "m.a", "t.d", "ca", "jf", "ev", "evt", "dvs", "kl", "nr", "sml", "pr"}
    | {"ang", "vedr", "iflg", "tilsv", "f.o.m", "t.o.m", "p.t", "ped", "spes", "hhv", "tlf"}
    | {"mht", "iht", "ift", "ifm", "pga", "vha", "mtp"}
)
# These often close a sentence ("… leker osv. Så …"), so they end one before a capital.
_SPLIT_BEFORE_CAPITAL = frozenset({"osv", "o.l", "m.m", "mv", "etc", "o.a"})


@dataclass(frozen=True, slots=True)
class Advice:
    """One piece of advice: what to look at (text) and what to do about it."""

    code: str  # "abbreviation" | "long_sentence" | "lix"
    text: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class _Entry:
    written: str  # as in the list, e.g. "f.eks." or "PPT"
    nb: str
    nn: str


@cache
def _abbreviations() -> tuple[dict[str, _Entry], re.Pattern[str]]:
    """Load the word list once, keyed by the entry without its trailing period."""
    source = resources.files(__package__).joinpath("abbreviations.txt")
    entries: dict[str, _Entry] = {}
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not all(f.strip() for f in fields):
            raise ValueError(f"abbreviations.txt line {number}: expected three tab-separated")
        written, nb, nn = (f.strip() for f in fields)
        core = written.rstrip(".")
        entries[core if core.isupper() else core.lower()] = _Entry(written, nb, nn)
    # Longest first so "f.o.m" wins over shorter entries at the same position. Acronyms
    # match exactly (lower-case "ppt" is a file type); the rest ignore ASCII case only,
    # so "ſ" or the Kelvin sign never match an entry they are not the key of.
    cores = sorted(entries, key=len, reverse=True)
    caps = "|".join(re.escape(c) for c in cores if c.isupper())
    lower = "|".join(re.escape(c) for c in cores if not c.isupper())
    pattern = re.compile(rf"(?<![^\W_])(?:{caps}|(?ai:{lower}))\.?(?![^\W_])")
    return entries, pattern


def _blocks(text: str) -> list[str]:
    """Markdown source to plain blocks; a sentence never runs across two blocks."""
    blocks: list[str] = []
    current: list[str] = []
    fence, quoted = "", False

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in unicodedata.normalize("NFC", text).splitlines():
        opening = _FENCE.match(raw)
        if fence or opening or not raw.strip():
            if opening and (not fence or opening.group(1).startswith(fence)):
                fence = "" if fence else opening.group(1)[:3]
            flush()
            quoted = False
            continue
        cut = quote.end() if (quote := _QUOTE.match(raw)) else 0
        line = raw[cut:]
        if (cut > 0) != quoted:
            flush()  # entering or leaving a block quote starts a new paragraph
            quoted = not quoted
        if heading := _HEADING.match(line):
            flush()
            blocks.append(line[heading.end() :].rstrip().rstrip("#"))
        elif _is_rule(line) or not line.strip():
            flush()
        elif line.lstrip().startswith("|"):
            flush()  # a table row: every cell stands alone
            blocks.extend(cell for cell in line.split("|") if cell.strip())
        elif item := _ITEM.match(line):
            flush()
            current.append(line[item.end() :])
        else:
            current.append(line)
    flush()
    # Lines hold no line breaks, so one pass of the inline patterns (which never cross
    # one) cleans every block at once instead of once per block.
    return _inline("\n".join(blocks)).split("\n")


def _is_rule(line: str) -> bool:
    """A thematic break or setext underline ("---", "***", "===") ends the paragraph."""
    mark = line.lstrip()[:1]
    return mark in ("-", "*", "_", "=") and not line.strip(f"{mark} \t") and line.count(mark) > 2


def _inline(block: str) -> str:
    """Strip inline Markdown and HTML from one block, keeping link text."""
    for pattern, replacement in _INLINE:
        block = pattern.sub(replacement, block)
    return block


def _ends_sentence(block: str, match: re.Match[str]) -> bool:
    """Whether the punctuation in match ends a sentence, or only an abbreviation/number."""
    if match.group() != ".":
        return True
    start = match.start()
    before = block[max(0, start - 40) : start].rsplit(None, 1)
    token = before[-1].lstrip("(\"'«[") if before else ""
    following = block[match.end() : match.end() + 40].lstrip()[:1]
    lowered = token.lower()
    if lowered in _NO_SPLIT or (len(token) == 1 and token.isupper()):
        return False  # "f.eks. Per", "P. Aasen"
    if lowered in _SPLIT_BEFORE_CAPITAL or token.isdigit():
        return not (following.islower() or following.isdigit())  # "3. trinn", "osv. og"
    return True


def split_sentences(text: str) -> list[str]:
    """Split Markdown text into plain sentences that contain at least one word."""
    return _sentences(_blocks(text))


def _sentences(blocks: list[str]) -> list[str]:
    """Split plain blocks at sentence-ending punctuation."""
    sentences: list[str] = []
    for block in blocks:
        start = 0
        for match in _END.finditer(block):
            if _ends_sentence(block, match):
                sentences.append(block[start : match.end()])
                start = match.end()
        sentences.append(block[start:])
    return [" ".join(s.split()) for s in sentences if _WORD.search(s)]


def _lix(sentences: list[str]) -> tuple[float, int]:
    """LIX score and word count of already split sentences."""
    words = [w for s in sentences for w in _WORD.findall(s)]
    if not words:
        return 0.0, 0
    # Only letters count towards a long word: not digits, not the hyphen of "PPT-møte".
    long_words = sum(len(w) > LONG_WORD and sum(map(str.isalpha, w)) > LONG_WORD for w in words)
    return len(words) / len(sentences) + 100 * long_words / len(words), len(words)


def lix(text: str) -> float:
    """LIX readability: words per sentence plus the percentage of long words."""
    return _lix(split_sentences(text))[0]


def _abbreviation_advice(plain: str, language: str) -> list[Advice]:
    """One Advice per unexplained abbreviation, in order of first appearance."""
    entries, pattern = _abbreviations()
    folded = plain.casefold()
    seen: dict[_Entry, str] = {}  # entry -> first spelling, in order of appearance
    explained: set[_Entry] = set()
    for match in pattern.finditer(plain):
        core = match.group().rstrip(".")
        entry = entries.get(core) or entries.get(core.lower())
        if entry is None:
            continue
        # Keep the period of "f.eks." but not a sentence's full stop after "ifm".
        has_period = entry.written.endswith(".") and match[0].endswith(".")
        seen.setdefault(entry, core + "." if has_period else core)
        after = plain[match.end() : match.end() + 3].lstrip(" ")
        wrapped = plain[match.start() - 1 : match.start()] == "(" and after.startswith(")")
        # "PPT (pedagogisk-psykologisk …)" or "pedagogisk-psykologisk teneste (PPT)"
        if after.startswith("(") or wrapped:
            explained.add(entry)
    advice = []
    for entry, written in seen.items():
        if entry in explained or entry.nb.casefold() in folded or entry.nn.casefold() in folded:
            continue
        advice.append(Advice("abbreviation", written, entry.nn if language == "nn" else entry.nb))
    return advice


def _preview(sentence: str) -> str:
    """The first PREVIEW_WORDS words of a sentence, then an ellipsis."""
    *_, last = islice(_WORD.finditer(sentence), PREVIEW_WORDS)
    return sentence[: last.end()] + " …"


def advise(text: str, language: str = "nb") -> list[Advice]:
    """Plain-language advice on Markdown text: abbreviations, long sentences, then LIX."""
    language = "nn" if language == "nn" else "nb"
    blocks = _blocks(text)
    sentences = _sentences(blocks)
    advice = _abbreviation_advice("\n\n".join(blocks), language)
    for sentence in sentences:
        count = len(_WORD.findall(sentence))
        if count > LONG_SENTENCE:
            advice.append(Advice("long_sentence", _preview(sentence), str(count)))
    score, words = _lix(sentences)
    if words >= LIX_MIN_WORDS and score > LIX_LIMIT:
        advice.append(Advice("lix", f"{score:.0f}", ""))
    return advice
