# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""270 writer and 271 reader (005010X279A1): no database.

pyx12 4.0 ships no 005010X279A1 map. The 270 is validated against pyx12's own 270 map
(004010X092A1, whose loops and segments 005010X279A1 keeps) adapted at test time to what 5010
changed in the parts the writer uses: ST03 (implementation convention reference) required, ISA12
00501 and GS08 005010X279A1, and DTP*291 (plan date) as the date qualifier of loops 2100C / 2100D. The adapted
map lives in a temporary folder; nothing of pyx12 is copied into the repository.

The 271 cases are built segment by segment after the examples of the 005010X279A1 guide.
"""

import io
import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import medical_billing_edi as edi
import pytest
from medical_billing_edi.x12_common import _flatten_pyx12_errors, _pyx12_quiet

NPI = "1234567893"

# ---------------------------------------------------------------------------------------------- 270


@pytest.fixture(scope="module")
def map_path(tmp_path_factory):
    import pyx12

    source = Path(pyx12.__file__).parent / "map"
    target = tmp_path_factory.mktemp("pyx12") / "map"
    shutil.copytree(source, target)
    text = (source / "270.4010.X092.A1.xml").read_text()
    st02 = (
        '<element xid="ST02">\n            <data_ele>329</data_ele>\n'
        "            <name>Transaction Set Control Number</name>\n"
        "            <usage>R</usage>\n            <seq>02</seq>\n          </element>"
    )
    assert text.count(st02) == 1
    text = text.replace(
        st02,
        st02 + '\n          <element xid="ST03">\n            <data_ele>1705</data_ele>\n'
        "            <name>Implementation Convention Reference</name>\n"
        "            <usage>R</usage>\n            <seq>03</seq>\n          </element>",
    )
    for version in ("00401", "004010X092A1"):  # ISA12 and GS08 of the map's own envelope
        assert text.count(f"<code>{version}</code>") == 1
    text = text.replace("<code>00401</code>", "<code>00501</code>")
    text = text.replace("<code>004010X092A1</code>", "<code>005010X279A1</code>")
    dates = "<code>102</code>\n"
    assert text.count(dates) == 2  # 2100C and 2100D DTP01
    text = text.replace(dates, dates.replace("102", "291") + dates)
    (target / "270.5010.X279.A1.xml").write_text(text)
    maps = (target / "maps.xml").read_text()
    anchor = '<map vriic="005010X222A1"'
    assert anchor in maps
    entry = '<map vriic="005010X279A1" fic="HS" abbr="270">270.5010.X279.A1.xml</map>\n    '
    (target / "maps.xml").write_text(maps.replace(anchor, entry + anchor, 1))
    return str(target)


def pyx12_errors(text, map_path):
    import pyx12.params
    import pyx12.x12n_document

    out = io.StringIO()
    with _pyx12_quiet():
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(text),
            fd_997=None,
            fd_html=None,
            fd_json=out,
            map_path=map_path,
        )
    errors = _flatten_pyx12_errors(json.loads(out.getvalue()))
    return ok, errors


def interchange(**values):
    defaults = {
        "sender_id": "SUBMIT01",
        "receiver_id": "CLEARHOUSE",
        "control_number": 7,
        "created": datetime(2006, 5, 1, 13, 19),
    }
    defaults.update(values)
    return edi.EligibilityInterchange(**defaults)


def inquiry(trace="93175-012547", **values):
    """The inquiry of the guide's first 270 example (subscriber is the patient)."""
    defaults = {
        "trace_number": trace,
        "payer_name": "ABC Company",
        "payer_id": "842610001",
        "provider": edi.InformationReceiver(name="Bone and Joint Clinic", npi=NPI),
        "subscriber": edi.Member(
            last_name="Smith", first_name="Robert", member_id="11122333301", birth_date=date(1943, 5, 19)
        ),
        "service_date": date(2006, 5, 1),
        "originator_id": "9877281234",
    }
    defaults.update(values)
    return edi.EligibilityInquiry(**defaults)


def test_270_of_the_guide_example_is_pyx12_valid(map_path):
    text = edi.write_270(interchange(), [inquiry()])
    segments = text.split("~")[2:-3]
    assert segments == [
        "ST*270*0001*005010X279A1",
        "BHT*0022*13*7*20060501*1319",
        "HL*1**20*1",
        "NM1*PR*2*ABC COMPANY*****PI*842610001",
        "HL*2*1*21*1",
        "NM1*1P*2*BONE AND JOINT CLINIC*****XX*1234567893",
        "HL*3*2*22*0",
        "TRN*1*93175-012547*9877281234",
        "NM1*IL*1*SMITH*ROBERT****MI*11122333301",
        "DMG*D8*19430519",
        "DTP*291*D8*20060501",
        "EQ*30",
        "SE*13*0001",
    ]
    assert pyx12_errors(text, map_path) == (True, [])


def test_270_batch_with_dependent_and_service_types_is_pyx12_valid(map_path):
    dependent = edi.Member(
        last_name="Smith", first_name="Mary", birth_date=date(1999, 2, 3), gender="F", relationship="19"
    )
    other_provider = edi.InformationReceiver(name="Jones", first_name="Marcus", npi="1987654328")
    inquiries = [
        inquiry("T1", service_types=("30", "98", "AL")),
        inquiry("T2", dependent=dependent, originator_id=""),
        inquiry("T3", provider=other_provider),
        inquiry("T4", payer_name="Other Payer", payer_id="99999"),
    ]
    text = edi.write_270(interchange(), inquiries, line_breaks=True)
    ok, errors = pyx12_errors(text, map_path)
    assert errors == [] and ok
    assert "HL*3*2*22*1\n" not in text.replace("~", "")  # T1 has no dependent
    assert "TRN*1*T2*9123456789~\nNM1*03*1*SMITH*MARY~\nDMG*D8*19990203*F~\nINS*N*19~" in text
    # Four inquiries, three payer/provider pairs: 3 x (20 + 21) levels + 4 subscribers + 1 dependent
    assert text.count("HL*") == 11
    assert text.count("EQ*") == 6


def test_270_map_rejects_a_broken_file(map_path):
    """The adapted map is a real check: a 270 without its EQ or with a foreign qualifier fails."""
    text = edi.write_270(interchange(), [inquiry()])
    broken = text.replace("NM1*IL*1*", "NM1*XX*1*")
    assert pyx12_errors(broken, map_path)[1]


def test_270_refuses_bad_inquiries_naming_the_trace_number_only():
    bad = inquiry(
        "T9",
        payer_id="",
        provider=edi.InformationReceiver(name="Clinic", npi="1234567890"),
        subscriber=edi.Member(last_name="Smith", member_id=""),
        service_types=("30", "3O0"),
    )
    with pytest.raises(edi.X12DataError) as caught:
        edi.write_270(interchange(), [bad, inquiry("T9")])
    message = str(caught.value)
    assert "T9: the payer has no electronic payer id" in message
    assert "T9: the provider's NPI is missing or invalid" in message
    assert "T9: the subscriber has no member id" in message
    assert "T9: a service type code is not 1-2 letters or digits" in message
    assert "T9: the trace number is used twice in the file" in message
    assert "SMITH" not in message.upper()
    with pytest.raises(edi.X12DataError, match="there is no inquiry to write"):
        edi.write_270(interchange(), [])


# ---------------------------------------------------------------------------------------------- 271


def envelope_271(*body, control="000000905"):
    segments = [
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'CLEARHOUSE':<15}*ZZ*{'SUBMIT01':<15}*060501*1320*^*00501*{control}*0*T*:",
        "GS*HB*CLEARHOUSE*SUBMIT01*20060501*1320*905*X*005010X279A1",
        "ST*271*4322*005010X279A1",
        "BHT*0022*11*10001234*20060501*1319",
        *body,
    ]
    count = len(segments) - 2 + 1
    segments += ["SE*%d*4322" % count, "GE*1*905", f"IEA*1*{control}"]
    return "~\n".join(segments) + "~\n"


SOURCE = ["HL*1**20*1", "NM1*PR*2*ABC COMPANY*****PI*842610001"]
RECEIVER = ["HL*2*1*21*1", "NM1*1P*2*BONE AND JOINT CLINIC*****XX*1234567893"]
SUBSCRIBER = [
    "HL*3*2*22*0",
    "TRN*2*93175-012547*9877281234",
    "NM1*IL*1*SMITH*ROBERT****MI*11122333301",
    "REF*6P*GRP1234*ACME WIDGETS",
    "N3*15197 BROADWAY AVENUE*APT 215",
    "N4*KANSAS CITY*MO*64108",
    "DMG*D8*19430519*M",
    "DTP*346*D8*20060101",
]


def response(*benefits, subscriber=SUBSCRIBER):
    parsed = edi.parse_271(envelope_271(*SOURCE, *RECEIVER, *subscriber, *benefits))
    assert len(parsed.responses) == 1
    return parsed.responses[0]


def test_271_active_coverage_of_the_guide_example():
    answer = response(
        "EB*1**30**GOLD 123 PLAN",
        "EB*L",
        "LS*2120",
        "NM1*P3*1*JONES*MARCUS****XX*1987654328",
        "LE*2120",
        "EB*1**1^33^35^47^86^88^98^AL^MH^UC",
        "EB*B**1^33^35^47^86^88^98^AL^MH^UC*HM*GOLD 123 PLAN*27*10*****Y",
        "EB*B**1^33^35^47^86^88^98^AL^MH^UC*HM*GOLD 123 PLAN*27*30*****N",
    )
    assert answer.status == "active"
    assert answer.trace_numbers == ("93175-012547",)
    assert (answer.payer_name, answer.payer_id) == ("ABC COMPANY", "842610001")
    assert answer.member_id == "11122333301"
    assert (answer.group_number, answer.group_name) == ("GRP1234", "ACME WIDGETS")
    assert answer.plan_name == "GOLD 123 PLAN"
    assert (answer.plan_begin, answer.plan_end) == (date(2006, 1, 1), None)
    copays = answer.benefits_for("B", "98")
    assert [(c.amount, c.period, c.in_network) for c in copays] == [
        (Decimal("10"), "27", "Y"),
        (Decimal("30"), "27", "N"),
    ]
    assert answer.benefits[1].entities[0].entity_code == "P3"
    assert answer.benefits[2].service_types[-1] == "UC"


def test_271_inactive_coverage():
    subscriber = [*SUBSCRIBER[:-1], "DTP*347*D8*20060331"]
    answer = response("EB*6**30", "MSG*COVERAGE TERMINATED", subscriber=subscriber)
    assert answer.status == "inactive"
    assert answer.plan_end == date(2006, 3, 31)
    assert answer.benefits[0].messages == ("COVERAGE TERMINATED",)


def test_271_deductible_met_and_not_met_with_coinsurance_and_out_of_pocket():
    answer = response(
        "EB*1**30**GOLD 123 PLAN",
        "EB*C*IND*30***23*500*****Y",
        "EB*C*IND*30***29*0*****Y",
        "EB*C*FAM*30***23*1500*****Y",
        "EB*C*FAM*30***29*650.50*****Y",
        "DTP*292*RD8*20060101-20061231",
        "EB*G*IND*30***23*3000*****Y",
        "EB*G*IND*30***29*2750*****Y",
        "EB*A*IND*30***27**0.2****Y",
    )
    deductibles = answer.benefits_for("C")
    ind = {b.period: b.amount for b in deductibles if b.coverage_level == "IND"}
    fam = {b.period: b.amount for b in deductibles if b.coverage_level == "FAM"}
    assert ind == {"23": Decimal("500"), "29": Decimal("0")}  # met
    assert fam == {"23": Decimal("1500"), "29": Decimal("650.50")}  # not met
    assert deductibles[-1].date_from == date(2006, 1, 1) and deductibles[-1].date_to == date(2006, 12, 31)
    assert [b.amount for b in answer.benefits_for("G")] == [Decimal("3000"), Decimal("2750")]
    assert answer.benefits_for("A")[0].percent == Decimal("0.2")


def test_271_prior_authorisation_required_and_non_covered():
    answer = response(
        "EB*1**30",
        "EB*CB**MH********Y",
        "EB*I**AL",
    )
    assert answer.benefits_for("CB", "MH")[0].authorization_required is True
    assert answer.benefits_for("I", "AL")[0].code == "I"
    assert answer.benefits_for("1")[0].authorization_required is None


def test_271_rejection_of_the_subscriber():
    subscriber = ["HL*3*2*22*0", "TRN*2*93175-012547*9877281234", "NM1*IL*1*SMITH*ROBERT", "AAA*Y**72*C"]
    answer = response(subscriber=subscriber)
    assert answer.status == "rejected"
    assert [(r.level, r.reason, r.follow_up, r.valid_request) for r in answer.rejections] == [
        ("subscriber", "72", "C", True)
    ]


def test_271_rejection_of_the_payer_applies_to_its_subscribers():
    source = [*SOURCE, "AAA*Y**42*R"]
    parsed = edi.parse_271(envelope_271(*source, *RECEIVER, *SUBSCRIBER[:3]))
    (answer,) = parsed.responses
    assert answer.status == "rejected"
    assert answer.rejections[0].level == "source" and answer.rejections[0].reason == "42"
    # A payer level rejected without subscriber level beneath is reported apart.
    alone = edi.parse_271(envelope_271(*source))
    assert alone.responses == ()
    assert [(ref, r.reason) for ref, r in alone.unmatched_rejections] == [("10001234", "42")]


def test_271_other_payer_named():
    answer = response(
        "EB*1**30",
        "EB*R**30*C1",
        "REF*IG*9876",
        "LS*2120",
        "NM1*PR*2*XYZ INSURANCE*****PI*99999",
        "N3*1 INSURANCE WAY",
        "N4*DALLAS*TX*75201",
        "LE*2120",
    )
    assert [(p.name, p.identifier) for p in answer.other_payers] == [("XYZ INSURANCE", "99999")]


def test_271_dependent_answer_carries_the_trace():
    body = [
        *SOURCE,
        *RECEIVER,
        "HL*3*2*22*1",
        "NM1*IL*1*SMITH*ROBERT****MI*11122333301",
        "HL*4*3*23*0",
        "TRN*2*T2*9877281234",
        "NM1*03*1*SMITH*MARY",
        "EB*1**30",
    ]
    parsed = edi.parse_271(envelope_271(*body))
    (answer,) = parsed.responses
    assert answer.level == "dependent" and answer.status == "active"
    assert parsed.find("T2") is answer and parsed.find("nope") is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (["EB*1**30"], r"segment 5 \(EB\): segment before the first HL level"),
        ([*SOURCE, *RECEIVER, "HL*3*9*22*0"], r"segment 9 \(HL\): HL02 does not point"),
        ([*SOURCE, *RECEIVER, *SUBSCRIBER, "EB*ZZ**30"], r"\(EB\): EB01 is not an eligibility"),
        ([*SOURCE, *RECEIVER, *SUBSCRIBER, "EB*C**30***23*ABC"], r"\(EB\): benefit amount \(EB07\)"),
        ([*SOURCE, *RECEIVER, *SUBSCRIBER, "AAA*Q**72"], r"\(AAA\): AAA01 must be Y or N"),
        ([*SOURCE, *RECEIVER, *SUBSCRIBER, "EB*1", "LS*2120"], r"loop 2120 opened by LS has no LE"),
        ([*SOURCE, *RECEIVER, *SUBSCRIBER, "CLM*1"], r"\(CLM\): segment not allowed"),
    ],
)
def test_271_bad_content_names_the_segment(body, message):
    with pytest.raises(edi.X12Error, match=message):
        edi.parse_271(envelope_271(*body))


def test_271_refuses_other_transactions():
    text = envelope_271(*SOURCE).replace("GS*HB*", "GS*HC*")
    with pytest.raises(edi.X12Error, match=r"segment 2 \(GS\): functional group 'HC' is not a 271"):
        edi.parse_271(text)
