# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ICD-10-CM from the CDC tabular XML (``icd10cm-tabular-<year>.xml``, ``<ICD10CM.tabular>`` root).

The tree is chapter → section (block) → diag (category, 3 characters) → diag (subcategories and codes).
Codes that need a 7th character are not listed in the XML: they are built from the nearest ``sevenChrDef``
(on the code itself or an ancestor) for every leaf below it, the code being padded with the placeholder
``X`` to six characters first (``T07`` → ``T07XXXA``). A ``notes`` element may restrict the 7th characters
("7th characters D and S do not apply to codes in category S06 with 6th character 7 … or 8 …"); such
notes are read and applied.

Codes are returned without their dot. Blocks are named by their range (``J20-J22``); the few blocks
that hold a single category (the CDC names the ``B20`` block ``B20``, like its category) are named
``B20-B20`` so that a code names one entry only. Chapters keep their number (``1`` … ``22``).
"""

import importlib.util
import re
from datetime import date
from pathlib import Path

from lxml import etree

from .common import CodeRow, CodeSet, date_from_filename, no_progress, shown, unzip, xml_problem
from .errors import CodeFileError

SYSTEM = "icd10cm"
PACKAGE_FILE = "icd10c-tabular-April-1-2026.xml"

CHAPTER_RE = re.compile(r"\d{1,2}")
SECTION_RE = re.compile(r"([A-Z][0-9A-Z]{2})(?:-([A-Z][0-9A-Z]{2}))?")
DIAG_RE = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?")
MAX_SECTION_DEPTH = 10
XML_DECLARATION_RE = re.compile(rb"<\?xml\s([^>]*)\?>")
XML_ENCODING_RE = re.compile(rb"encoding\s*=\s*[\"']([^\"']*)[\"']")
XML_ENCODINGS = ("utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1")
EXCLUSION_RE = re.compile(
    r"7th characters? ((?:[A-Z](?:,|\s)+(?:and\s+|or\s+)?)+)do(?:es)? not apply to codes in (?:sub)?category "
    r"([A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]+)?) with ([0-9])th character (.*)",
    re.I | re.S,
)


def packaged_source():
    """The ICD-10-CM tabular XML shipped by the ``simple-icd-10-cm`` package: ``(bytes, filename)``.

    The file is found without importing the package, whose import parses the whole XML (seconds).
    """
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise CodeFileError(
            0, "the simple-icd-10-cm package, which ships the ICD-10-CM release, is not installed"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / PACKAGE_FILE
    if not path.is_file():
        raise CodeFileError(
            0, f"the simple-icd-10-cm package has no {PACKAGE_FILE}: another version is installed"
        )
    return path.read_bytes(), PACKAGE_FILE


def _text(element, tag):
    child = element.find(tag)
    if child is None or not (child.text or "").strip():
        return None
    return " ".join(child.text.split())


class _Parser:
    def __init__(self, progress, total_lines):
        self.rows = []
        self.seen = {}
        self.progress = progress
        self.total_lines = max(total_lines, 1)
        self.next_report = 0

    def add(self, row, element):
        other = self.seen.get(row.code)
        if other is not None:
            raise CodeFileError(element.sourceline, f"code {row.code} appears twice (first on line {other})")
        self.seen[row.code] = element.sourceline
        self.rows.append(row)
        if len(self.rows) >= self.next_report:
            self.next_report += 2000
            self.progress(min(element.sourceline / self.total_lines, 1.0), f"{len(self.rows)} codes read")

    def chapter(self, element):
        name = _text(element, "name")
        if not name or not CHAPTER_RE.fullmatch(name):
            raise CodeFileError(
                element.sourceline, f"chapter has no valid number (<name>{shown(name or '')[1:-1]}</name>)"
            )
        desc = _text(element, "desc")
        if not desc:
            raise CodeFileError(element.sourceline, f"chapter {name} has no description (<desc>)")
        self.add(CodeRow(SYSTEM, name, desc, billable=False, level="chapter"), element)
        sections = [child for child in element if child.tag == "section"]
        if not sections:
            raise CodeFileError(element.sourceline, f"chapter {name} holds no section")
        for section in sections:
            self.section(section, name)

    def section(self, element, parent, depth=1):
        if depth > MAX_SECTION_DEPTH:
            raise CodeFileError(
                element.sourceline, f"sections are nested more than {MAX_SECTION_DEPTH} deep: not a CDC file"
            )
        ident = (element.get("id") or "").strip()
        match = SECTION_RE.fullmatch(ident)
        if not match:
            raise CodeFileError(
                element.sourceline, f"section id {shown(ident)} is not a code range such as A00-A09"
            )
        code = ident if match.group(2) else f"{ident}-{ident}"
        desc = _text(element, "desc")
        if not desc:
            raise CodeFileError(element.sourceline, f"section {ident} has no description (<desc>)")
        # A range heading is never billable, not even one with nothing filed under it (C00-C96) or one named
        # like its only category (B20-B20): the billable codes are the categories and subcategories without
        # children (simple_icd_10_cm: is_leaf and (is_category or is_subcategory)), 74,719 in FY2026.
        self.add(CodeRow(SYSTEM, code, desc, billable=False, level="block", parent_code=parent), element)
        for child in element:
            if child.tag == "diag":
                self.diag(child, code, None, None, [])
            elif child.tag == "section":
                self.section(child, code, depth + 1)

    def diag(self, element, parent, parent_name, seven, exclusions):
        # one pass over the children: find() and iterfind() per tag cost more than the whole walk
        name = desc = None
        children = []
        for child in element:
            tag = child.tag
            if tag == "diag":
                children.append(child)
            elif tag == "name":
                name = " ".join((child.text or "").split())
            elif tag == "desc":
                desc = " ".join((child.text or "").split())
            elif tag == "sevenChrDef":
                seven = self.seven_chr_def(child, name)
            elif tag == "notes":
                exclusions = self.exclusions(child, exclusions)
        if not name or not DIAG_RE.fullmatch(name):
            raise CodeFileError(
                element.sourceline, f"<diag> has no valid code name (<name>{shown(name or '')[1:-1]}</name>)"
            )
        if parent_name and not name.startswith(parent_name):
            raise CodeFileError(
                element.sourceline, f"code {name} is filed under {parent_name}, which is not its stem"
            )
        if not parent_name and len(name) != 3:
            raise CodeFileError(
                element.sourceline, f"code {name} sits directly in a section: expected a category"
            )
        if not desc:
            raise CodeFileError(element.sourceline, f"code {name} has no description (<desc>)")
        code = name.replace(".", "")
        extended = []
        if not children and seven:
            base = code.ljust(6, "X")
            extended = [
                (base + char, text)
                for char, text in seven
                if not any(
                    base.startswith(stem) and base[position] in digits and char in chars
                    for stem, position, digits, chars in exclusions
                )
            ]
        level = "category" if len(code) == 3 else "code"
        leaf = not children and not extended
        self.add(CodeRow(SYSTEM, code, desc, billable=leaf, level=level, parent_code=parent), element)
        for child in children:
            self.diag(child, code, name, seven, exclusions)
        for extended_code, text in extended:
            self.add(
                CodeRow(SYSTEM, extended_code, f"{desc}, {text}", level="code", parent_code=code), element
            )

    @staticmethod
    def exclusions(element, inherited):
        """Read "7th characters D and S do not apply to codes in category S06 with 6th character 7 …"."""
        for note in element:
            match = EXCLUSION_RE.search(note.text or "") if note.tag == "note" else None
            if match:
                chars = set(re.findall(r"\b[A-Z]\b", match.group(1)))
                digits = set(re.findall(r"\b(\d)\s+-", match.group(4)))
                position = int(match.group(3)) - 1
                if not 0 <= position < 6:
                    raise CodeFileError(
                        note.sourceline,
                        f"the note on 7th characters names the {match.group(3)}th character of the code: "
                        "only the 1st to 6th characters come before the 7th",
                    )
                inherited = [*inherited, (match.group(2).replace(".", ""), position, digits, chars)]
        return inherited

    @staticmethod
    def seven_chr_def(element, name):
        extensions = []
        for child in element:
            if child.tag == "extension":
                char = (child.get("char") or "").strip()
                if not re.fullmatch(r"[0-9A-Z]", char):
                    raise CodeFileError(
                        child.sourceline, f"7th character {shown(char)} of {name} is not one character"
                    )
                extensions.append([char, " ".join((child.text or "").split())])
            elif child.tag == "note" and extensions and (child.text or "").strip():
                # a note after an extension completes its text, as the CDC prints it ("…/…")
                extensions[-1][1] += "/" + " ".join(child.text.split())
        if not extensions:
            raise CodeFileError(element.sourceline, f"<sevenChrDef> of {name} defines no 7th character")
        return [tuple(extension) for extension in extensions]


def release_date(root, filename):
    """The release date from the file name (``…April-1-2026…``), else October 1 before the version year."""
    found = date_from_filename(filename)
    if found:
        return found
    version = (root.findtext("version") or "").strip()
    if re.fullmatch(r"\d{4}", version):
        return date(int(version) - 1, 10, 1)
    return None


def _check_prolog(data):
    """Refuse what the CDC never ships and an attack needs: a DTD (entity declarations), or an
    encoding other than UTF-8/ASCII/Latin-1, in which a DTD could hide from the check."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    declaration = XML_DECLARATION_RE.match(head)
    declared = XML_ENCODING_RE.search(declaration.group(1)) if declaration else None
    encoding = declared.group(1).decode("latin-1").lower() if declared else "utf-8"
    if b"\x00" in data or encoding not in XML_ENCODINGS:
        raise CodeFileError(
            0, "the file is not a UTF-8 XML file: this is not a CDC ICD-10-CM tabular XML file"
        )
    if not head.startswith(b"<"):
        raise CodeFileError(1, "the file is not well-formed XML: it does not start with a '<' tag")
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        index = data.find(marker)
        if index >= 0:
            raise CodeFileError(
                data[:index].count(b"\n") + 1,
                "the file declares a document type (<!DOCTYPE> or <!ENTITY>), which the CDC tabular XML "
                "never does: refused, its entities are not expanded",
            )


def parse(data, filename=None, progress=no_progress):
    """Parse a CDC ICD-10-CM tabular XML file (bytes, or a zip holding it) into a :class:`CodeSet`."""
    data = unzip(data, r"tabular.*\.xml$", "ICD-10-CM tabular XML")
    if not data.strip():
        raise CodeFileError(0, "the file is empty")
    _check_prolog(data)
    # No entity is ever expanded, no DTD or network resource loaded, and libxml2 keeps its limits
    # (depth 256, no "huge" documents): an entity-expansion bomb cannot eat the server's memory.
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, remove_comments=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if getattr(exc, "position", None) else 0)
        raise CodeFileError(line, f"the file is not well-formed XML: {xml_problem(exc)}") from exc
    if root.tag != "ICD10CM.tabular":
        raise CodeFileError(
            root.sourceline,
            f"the root element is <{shown(root.tag)[1:-1]}>: this is not a CDC ICD-10-CM tabular XML file "
            "(expected <ICD10CM.tabular>)",
        )
    chapters = [child for child in root if child.tag == "chapter"]
    if not chapters:
        raise CodeFileError(root.sourceline, "the file holds no <chapter>")
    walker = _Parser(progress, data.count(b"\n") + 1)
    for chapter in chapters:
        walker.chapter(chapter)
    progress(1.0, f"{len(walker.rows)} codes read")
    when = release_date(root, filename)
    version = (root.findtext("version") or "").strip()
    label = f"ICD-10-CM {version}" + (f" ({when:%B} {when.day}, {when.year})" if when else "")
    return CodeSet(rows=walker.rows, systems=(SYSTEM,), release_date=when, label=label)
