# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared pieces of the code-set parsers: the row they produce and small file helpers."""

import io
import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date

from .errors import CodeFileError

LEVELS = ("chapter", "block", "category", "code")


@dataclass(slots=True)
class CodeRow:
    """One code as a file describes it, ready to be written to ``medical.code``.

    ``code`` is canonical (upper case, no dot). ``parent_code`` names the parent in the same system.
    ``date_start`` / ``date_end`` are None when the file does not give them.
    """

    system: str
    code: str
    name: str
    description: str | None = None
    billable: bool = True
    level: str | None = None
    parent_code: str | None = None
    date_start: date | None = None
    date_end: date | None = None


@dataclass(slots=True)
class CodeSet:
    """What a parser returns: the rows of one release and the facts about the release itself."""

    rows: list[CodeRow]
    #: the systems the file is authoritative for (codes of these systems missing from it get end-dated)
    systems: tuple[str, ...]
    #: the date the release takes effect, when the file or its name tells it
    release_date: date | None = None
    #: human description of the release, e.g. "ICD-10-CM 2026 (April 1, 2026)"
    label: str = ""
    #: True when the rows carry their own start dates (HCPCS add dates), so imports must keep them
    dates_from_file: bool = False
    counts: dict = field(default_factory=dict)


def no_progress(fraction, message=""):
    """Default progress callback: ignore."""


#: the most a zip member may expand to: the largest release (ICD-10-CM tabular XML) is about 10 MB
MAX_EXPANDED_SIZE = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
#: what zipfile, zlib, bz2 and lzma raise on a damaged, truncated, encrypted or exotic archive
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    struct.error,
)


def shown(value, limit=40):
    """``repr`` of a value for a message, shortened: a bad field is named, never copied whole."""
    value = str(value)
    return repr(value if len(value) <= limit else value[:limit] + "…")


def xml_problem(exc):
    """libxml2's message for an XML syntax error, every long word (a tag name, a value) shortened."""
    return re.sub(r"\S{41,}", lambda match: match.group()[:40] + "…", str(exc.msg or exc))[:300]


def _damaged(exc):
    return CodeFileError(0, f"the zip archive cannot be read: it is damaged ({type(exc).__name__})")


class _CappedMember(io.RawIOBase):
    """A zip member read in chunks: a damaged member, or one past ``limit`` bytes, raises CodeFileError."""

    def __init__(self, member, name, limit, what):
        super().__init__()
        self._member = member
        self._name = name
        self._limit = limit
        self._what = what
        self._count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            data = self._member.read(len(buffer))
        except ZIP_ERRORS as exc:
            raise _damaged(exc) from None
        self._count += len(data)
        if self._count > self._limit:
            raise _too_big(self._name, self._limit, self._what)
        buffer[: len(data)] = data
        return len(data)


def _too_big(name, limit, what):
    return CodeFileError(
        0,
        f"the ZIP member {shown(name, 60)} expands to more than {limit // (1024 * 1024)} MB: "
        f"this is not a {what} file",
    )


def is_zip(stream):
    """True when the binary ``stream`` (rewound after the peek) starts like a zip archive."""
    head = stream.read(4)
    stream.seek(0)
    return head == b"PK\x03\x04"


def zip_members(stream, select, limit, what):
    """The members of the zip archive ``stream`` whose base name ``select`` accepts, in name order.

    Yields ``(name, binary stream)``; each stream is read in chunks and refused once it passes ``limit``
    bytes, so a small zip that expands to gigabytes never reaches memory. A damaged or encrypted archive
    is refused with :class:`CodeFileError`; ``what`` names the expected file in messages.
    The one zip reader of every file reader (code sets, NCCI PTP, MUE).
    """
    try:
        archive = zipfile.ZipFile(stream)
        infos = sorted(
            (
                info
                for info in archive.infolist()
                if not info.is_dir() and select(info.filename.rsplit("/", 1)[-1])
            ),
            key=lambda info: info.filename,
        )
    except ZIP_ERRORS as exc:
        raise _damaged(exc) from None
    with archive:
        for info in infos:
            name = info.filename
            if info.flag_bits & 0x1:
                raise CodeFileError(0, f"the ZIP member {shown(name, 60)} is encrypted: unzip it first")
            if info.file_size > limit:
                raise _too_big(name, limit, what)
            try:
                member = archive.open(info)
            except ZIP_ERRORS as exc:
                raise _damaged(exc) from None
            with member:
                yield name, io.BufferedReader(_CappedMember(member, name, limit, what), _CHUNK)


def zip_member_names(stream, select):
    """The base names of the members ``select`` accepts, and the first 20 names of the archive."""
    try:
        archive = zipfile.ZipFile(stream)
        names = archive.namelist()
    except ZIP_ERRORS as exc:
        raise _damaged(exc) from None
    finally:
        stream.seek(0)
    return [name for name in names if not name.endswith("/") and select(name.rsplit("/", 1)[-1])], names[:20]


def unzip(data, member_pattern, what, limit=None):
    """Return the bytes of the member matching ``member_pattern`` when ``data`` is a zip, else ``data``.

    The CDC and CMS publish their files zipped; accepting the zip saves the administrator a step. The
    member is read through :func:`zip_members`, capped at ``limit`` bytes (``MAX_EXPANDED_SIZE``).
    """
    if not data.startswith(b"PK\x03\x04"):
        return data
    limit = MAX_EXPANDED_SIZE if limit is None else limit

    def select(name):
        return re.search(member_pattern, name, re.I)

    stream = io.BytesIO(data)
    found, names = zip_member_names(stream, select)
    if len(found) != 1:
        listed = ", ".join(shown(name, 60) for name in names)
        raise CodeFileError(
            0,
            f"the zip archive holds {len(found)} {what} files (expected exactly one); "
            f"its members are: {listed}",
        )
    try:
        for _name, member in zip_members(stream, select, limit, what):
            return member.read()
    except ZIP_ERRORS as exc:
        if isinstance(exc, CodeFileError):
            raise
        raise _damaged(exc) from None
    raise _damaged(zipfile.BadZipFile())


def decode(data, encodings):
    """Decode ``data`` with the first encoding that works; name the line of the first bad byte otherwise."""
    error = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
    line = data[: error.start].count(b"\n") + 1
    raise CodeFileError(
        line,
        f"byte 0x{data[error.start]:02x} cannot be read as text "
        f"(tried {', '.join(encodings)}): the file is not a text file in the expected encoding",
    )


def split_lines(text):
    """Split on line feeds only (``str.splitlines`` also breaks on \\x85, \\x1c… which Latin-1 text holds)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def parse_yyyymmdd(value, line, what):
    """``YYYYMMDD`` (blank for none) to a date; a malformed value is refused with its line."""
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{8}", value):
        raise CodeFileError(line, f"{what} {shown(value)} is not a date in the form YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as exc:
        raise CodeFileError(line, f"{what} {shown(value)} is not a valid date ({exc})") from exc


MONTHS = ("january february march april may june july august september october november december").split()


def date_from_filename(filename):
    """Find a release date in a file name such as ``icd10c-tabular-April-1-2026.xml``."""
    if not filename:
        return None
    match = re.search(r"(%s)[-_ .]*(\d{1,2})[-_ .,]*(\d{4})" % "|".join(MONTHS), filename, re.I)
    if not match:
        return None
    try:
        return date(int(match.group(3)), MONTHS.index(match.group(1).lower()) + 1, int(match.group(2)))
    except ValueError:
        return None
