"""Turning names and queries into the tokens both index backends store.

Chinese is written without spaces, and a full-text tokenizer keeps a run of Chinese characters as
one token (so 沈阳 would never be found inside 沈阳经济技术开发区). Every run of Chinese characters
is therefore cut into overlapping character pairs, 沈阳 阳经 经济 …, with the run's last character
added on its own so a one-character query still finds something. A query is cut the same way and
matched as a phrase of consecutive pairs.

Pinyin is stored as syllables in name order ("shen yang jing ji …"); a query word that spells
pinyin ("shenyang", "dalianpuwan") is cut into syllables and matched as a phrase.

Traditional characters are read as their simplified forms, in the index and in queries alike, so
a visitor who writes 瀋陽 (as in Hong Kong and Taiwan) finds 沈阳, and a name entered in
traditional characters is found by the simplified. Pinyin is read from the characters as written.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import resources

from portal.publishing.pinyin import lazy_pinyin
from portal.search.syllables import SYLLABLES

# A visitor's query is cut down to this before anything else looks at it.
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 8
# Words this long or longer may be corrected when nothing in the index spells them.
MIN_CORRECTABLE = 5

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{CJK}]+|[a-z0-9]+")
CJK_RE = re.compile(rf"[{CJK}]")
TAG_RE = re.compile(r"<[^>]*>")
TONE_DIGITS_RE = re.compile(r"(?<=[a-z])[1-5]")


# Letters that Unicode does not write as a plain letter and an accent, spelt out as readers
# type them: Straße as strasse, Ørsted as orsted, Łódź as lodz. Without this, the word breaks
# at the letter.
SPELT_OUT = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def normalise(value: str) -> str:
    """Lower case, full-width forms folded, accents (pinyin tone marks) removed, letters such
    as ß spelt out, NULs dropped."""
    value = unicodedata.normalize("NFKD", value.replace("\x00", " "))
    value = "".join(c for c in value if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", value).lower().translate(SPELT_OUT)


# Where a text may write a Latin letter or digit otherwise: accented, full width, as a ligature.
WRITTEN_LETTER_BLOCKS = (
    range(0x00C0, 0x0250),  # Latin-1 Supplement, Latin Extended-A and -B
    range(0x1E00, 0x1F00),  # Latin Extended Additional
    range(0xFB00, 0xFB07),  # Latin ligatures (ﬁ)
    range(0xFF10, 0xFF5B),  # full-width digits and letters
)


@functools.cache
def written_letters() -> tuple[dict[str, str], dict[str, str]]:
    """The characters a text may write each letter or digit of a normalised word as (e: é è ê
    Ｅ …), and those that write two letters at once (ss: ß ẞ; fi: ﬁ), for finding a query's
    words in a text however it writes them."""
    single: dict[str, str] = {}
    double: dict[str, str] = {}
    for block in WRITTEN_LETTER_BLOCKS:
        for code in block:
            char = chr(code)
            spelt = normalise(char)
            if spelt.isascii() and spelt.isalnum() and len(spelt) <= 2:
                forms = single if len(spelt) == 1 else double
                forms[spelt] = forms.get(spelt, "") + char
    return single, double


@functools.cache
def simplified_forms() -> dict[int, str]:
    """Each traditional character's simplified form, for str.translate: OpenCC's table of
    characters, taking its first form where it gives more than one (瀋 is 沈 or 渖: 沈), as
    OpenCC does when it converts a character alone. A form outside the blocks read as Chinese
    here (鋐's, 𬭎) is left out, so that no character becomes a separator. About 3,000."""
    table = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    forms = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        first = next(iter(simplified.split()), "")
        if len(traditional) == len(first) == 1 and first != traditional and is_cjk(first):
            forms[ord(traditional)] = first
    return forms


@functools.cache
def written_forms() -> dict[str, str]:
    """Each simplified character with the traditional ones read as it (沈: 沈瀋), for finding
    a query's characters in a text however it writes them."""
    forms: dict[str, str] = {}
    for traditional, simplified in simplified_forms().items():
        forms[simplified] = forms.get(simplified, simplified) + chr(traditional)
    return forms


def plain_text(value: str) -> str:
    """Rich text without its tags and entities, for indexing and snippets."""
    return " ".join(html.unescape(TAG_RE.sub(" ", value or "")).split())


def is_cjk(token: str) -> bool:
    return bool(CJK_RE.match(token))


def written_tokens(value: str) -> list[str]:
    """The words and Chinese runs of a text, normalised, Chinese as written; everything else is
    a separator. Pinyin is read from these: 乾 in 乾安 is qián, though its simplified form as a
    traditional character (乾 for 干, "dry") is gān."""
    return TOKEN_RE.findall(normalise(value))


def tokens(value: str) -> list[str]:
    """The words and Chinese runs of a text, normalised, traditional characters simplified."""
    return TOKEN_RE.findall(normalise(value).translate(simplified_forms()))


def pairs(run: str) -> list[str]:
    """A run of Chinese characters as overlapping pairs: 沈阳经 -> 沈阳 阳经."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*values: str) -> str:
    """Text as the index stores it: words as they are, Chinese runs as pairs plus the last
    character. Values are kept apart by a newline, which the tokenizers treat as a space."""
    lines = []
    for value in values:
        words = []
        for token in tokens(value or ""):
            if is_cjk(token):
                words.extend(pairs(token))
                if len(token) > 1:
                    words.append(token[-1])
            else:
                words.append(token)
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)


def pinyin_text(*values: str) -> str:
    """The pinyin syllables of the Chinese in each value, one value per line."""
    lines = []
    for value in values:
        runs = [token for token in written_tokens(value or "") if is_cjk(token)]
        if runs:
            lines.append(" ".join(" ".join(lazy_pinyin(run)) for run in runs))
    return "\n".join(lines)


def name_keys(*names: str) -> str:
    """Names as keys: "\\nshenyang economic and …\\n沈阳经济技术开发区\\nshenyangjingji…\\n"."""
    keys = []
    for name in names:
        found = tokens(name or "")
        if found:
            keys.append(" ".join(found))
            runs = [token for token in written_tokens(name or "") if is_cjk(token)]
            if runs:
                keys.append("".join("".join(lazy_pinyin(run)) for run in runs))
    return "\n" + "\n".join(keys) + "\n" if keys else ""


def syllables() -> frozenset[str]:
    """Every pinyin syllable without tone (portal/search/syllables.py)."""
    return SYLLABLES


# Liaoning and its cities, as English writes them (the glossary's names): a query for one in
# Chinese also finds the English name (spelled).
PLACE_NAMES = {
    "辽宁": "liaoning",
    "沈阳": "shenyang",
    "大连": "dalian",
    "鞍山": "anshan",
    "抚顺": "fushun",
    "本溪": "benxi",
    "丹东": "dandong",
    "锦州": "jinzhou",
    "营口": "yingkou",
    "阜新": "fuxin",
    "辽阳": "liaoyang",
    "盘锦": "panjin",
    "铁岭": "tieling",
    "朝阳": "chaoyang",
    "葫芦岛": "huludao",
}


def spelled(run: str) -> str:
    """A place's name as English text writes it, when the run is one (大连: dalian), so that
    大连 also finds a record named in English only ("Dalian Sanhuan …"); "" otherwise. Only
    the places of PLACE_NAMES: pinyin read from any Chinese word would find its homophones
    (中心 "zhongxin" found every company named Zhongxin)."""
    return PLACE_NAMES.get(run, "")


@functools.cache
def syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in syllables() for i in range(1, len(s) + 1))


# A last syllable that starts more syllables than this ("s", "zh") is matched as a prefix.
MAX_SYLLABLE_ENDINGS = 8


@functools.cache
def syllables_starting(start: str) -> tuple[str, ...]:
    """The syllables that start with `start` (itself included when it is one)."""
    return tuple(sorted(s for s in syllables() if s.startswith(start)))


def split_pinyin(word: str, allow_partial_end: bool = True) -> list[str] | None:
    """A word cut into as few pinyin syllables as possible, or None when it isn't pinyin.

    "shenyang" -> ["shen", "yang"]; with allow_partial_end, the last piece may be the start of
    a syllable ("shenya" -> ["shen", "ya"]), for search as you type. Tone digits are ignored.
    """
    word = TONE_DIGITS_RE.sub("", word)
    if not word.isascii() or not word.isalpha() or len(word) > 40:
        return None
    known, starts = syllables(), syllable_prefixes()
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for begin in range(max(0, end - 6), end):
            previous = best[begin]
            piece = word[begin:end]
            if previous is None:
                continue
            if piece in known or (allow_partial_end and end == n and piece in starts):
                candidate = [*previous, piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[n]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts one), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


# pg_trgm's default similarity_threshold, below which PostgreSQL's `%` offers no candidate.
SIMILARITY_THRESHOLD = 0.3


def trigrams(word: str) -> set[str]:
    """A word's trigrams as pg_trgm counts them: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: the trigrams they share, of all they hold."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second)


def allowed_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


@dataclass
class Term:
    """One token of a query and the ways it may match."""

    text: str
    cjk: bool
    pinyin: list[str] | None = None
    corrections: list[str] = field(default_factory=list)
    # A place's name as English writes it (大连: dalian; see spelled).
    spelled: str = ""
    # Pinyin syllables written apart ("xi an"), joined into this term (joined_syllables).
    written_apart: bool = False

    @property
    def matches_as_word(self) -> bool:
        """Whether the term also matches as the word it is: not syllables written apart that
        join into one ("xi an" is xī ān, never the word or syllable "xian")."""
        return not (self.written_apart and self.text in syllables())

    def pinyin_spellings(self) -> list[list[str]]:
        """The pinyin as whole syllables: the last one, when it may be the start of a longer one
        ("dalian" typed on to "dalianG"), once as each syllable it starts. A phrase with a
        prefix makes both databases merge the postings of every word it starts before they
        can stop at the first rows (a tenth of a second for `dalian` at 100,000 records);
        whole words are read lazily, newest first."""
        if not self.pinyin:
            return []
        *head, last = self.pinyin
        longer = syllables_starting(last)
        if len(longer) > MAX_SYLLABLE_ENDINGS:
            return []
        return [[*head, ending] for ending in longer]


@dataclass
class Query:
    """A visitor's query, parsed. Only these tokens, never the raw text, reach the database."""

    raw: str
    terms: list[Term]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def corrected(self) -> bool:
        return any(term.corrections for term in self.terms)

    def corrected_text(self) -> str:
        """The query with each corrected word replaced by its best correction."""
        return " ".join(
            term.corrections[0] if term.corrections else term.text for term in self.terms
        )

    def corrected_as_written(self) -> str:
        """The query as the visitor wrote it, each corrected word replaced by its best
        correction in the same case ("Dalian University" for "Dalian Universty"); the
        corrected terms alone when a correction is not of one written word."""
        best = {term.text: term.corrections[0] for term in self.terms if term.corrections}
        written, replaced = [], set()
        for word in self.raw[:MAX_QUERY_CHARS].split():
            found = tokens(word)
            if len(found) != 1 or found[0] not in best:
                written.append(word)
                continue
            correction = best[found[0]]
            if word.isupper() and len(word) > 1:
                correction = correction.upper()
            elif word[:1].isupper():
                correction = correction[:1].upper() + correction[1:]
            written.append(correction)
            replaced.add(found[0])
        return " ".join(written) if replaced == set(best) else self.corrected_text()

    def as_typed(self) -> "Query":
        """The query without its spelling corrections."""
        return Query(self.raw, [replace(term, corrections=[]) for term in self.terms])

    def key(self, corrected: bool = False) -> str:
        """The query as a name key prefix (see name_keys)."""
        return "\n" + (self.corrected_text() if corrected else " ".join(t.text for t in self.terms))

    def words(self) -> list[str]:
        """The strings a snippet highlights: the terms and their corrections."""
        found = []
        for term in self.terms:
            found.append(term.text)
            found.extend(term.corrections)
            if term.spelled:
                found.append(term.spelled)
        return found


@functools.cache
def longest_place_name() -> int:
    return max(map(len, PLACE_NAMES))


def joined_places(words: list[str]) -> list[str]:
    """Chinese characters written apart joined where together they name a place: "大 连" is
    大连, which also finds a record named in English only (see `spelled`)."""
    joined = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + longest_place_name()), start + 1, -1):
            run = words[start:end]
            if all(map(is_cjk, run)) and "".join(run) in PLACE_NAMES:
                joined.append("".join(run))
                start = end
                break
        else:
            joined.append(words[start])
            start += 1
    return joined


# What follows a place's name where a text names its administrative division: 辽宁省, 沈阳市.
PROVINCE = "辽宁"
DIVISION_RE = re.compile(
    "("
    + "|".join(
        place + ("省" if place == PROVINCE else "市")
        for place in sorted(PLACE_NAMES, key=len, reverse=True)
    )
    + ")"
)


def without_divisions(words: list[str]) -> list[str]:
    """Chinese runs cut where they name a place with its division, and the division taken off:
    沈阳市 is 沈阳, which finds records that write 沈阳 (most) and 沈阳市 alike, and the English
    name; 沈阳市铁西区 is 沈阳 and 铁西区, each to be found. 辽宁省 before other words is left
    out: everything here is in Liaoning, and few records say so."""
    cut = []
    province = False
    for word in words:
        if not is_cjk(word):
            cut.append(word)
            continue
        for number, piece in enumerate(DIVISION_RE.split(word)):
            # split() puts each division it found at an odd place.
            if number % 2 and piece[:-1] == PROVINCE:
                province = True
            else:
                cut.append(piece[:-1] if number % 2 else piece)
    cut = [word for word in cut if word]
    return cut if cut or not province else [PROVINCE]


def joined_syllables(words: list[str]) -> dict[str, list[str] | None]:
    """Words with each run of two or more pinyin syllables written apart joined into one:
    "shen yang" (or "Shěn Yáng") means "shenyang", a name, not "shen" and "yang" anywhere in a
    text, which found Chaoyang Kaisheng and missed a title that spells Shenyang in English.
    Each joined word keeps its syllables as written: "xi an" (or "Xi'an") is xī ān, where
    "xian" could only be read as one syllable, and "qian an" is not "qia nan"."""
    joined: dict[str, list[str] | None] = {}
    run: list[str] = []
    for word in [*words, ""]:
        if word in syllables():
            run.append(word)
            continue
        if len(run) > 1:
            joined.setdefault("".join(run), run)
        elif run:
            joined.setdefault(run[0], None)
        run = []
        if word:
            joined.setdefault(word, None)
    return joined


def pinyin_being_typed(word: str, after_pinyin: bool) -> list[str] | None:
    """The last word of a query as pinyin whose last syllable is still being typed: `jingk` in
    `shenyang jingk`, or `dalianpuw`; None for any other word. Only after another word of pinyin,
    or from two whole syllables on, where an English word seldom reads so (`tech` would be te
    and the start of chan, chen…)."""
    pieces = split_pinyin(word)
    if pieces is None or pieces[-1] in syllables():
        return None
    return pieces if after_pinyin or len(pieces) > 2 else None


def parse(raw: str) -> Query:
    raw = (raw or "")[: MAX_QUERY_CHARS * 4]
    # A word given twice matches what it matches once, and would cost the database twice
    # (`a a a a a a a a`: a second at 100,000 enterprises).
    found = list(
        joined_syllables(without_divisions(joined_places(tokens(raw[:MAX_QUERY_CHARS])))).items()
    )
    found = found[:MAX_QUERY_TOKENS]
    terms = []
    for number, (token, written_apart) in enumerate(found, start=1):
        if is_cjk(token):
            terms.append(Term(token, cjk=True, spelled=spelled(token)))
        else:
            pinyin = written_apart or split_pinyin(token, allow_partial_end=False)
            if pinyin is None and number == len(found):
                pinyin = pinyin_being_typed(token, after_pinyin=any(t.pinyin for t in terms))
            # One short syllable ("co", "an") would match too much pinyin to be worth it.
            if pinyin and len(pinyin) == 1 and (len(token) < 4 or token not in syllables()):
                pinyin = None
            terms.append(
                Term(token, cjk=False, pinyin=pinyin, written_apart=written_apart is not None)
            )
    return Query(raw=raw, terms=terms)
