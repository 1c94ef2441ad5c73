# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CMS place-of-service codes, from the HL7 FHIR CodeSystem XML or a tab-separated list.

FHIR: ``<CodeSystem xmlns="http://hl7.org/fhir">`` with ``<concept><code value="11"/><display value="Office"/>
<definition value="…"/></concept>``. TSV: ``code<TAB>name<TAB>description`` with an optional header row.
"""

import csv
import io
import re
from datetime import date

from lxml import etree

from .common import CodeRow, CodeSet, decode, no_progress, shown, xml_problem
from .errors import CodeFileError

FHIR = "{http://hl7.org/fhir}"
CODE_RE = re.compile(r"\d{2}")


def _row(code, name, description, line, seen):
    if not CODE_RE.fullmatch(code):
        raise CodeFileError(line, f"place of service {shown(code)} is not a two-digit code")
    if code in seen:
        raise CodeFileError(line, f"place of service {code} appears twice (first on line {seen[code]})")
    if not name:
        raise CodeFileError(line, f"place of service {code} has no name")
    seen[code] = line
    return CodeRow("pos", code, name, description=description or None)


def _parse_fhir(data):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CodeFileError(exc.lineno or 0, f"the file is not well-formed XML: {xml_problem(exc)}") from exc
    if etree.QName(root).localname != "CodeSystem":
        raise CodeFileError(
            root.sourceline, f"the root element is <{shown(root.tag)[1:-1]}>, not a FHIR <CodeSystem>"
        )
    ns = FHIR if root.tag.startswith(FHIR) else ""

    def value(element, tag):
        child = element.find(ns + tag)
        return " ".join((child.get("value") or "").split()) if child is not None else ""

    rows, seen = [], {}
    for concept in root.iter(ns + "concept"):
        rows.append(
            _row(
                value(concept, "code"),
                value(concept, "display"),
                value(concept, "definition"),
                concept.sourceline,
                seen,
            )
        )
    version = value(root, "version")
    release = None
    if re.fullmatch(r"\d{8}", version):
        try:
            release = date(int(version[:4]), int(version[4:6]), int(version[6:]))
        except ValueError:
            release = None
    return rows, release, f"CMS place of service codes {version}".strip()


def _parse_tsv(data):
    text = decode(data, ["utf-8-sig", "cp1252"])
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, seen = [], {}
    line = 1
    try:
        for record in reader:
            number, line = line, reader.line_num + 1
            if not any(field.strip() for field in record):
                continue
            code = record[0].strip()
            if not rows and not seen and not CODE_RE.fullmatch(code) and not code[:1].isdigit():
                seen[None] = number  # header row, e.g. "pos_code  pos_name  pos_description"
                continue
            name = record[1].strip() if len(record) > 1 else ""
            description = record[2].strip() if len(record) > 2 else ""
            rows.append(_row(code, " ".join(name.split()), " ".join(description.split()), number, seen))
    except csv.Error as exc:
        raise CodeFileError(line, f"the file cannot be read as tab-separated values: {exc}") from exc
    return rows, None, "CMS place of service codes"


def parse(data, filename=None, progress=no_progress):
    """Parse the CMS place-of-service list (FHIR CodeSystem XML or TSV) into a :class:`CodeSet`."""
    if not data.strip():
        raise CodeFileError(0, "the file is empty")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        rows, release, label = _parse_fhir(data)
    else:
        rows, release, label = _parse_tsv(data)
    if not rows:
        raise CodeFileError(0, "the file holds no place-of-service code")
    progress(1.0, f"{len(rows)} codes read")
    return CodeSet(rows=rows, systems=("pos",), release_date=release, label=label)
