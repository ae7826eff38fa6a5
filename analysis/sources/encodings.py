"""Text encodings of input files: detected (or declared), never guessed in silence.

A legacy single-byte file is read in the encoding it was written in, never mis-decoded as
UTF-8; files DuckDB cannot scan as they are (a legacy encoding, UTF-16, CR-only line ends)
are copied once as UTF-8 with LF line ends.
"""

import atexit
import codecs
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from analysis.errors import InputFileError
from analysis.paths import StrPath

HEAD_BYTES = 256 * 1024
"""How much of a text file is decoded to find its header and delimiter."""
ENCODING_SAMPLE_BYTES = 8 * 1024**2
LEGACY_ENCODINGS = ("cp1252", "mac_roman", "latin-1")


def check_encoding(name: object, where: str) -> None:
    """Raise InputFileError unless Python knows the encoding ``name``."""
    try:
        codecs.lookup(str(name))
    except LookupError:
        raise InputFileError(
            f"{where}: unknown text encoding {name!r} (try utf-8, cp1252, mac_roman, utf-16)"
        ) from None


def detect_encoding(path: StrPath, declared: str | None = None) -> str:
    """Return the encoding of a text file: the declared one, a BOM's, UTF-8, or a legacy one.

    The first ENCODING_SAMPLE_BYTES decide (a multi-gigabyte table is not read twice); a
    later byte that is not UTF-8 is reported by the scan with its line, never mis-decoded.
    A file that is not UTF-8 is one of the single-byte encodings exports use (Windows-1252,
    Mac Roman, Latin-1): the one whose reading looks most like names (``plausibility``).
    The choice is reported in the validation summary.
    """
    if declared:
        check_encoding(declared, str(path))
        return codecs.lookup(declared).name
    with open(path, "rb") as handle:
        sample = handle.read(ENCODING_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    unmarked = _utf16_without_bom(sample[:4096])
    if unmarked:
        return unmarked
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < ENCODING_SAMPLE_BYTES)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in LEGACY_ENCODINGS:  # in order of preference when they read alike
        try:
            candidates.append((encoding, sample.decode(encoding)))
        except UnicodeDecodeError:
            pass  # Windows-1252 leaves five bytes undefined
    best = max(candidates, key=lambda candidate: plausibility(candidate[1][:SCORED_CHARACTERS]))[0]
    return codecs.lookup(best).name


def _utf16_without_bom(start: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text written without a byte-order mark: Latin
    text then has a zero byte in every other position (high bytes in LE, low in BE)."""
    half = len(start) // 2
    if half < 8:
        return None
    odd, even = start[1::2].count(0), start[0::2].count(0)
    if odd >= 0.4 * half and even <= odd / 8:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= even / 8:
        return "utf-16-be"
    return None


SCORED_CHARACTERS = 1 << 20
_NON_ASCII = re.compile("[^\x00-\x7f]")


def plausibility(text: str) -> int:
    """Score how much the non-ASCII characters of ``text`` look like names' letters.

    Counting bytes in 0x80–0x9F took Windows-1252 curly quotes and dashes (O’Brien) for Mac
    Roman letters; reading each candidate decoding instead, an accented letter in the case
    of its word, a dash or a quotation mark scores, while a capital inside a lower-case word
    (RÈsearch, UniversitŽ), a lower-case letter before a capital (OíBrien), a maths symbol
    or a control character costs.
    """
    score = 0
    for match in _NON_ASCII.finditer(text):
        start, end = match.span()
        character = match.group()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        category = unicodedata.category(character)
        if category == "Ll":
            score += -2 if after.isupper() else 2 if (before.isalpha() or after.isalpha()) else 0
        elif category == "Lu":
            score += -2 if before.islower() or (before.isalpha() and after.islower()) else 2
        elif category in ("Pd", "Pi", "Pf"):
            # Between two letters only an apostrophe belongs (O’Brien); not C—rdoba, S‹o.
            inside = before.isalpha() and after.isalpha()
            score += -2 if inside and character != "\u2019" else 2
        elif category[0] in "SC" and character not in "™®©°€£":
            score -= 3
    return score


_TEMP = []


def _temp_folder() -> Path:
    if not _TEMP:
        folder = Path(tempfile.mkdtemp(prefix="pct-inputs-"))
        atexit.register(shutil.rmtree, folder, True)
        _TEMP.append(folder)
    return _TEMP[0]


def utf8_copy(path: StrPath, encoding: str) -> Path:
    """Return a UTF-8, LF-terminated version of a text file that DuckDB can scan.

    UTF-8 files with LF or CRLF line ends are scanned as they are; others (a legacy
    encoding, UTF-16, CR-only line ends of old Mac exports) are copied once, line ends
    made LF, so line numbers stay those of the original.
    """
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if encoding == "utf-8" and not (b"\r" in head and b"\n" not in head):
        return Path(path)
    target = _temp_folder() / f"{len(list(_temp_folder().iterdir()))}-{Path(path).stem}.csv"
    with (
        open(path, encoding=encoding, newline=None) as source,
        open(target, "w", encoding="utf-8", newline="\n") as copy,
    ):
        shutil.copyfileobj(source, copy, 1 << 20)
    return target
