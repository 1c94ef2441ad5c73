# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every file reader, fed mutated real files, returns data or raises its own error, within a time bound.

Seeds are the real files of ``../shared`` (X12 samples and what pyx12 acknowledges of them, CMS files)
and the ICD-10-CM release shipped by simple-icd-10-cm, cut to a few kilobytes so that thousands of cases
run in minutes. Mutations: byte flips, insertions of huge numbers, exponents, NULs, non-ASCII digits and
markup, element replacement, segment or line deletion, duplication and swaps, truncation; zips of the
seeds are corrupted the same way, and zip bombs are built in memory.
"""

import io
import json
import os
import signal
import zipfile

import medical_billing_edi as edi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from medical_billing_edi import rarc_codes, status_codes, x12_ack_writer
from medical_codesets import common, cpt, hcpcs, icd10cm, mue_file, ncci_file, pos, quality
from medical_codesets.errors import CodeFileError

PROFILE = settings.get_profile("fuzz" if os.environ.get("MEDICAL_FUZZ") else "sample")
TIME_BOUND = float(os.environ.get("MEDICAL_FUZZ_TIME_BOUND", "3"))  # seconds per case, on a loaded machine
MAX_MESSAGE = 600  # an error names the position and the problem; it never copies the file

TOKENS = [
    b"9" * 4301,
    b"1" * 40,
    b"1E1000000",
    b"1E999999999999",
    b"1e-999999",
    b"-0",
    b"NaN",
    b"Infinity",
    b"99999999999",
    b"\x00",
    b"\x00" * 8,
    b"\xb2",
    "\u0663".encode(),
    "\u00b2".encode(),
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r",
    b"\n",
    b"\r\n",
    b"~",
    b"*",
    b":",
    b"^",
    b"\t",
    b",",
    b'"',
    b"'",
    b"\\",
    b"-",
    b".",
    b" ",
    b"PK\x03\x04",
    b"ISA",
    b"HL*9*8*PT",
    b"HL*2**19",
    b"QTY*90*1E1000000",
    b"AK9*A*" + b"9" * 4301 + b"*1*1",
    b"IK4*\xb2*782*6",
    b"SE*99999999999999999999*0001",
    b"<",
    b">",
    b"&",
    b"&lol;",
    b"<!DOCTYPE x [<!ENTITY lol 'lol'>]>",
    b'<?xml version="1.0" encoding="utf-16"?>',
    b"<section id='A00-A09'><desc>x</desc>" * 300,
    b"<diag><name>S06.0</name><desc>x</desc></diag>",
    b"<note>7th characters D and S do not apply to codes in category S06 with 7th character 7 - x</note>",
    b'<sevenChrDef><extension char="A">initial</extension></sevenChrDef>',
    b"</section>",
    b"</diag>",
    b"<![CDATA[x]]>",
    b"x" * 70000,
]


class TooSlow(BaseException):
    """Raised by the alarm: a BaseException, so no reader's ``except Exception`` can swallow it."""


def bounded(function, data):
    """``function(data)`` within TIME_BOUND seconds, or an AssertionError."""

    def expired(signum, frame):
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, TIME_BOUND)
    try:
        return function(data)
    except TooSlow:
        raise AssertionError(f"the reader took more than {TIME_BOUND} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------------------------
# mutations


@st.composite
def mutated(draw, seeds, record_sep, field_sep):
    """A seed with 1 to 4 mutations (``record_sep`` splits segments/lines, ``field_sep`` their fields)."""
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(
            st.sampled_from(
                ["flip", "insert", "replace", "element", "delete", "duplicate", "swap", "truncate"]
            )
        )
        size = len(data)
        at = draw(st.integers(0, size))
        if operation == "flip" and size:
            at = min(at, size - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif operation == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif operation == "replace":
            end = min(size, at + draw(st.integers(1, 12)))
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[end:]
        elif operation == "element":
            records = data.split(record_sep)
            index = draw(st.integers(0, len(records) - 1))
            fields = records[index].split(field_sep)
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.sampled_from(TOKENS))
            records[index] = field_sep.join(fields)
            data = record_sep.join(records)
        elif operation in ("delete", "duplicate", "swap"):
            records = data.split(record_sep)
            index = draw(st.integers(0, len(records) - 1))
            if operation == "delete":
                del records[index]
            elif operation == "duplicate":
                records.insert(index, records[index])
            else:
                other = draw(st.integers(0, len(records) - 1))
                records[index], records[other] = records[other], records[index]
            data = record_sep.join(records)
        elif operation == "truncate":
            data = data[:at]
    return data


def zipped(name, payload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# seeds


def x12_seeds(shared):
    samples = sorted((shared / "x12" / "samples").glob("X222-*.edi"))
    return samples, [path.read_bytes() for path in sorted((shared / "x12" / "negative").glob("*.edi"))]


def envelope(functional_id, version, set_id, bodies):
    return x12_ack_writer.interchange(functional_id, version, [(set_id, body) for body in bodies]).encode()


def claims_of(data):
    """(CLM01, charge, [(procedure, charge, units)]) of each claim of a real 837, and its payer/provider."""
    segments = [seg.split("*") for seg in data.decode("ascii").replace("\n", "").split("~") if seg]
    claims, payer, provider = [], "PAYER", "PROVIDER"
    for seg in segments:
        if seg[0] == "NM1" and seg[1] == "PR":
            payer = seg[3]
        elif seg[0] == "NM1" and seg[1] == "85":
            provider = seg[3]
        elif seg[0] == "CLM":
            claims.append((seg[1], seg[2], []))
        elif seg[0] == "SV1" and claims:
            claims[-1][2].append((seg[1].split(":")[1], seg[2], seg[4] if len(seg) > 4 else "1"))
    return payer, provider, claims


def ack_277_for(data):
    payer, provider, claims = claims_of(data)
    source = x12_ack_writer.Source277(source=f"NM1*PR*2*{payer}*****PI*12345")
    body = [
        *x12_ack_writer.ack_277ca_head(source, 225.5),
        f"QTY*90*{len(claims)}",
        "AMT*YU*125.5",
        "HL*3*2*19*1",
        f"NM1*85*2*{provider}*****XX*1234567893",
        "TRN*1*42-1",
        "STC*A1:19:PR**WQ*225.5",
        "QTY*QA*1",
        "AMT*YU*125.5",
    ]
    for number, (pcn, charge, lines) in enumerate(claims, start=4):
        rejected = number % 2
        body += [
            f"HL*{number}*3*PT",
            "NM1*QC*1*SMITH*JOHN****MI*W123456789",
            f"TRN*2*{pcn}",
            f"STC*{'A7:562:85' if rejected else 'A2:20:PR'}*20250306*{'U' if rejected else 'WQ'}*{charge}",
            "REF*1K*PAYERCLM0001",
            "DTP*472*D8*20250301",
        ]
        for procedure, line_charge, units in lines[:2]:
            body += [f"SVC*HC:{procedure}*{line_charge}*****{units}", "STC*A7:454*20250306*U", "REF*FJ*1"]
    return envelope("HN", "005010X214", "277", [body])


REJECTED_999 = x12_ack_writer.ack_999_body(
    43,
    [
        (
            "0001",
            "R",
            [
                "IK3*CLM*22*2300*8",
                "CTX*CLM01:PCN0001",
                "IK4*2*782*6*12A",
                "IK3*NM1*9*2010*8",
                "IK4*9:1:2*67*7",
            ],
        ),
        ("0002", "E", []),
    ],
)


def icd_excerpt():
    """The first categories of chapters 10 and 19 of the packaged CDC release (sevenChrDef, notes),
    about 30 kB: small enough for thousands of cases a minute."""
    data, _filename = icd10cm.packaged_source()
    root = etree.fromstring(data, etree.XMLParser(remove_comments=True))
    for chapter in list(root):
        if chapter.tag == "chapter" and chapter.findtext("name") not in ("10", "19"):
            root.remove(chapter)
        elif chapter.tag == "chapter":
            sections = [child for child in chapter if child.tag == "section"]
            for section in sections[1:]:
                chapter.remove(section)
            diags = [child for child in sections[0] if child.tag == "diag"]
            for diag in diags[1 if chapter.findtext("name") == "19" else 2 :]:
                sections[0].remove(diag)
        elif chapter.tag not in ("version",):
            root.remove(chapter)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


class Seeds(dict):
    """The seed files by reader, shown briefly when hypothesis reports a failing case."""

    def __repr__(self):
        return f"<seeds of {', '.join(self)}>"


@pytest.fixture(scope="session")
def seeds(shared_dir):
    samples, negative = x12_seeds(shared_dir)
    acks_999 = [edi.pyx12_999(path.read_bytes()).encode() for path in samples[:2]]
    acks_999.append(envelope("FA", "005010X231A1", "999", [REJECTED_999, [*REJECTED_999[:1], "AK9*R*0*0*0"]]))
    acks_277 = [ack_277_for(path.read_bytes()) for path in samples[:3]]
    remittances = [path.read_bytes() for path in sorted((shared_dir / "x12" / "samples").glob("X221-*.edi"))]
    hcpcs_lines = (shared_dir / "cms" / "hcpcs" / "HCPC2019_CONTR_ANWEB.txt").read_bytes().split(b"\n")
    hcpcs_seed = b"\n".join(hcpcs_lines[:60]) + b"\n"
    ncci_seed = (shared_dir / "cms" / "ncci" / "ccipra-v322r0-f1.excerpt.txt").read_bytes()
    mue_seed = (
        shared_dir / "cms" / "mue" / "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
    ).read_bytes()
    # CPT descriptors are the AMA's: a CSV in the licensed layout, of the NCCI file's codes and rationales
    cpt_rows = [b"code,short,long"] + [
        b'%s,"%s","%s"' % (fields[0], fields[6][:28], fields[6])
        for fields in (line.split(b"\t") for line in ncci_seed.split(b"\r\n")[6:40])
        if len(fields) > 6 and fields[0][:1].isdigit()
    ]
    cpt_seed = b"\r\n".join(dict.fromkeys(cpt_rows)) + b"\r\n"
    icd_seed = icd_excerpt()
    assert len(icd10cm.parse(icd_seed).rows) > 50
    return Seeds(
        {
            "999": acks_999 + negative,
            "277ca": acks_277 + negative,
            "835": remittances + negative,
            "icd10cm": [icd_seed, zipped("icd10cm-tabular-2027.xml", icd_seed)],
            "hcpcs": [hcpcs_seed, zipped("HCPC2019_CONTR_ANWEB.txt", hcpcs_seed)],
            "cpt": [cpt_seed],
            "pos": [
                (shared_dir / "cms" / "pos" / "cs-CMS-PlaceofServiceCodes.xml").read_bytes(),
                (shared_dir / "cms" / "pos" / "place_of_service_codes.derived.tsv").read_bytes(),
            ],
            "ncci-ptp": [ncci_seed, zipped("ccipra-v322r0-f1.txt", ncci_seed)],
            "mue": [mue_seed, zipped("MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", mue_seed)],
            "quality": quality_seeds(shared_dir),
            "claim-status-codes": [
                (shared_dir / "cms" / "remit" / "claim_status_category_codes.derived.tsv").read_bytes(),
                b"\n".join(
                    (shared_dir / "cms" / "remit" / "claim_status_codes.derived.tsv")
                    .read_bytes()
                    .split(b"\n")[:80]
                ),
            ],
            "rarc-codes": [
                b"\n".join(
                    (shared_dir / "cms" / "remit" / "rarc_hippo_2011.derived.tsv")
                    .read_bytes()
                    .split(b"\n")[:80]
                )
            ],
        }
    )


def read_835(data):
    """An 835 and its balancing: both must return, or raise X12Error."""
    result = edi.parse_835(data)
    return result, [edi.balance_errors(transaction) for transaction in result.transactions]


def quality_seeds(shared_dir):
    """The CMS 2025 benchmarks, and three measures of the claims single source (one JSON value a line)."""
    folder = shared_dir / "cms" / "quality"
    single = json.loads((folder / "qpp-single-source-2025.json").read_bytes())
    excerpt = {key: single[key] for key in ("128", "039", "249")}
    excerpt["039"]["eligibilityOptions"][0]["diagnosisExclusionCodes"][20:] = []
    return [(folder / "benchmarks-2025-claims.json").read_bytes(), json.dumps(excerpt, indent=1).encode()]


def read_ncci(data):
    return [row for _name, stream in ncci_file.open_sources(data) for row in ncci_file.parse(stream)]


def read_mue(data):
    return [
        row for _name, stream in ncci_file.open_sources(data, (".csv",)) for row in mue_file.parse(stream)
    ]


#: reader name -> (function of the bytes, its own error, record separator, field separator)
READERS = {
    "999": (edi.parse_999, edi.X12Error, b"~", b"*"),
    "277ca": (edi.parse_277ca, edi.X12Error, b"~", b"*"),
    "835": (read_835, edi.X12Error, b"~", b"*"),
    "icd10cm": (icd10cm.parse, CodeFileError, b"\n", b">"),
    "hcpcs": (hcpcs.parse, CodeFileError, b"\n", b" "),
    "cpt": (cpt.parse, CodeFileError, b"\n", b","),
    "pos": (pos.parse, CodeFileError, b"\n", b"\t"),
    "ncci-ptp": (read_ncci, CodeFileError, b"\n", b"\t"),
    "mue": (read_mue, CodeFileError, b"\n", b","),
    "quality": (quality.parse, CodeFileError, b"\n", b","),
    "claim-status-codes": (status_codes.parse_status_code_tsv, status_codes.CodeListError, b"\n", b"\t"),
    "rarc-codes": (rarc_codes.parse_rarc_tsv, rarc_codes.RarcListError, b"\n", b"\t"),
}


@pytest.mark.parametrize("name", list(READERS))
@settings(PROFILE)
@given(data=st.data())
def test_reader_returns_data_or_its_own_error(name, seeds, data):
    read, own_error, record_sep, field_sep = READERS[name]
    case = data.draw(mutated(seeds[name], record_sep, field_sep), label="file")
    try:
        result = bounded(read, case)
    except own_error as error:
        message = str(error)
        assert len(message) < MAX_MESSAGE, message[:MAX_MESSAGE]
        if own_error is edi.X12Error:
            assert message.startswith("segment ") and error.position >= 1
        return
    assert result is not None


@settings(PROFILE, max_examples=min(PROFILE.max_examples, 1000))
@given(
    expanded=st.integers(1, 4 * 1024 * 1024),
    limit=st.integers(1, 2 * 1024 * 1024),
    member=st.sampled_from(["HCPC2019_CONTR_ANWEB.txt", "ccipra-v322r0-f1.txt"]),
)
def test_zip_bombs_stop_at_the_cap(expanded, limit, member):
    """A member expanding past the cap is refused by both zip readers, whatever its size claims."""
    bomb = zipped(member, b"0" * expanded)
    if member.startswith("HCPC"):
        with pytest.raises(CodeFileError) as caught:
            bounded(
                lambda data: hcpcs.parse(data)
                if expanded <= limit
                else common.unzip(data, "contr", "x", limit),
                bomb,
            )
    else:
        with pytest.raises(CodeFileError) as caught:
            bounded(
                lambda data: [
                    list(ncci_file.parse(s)) for _n, s in ncci_file.open_sources(data, limit=limit)
                ],
                bomb,
            )
    if expanded > limit:
        assert "expands to more than" in str(caught.value)
