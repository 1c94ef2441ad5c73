# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""837P writer: every generated file must pass pyx12 and read back with pyx12's own reader.

Over 500 lines: a test per loop and rule of the writer (and of the checks that refuse bad claims), all
built from the same sample interchange at the top; split by loop, each part would import that sample
from another test module.
"""

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import medical_billing_edi as edi
import pytest
from pyx12.x12file import X12Reader

BILLING_NPI = "1234567893"
RENDERING_NPI = "1987654328"
REFERRING_NPI = "1543210987"
FACILITY_NPI = "1678901236"
OTHER_BILLING_NPI = "1111111112"
PE = "207R00000X"  # rendering provider taxonomy

ADDRESS = edi.Address(line1="123 Main St", city="Springfield", state="IL", postal_code="62701-1234")
HOME = replace(ADDRESS, line1="9 Elm St", line2="Apt 4", postal_code="62704")


def interchange(**values):
    defaults = {
        "sender_id": "SUBMIT01",
        "receiver_id": "CLEARHOUSE",
        "control_number": 42,
        "created": datetime(2025, 3, 4, 10, 30),
        "submitter": edi.Submitter(
            name="Acme Billing",
            submitter_id="SUBMIT01",
            contact_name="Jane Doe",
            phone="(217) 555-0100",
        ),
        "receiver": edi.Receiver(name="Clearing House", receiver_id="CLEARHOUSE"),
    }
    defaults.update(values)
    return edi.Interchange(**defaults)


def billing(npi=BILLING_NPI, name="Springfield Family Practice"):
    ein, taxonomy = "12-3456789", "207Q00000X"
    return edi.BillingProvider(name=name, npi=npi, ein=ein, address=ADDRESS, taxonomy=taxonomy)


def subscriber(member_id="W123456789", **values):
    defaults = {
        "last_name": "Smith",
        "first_name": "John",
        "member_id": member_id,
        "group_number": "GRP1",
        "address": HOME,
        "birth_date": date(1970, 1, 2),
        "sex": "M",
    }
    defaults.update(values)
    return edi.Subscriber(**defaults)


PAYER = edi.Payer(name="Big Payer", payer_id="12345")
CHILD = edi.Patient(
    last_name="Smith",
    first_name="Amy",
    relationship="19",
    address=HOME,
    birth_date=date(2012, 5, 6),
    sex="F",
)


def line(code="99213", charge="100.00", **values):
    defaults = {
        "procedure_code": code,
        "charge": Decimal(charge),
        "service_date": date(2025, 3, 1),
        "diagnosis_pointers": (1,),
    }
    defaults.update(values)
    return edi.Line(**defaults)


def claim(pcn="PCN0001", **values):
    defaults = {
        "patient_control_number": pcn,
        "subscriber": subscriber(),
        "payer": PAYER,
        "diagnoses": ("J20.9", "R05.1"),
        "lines": (
            line(
                "99213",
                "100.00",
                modifiers=("25",),
                diagnosis_pointers=(1, 2),
                control_number=f"{pcn}-1",
            ),
            line("87880", "25.50", control_number=f"{pcn}-2"),
        ),
    }
    defaults.update(values)
    return edi.Claim(**defaults)


def assert_valid(text):
    ok, errors = edi.validate(text)
    assert ok, errors
    assert errors == []


def read_back(text):
    """Segments as pyx12 reads them; pyx12's own envelope / HL / LX counting must find nothing."""
    segments = []
    with X12Reader(io.StringIO(text)) as reader:
        for seg in reader:
            assert reader.pop_errors() == [], seg.format().rstrip("~")
            segments.append(seg)
        reader.cleanup()
        assert reader.pop_errors() == []
    return segments


def find(segments, seg_id, **where):
    """Segments with this id whose elements (e.g. ``REF01="6R"``) match."""
    return [
        seg
        for seg in segments
        if seg.get_seg_id() == seg_id and all(seg.get_value(ref) == v for ref, v in where.items())
    ]


def check_envelope(segs):
    """ISA/IEA, GS/GE and ST/SE control numbers and counts agree."""
    ids = [seg.get_seg_id() for seg in segs]
    isa, iea = segs[0], segs[-1]
    assert (ids[0], ids[-1]) == ("ISA", "IEA")
    assert iea.get_value("IEA02") == isa.get_value("ISA13") and iea.get_value("IEA01") == "1"
    gs, ge = find(segs, "GS")[0], find(segs, "GE")[0]
    assert ge.get_value("GE02") == gs.get_value("GS06")
    assert int(ge.get_value("GE01")) == ids.count("ST")
    starts = [i for i, seg_id in enumerate(ids) if seg_id == "ST"]
    ends = [i for i, seg_id in enumerate(ids) if seg_id == "SE"]
    for st_index, se_index in zip(starts, ends, strict=True):
        st, se = segs[st_index], segs[se_index]
        assert se.get_value("SE02") == st.get_value("ST02")
        assert int(se.get_value("SE01")) == se_index - st_index + 1


def check_claims(segs, claims_by_provider):
    """Each claim's CLM01/02/05, HI, SV1 and REF*6R read back as the data given."""
    expected = {c.patient_control_number: c for cs in claims_by_provider.values() for c in cs}
    got, current = {}, None
    for seg in segs:
        seg_id = seg.get_seg_id()
        if seg_id == "CLM":
            current = got[seg.get_value("CLM01")] = {"clm": seg, "hi": [], "sv1": [], "6r": []}
        elif seg_id in ("HL", "SE"):
            current = None
        elif current is not None and seg_id == "HI":
            current["hi"].append(seg.format().rstrip("~"))
        elif current is not None and seg_id == "SV1":
            current["sv1"].append(tuple(seg.get_value(f"SV10{i}") for i in (1, 2, 4, 7)))
        elif current is not None and seg_id == "REF" and seg.get_value("REF01") == "6R":
            current["6r"].append(seg.get_value("REF02"))
    assert set(got) == set(expected)
    for pcn, claim in expected.items():
        found = got[pcn]
        total = sum(Decimal(str(ln.charge)) for ln in claim.lines)
        assert Decimal(found["clm"].get_value("CLM02")) == total
        pos_and_frequency = f"{claim.place_of_service}:B:{claim.frequency}"
        assert found["clm"].get_value("CLM05") == pos_and_frequency
        codes = [code.replace(".", "") for code in claim.diagnoses]
        assert found["hi"] == ["HI*ABK:" + "*ABF:".join(codes)]
        assert found["sv1"] == [
            (
                ":".join(["HC", ln.procedure_code, *ln.modifiers]),
                _plain(ln.charge),
                _plain(ln.units),
                ":".join(str(p) for p in ln.diagnosis_pointers),
            )
            for ln in claim.lines
        ]
        assert found["6r"] == [ln.control_number for ln in claim.lines if ln.control_number]


def _plain(number):
    text = format(Decimal(str(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def write(claims_by_provider, **values):
    """Write, validate with pyx12, read back with X12Reader and check envelope and claims."""
    text = edi.write_837p(interchange(**values), claims_by_provider).text
    assert_valid(text)
    segs = read_back(text)
    check_envelope(segs)
    check_claims(segs, claims_by_provider)
    return text, segs


# --------------------------------------------------------------------------------------------


def test_primary_claim_patient_is_subscriber():
    text, segs = write({billing(): [claim()]})
    ids = [seg.get_seg_id() for seg in segs]
    assert "PAT" not in ids
    assert [seg.format().rstrip("~") for seg in find(segs, "HL")] == ["HL*1**20*1", "HL*2*1*22*0"]
    sbr = find(segs, "SBR")[0]
    assert (sbr.get_value("SBR01"), sbr.get_value("SBR02"), sbr.get_value("SBR09")) == (
        "P",
        "18",
        "CI",
    )
    assert find(segs, "DMG")[0].format().rstrip("~") == "DMG*D8*19700102*M"
    clm = find(segs, "CLM")[0]
    assert clm.get_value("CLM01") == "PCN0001"
    assert clm.get_value("CLM02") == "125.5"
    assert clm.get_value("CLM05") == "11:B:1"
    assert clm.get_value("CLM05-3") == "1"
    assert find(segs, "HI")[0].format().rstrip("~") == "HI*ABK:J209*ABF:R051"
    sv1 = [seg.format().rstrip("~") for seg in find(segs, "SV1")]
    assert sv1 == ["SV1*HC:99213:25*100*UN*1***1:2", "SV1*HC:87880*25.5*UN*1***1"]
    assert [seg.get_value("REF02") for seg in find(segs, "REF", REF01="6R")] == [
        "PCN0001-1",
        "PCN0001-2",
    ]
    assert [seg.get_value("LX01") for seg in find(segs, "LX")] == ["1", "2"]
    assert find(segs, "NM1", NM101="85")[0].get_value("NM109") == BILLING_NPI
    assert find(segs, "REF", REF01="EI")[0].get_value("REF02") == "123456789"
    assert find(segs, "N4")[0].get_value("N403") == "627011234"
    assert "NM1*82" not in text  # no rendering provider given


def test_envelope_fixed_width_isa_and_counts():
    text, segs = write({billing(): [claim()]}, control_number=7, group_control_number=77)
    isa = text.split("~", 1)[0] + "~"
    assert len(isa) == 106
    assert isa[3] == "*" and isa[82] == "^" and isa[104] == ":" and isa[105] == "~"
    assert find(segs, "ISA")[0].get_value("ISA13") == "000000007"
    assert find(segs, "GS")[0].get_value("GS06") == "77"
    assert find(segs, "GS")[0].get_value("GS08") == "005010X222A1"
    st, se = find(segs, "ST")[0], find(segs, "SE")[0]
    assert st.get_value("ST03") == "005010X222A1"
    assert st.get_value("ST02") == se.get_value("SE02") == "0001"
    ids = [seg.get_seg_id() for seg in segs]
    assert int(se.get_value("SE01")) == ids.index("SE") - ids.index("ST") + 1
    assert find(segs, "GE")[0].format().rstrip("~") == "GE*1*77"
    assert find(segs, "IEA")[0].format().rstrip("~") == "IEA*1*000000007"
    assert find(segs, "BHT")[0].format().rstrip("~") == "BHT*0019*00*7*20250304*1030*CH"


def test_dependent_patient_gets_2000c_loop():
    _text, segs = write({billing(): [claim(patient=CHILD)]})
    assert [seg.format().rstrip("~") for seg in find(segs, "HL")] == [
        "HL*1**20*1",
        "HL*2*1*22*1",
        "HL*3*2*23*0",
    ]
    assert find(segs, "SBR")[0].get_value("SBR02") in ("", None)
    assert find(segs, "PAT")[0].format().rstrip("~") == "PAT*19"
    patient = find(segs, "NM1", NM101="QC")[0]
    assert (patient.get_value("NM103"), patient.get_value("NM104")) == ("SMITH", "AMY")
    ids = [seg.get_seg_id() for seg in segs]
    assert ids.index("PAT") < ids.index("CLM")
    assert find(segs, "DMG")[-1].format().rstrip("~") == "DMG*D8*20120506*F"


# The two shapes of 005010X222A1, written segment by segment from the guide: the subscriber is the patient
# (2010BA carries the address and birth date, no 2000C), or the patient is a dependant (2010BA carries the
# name and member id only; the patient's address and birth date go in 2010CA).
GUIDE_HEADER = [
    "ISA*00*          *00*          *ZZ*SUBMIT01       *ZZ*CLEARHOUSE     *250304*1030*^*00501*000000042"
    "*0*T*:",
    "GS*HC*SUBMIT01*CLEARHOUSE*20250304*1030*42*X*005010X222A1",
    "ST*837*0001*005010X222A1",
    "BHT*0019*00*42*20250304*1030*CH",
    "NM1*41*2*ACME BILLING*****46*SUBMIT01",  # 1000A submitter
    "PER*IC*JANE DOE*TE*2175550100",  # 1000A submitter contact
    "NM1*40*2*CLEARING HOUSE*****46*CLEARHOUSE",  # 1000B receiver
    "HL*1**20*1",  # 2000A billing provider level
    "PRV*BI*PXC*207Q00000X",  # 2000A billing provider specialty
    "NM1*85*2*SPRINGFIELD FAMILY PRACTICE*****XX*1234567893",  # 2010AA billing provider
    "N3*123 MAIN ST",  # 2010AA address
    "N4*SPRINGFIELD*IL*627011234",  # 2010AA city, state, ZIP+4
    "REF*EI*123456789",  # 2010AA tax id
]
GUIDE_CLAIM = [
    "CLM*PCN0001*125.5***11:B:1*Y*A*Y*Y",  # 2300 claim
    "HI*ABK:J209*ABF:R051",  # 2300 diagnoses
    "LX*1",  # 2400 line 1
    "SV1*HC:99213:25*100*UN*1***1:2",  # 2400 professional service
    "DTP*472*D8*20250301",  # 2400 service date
    "REF*6R*PCN0001-1",  # 2400 line item control number
    "LX*2",  # 2400 line 2
    "SV1*HC:87880*25.5*UN*1***1",
    "DTP*472*D8*20250301",
    "REF*6R*PCN0001-2",
]


def guide_file(hierarchy):
    st_to_se = len(GUIDE_HEADER) - 2 + len(hierarchy) + len(GUIDE_CLAIM) + 1
    trailer = [f"SE*{st_to_se}*0001", "GE*1*42", "IEA*1*000000042"]
    return "~".join([*GUIDE_HEADER, *hierarchy, *GUIDE_CLAIM, *trailer]) + "~"


def test_subscriber_is_the_patient_segment_by_segment():
    expected = guide_file(
        [
            "HL*2*1*22*0",  # 2000B subscriber level, no child level
            "SBR*P*18*GRP1******CI",  # 2000B SBR02 = 18: the subscriber is the patient
            "NM1*IL*1*SMITH*JOHN****MI*W123456789",  # 2010BA subscriber name and member id
            "N3*9 ELM ST*APT 4",  # 2010BA subscriber address: sent because the subscriber is the patient
            "N4*SPRINGFIELD*IL*62704",  # 2010BA city, state, ZIP
            "DMG*D8*19700102*M",  # 2010BA subscriber birth date and sex
            "NM1*PR*2*BIG PAYER*****PI*12345",  # 2010BB payer
        ]
    )
    text, _segs = write({billing(): [claim()]})
    assert text.split("~") == expected.split("~")
    assert_valid(expected)


def test_dependant_patient_segment_by_segment():
    expected = guide_file(
        [
            "HL*2*1*22*1",  # 2000B subscriber level, with a child (patient) level
            "SBR*P**GRP1******CI",  # 2000B SBR02 blank: the subscriber is not the patient
            "NM1*IL*1*SMITH*JOHN****MI*W123456789",  # 2010BA: name and member id only, no N3 / N4 / DMG
            "NM1*PR*2*BIG PAYER*****PI*12345",  # 2010BB payer
            "HL*3*2*23*0",  # 2000C patient level
            "PAT*19",  # 2000C relationship to the subscriber: child
            "NM1*QC*1*SMITH*AMY",  # 2010CA patient name
            "N3*9 ELM ST*APT 4",  # 2010CA patient address
            "N4*SPRINGFIELD*IL*62704",  # 2010CA city, state, ZIP
            "DMG*D8*20120506*F",  # 2010CA patient birth date and sex
        ]
    )
    # the subscriber's own address and birth date are known, and still not sent for a dependant's claim
    text, segs = write({billing(): [claim(patient=CHILD)]})
    assert text.split("~") == expected.split("~")
    assert_valid(expected)
    ids = [seg.get_seg_id() for seg in segs]
    subscriber_loop = ids[ids.index("NM1", ids.index("SBR")) : ids.index("HL", ids.index("SBR"))]
    assert subscriber_loop == ["NM1", "NM1"]  # 2010BA and 2010BB, nothing else
    assert [seg.format().rstrip("~") for seg in find(segs, "DMG")] == ["DMG*D8*20120506*F"]


def test_subscriber_and_dependants_share_their_levels():
    claims = [
        claim("A1"),
        claim("A2", patient=CHILD),
        claim("A3"),
        claim("A4", patient=CHILD),
        claim("B1", subscriber=subscriber("OTHER1")),
    ]
    _text, segs = write({billing(): claims})
    levels = [seg.format().rstrip("~") for seg in find(segs, "HL")]
    assert levels == [
        "HL*1**20*1",
        "HL*2*1*22*0",  # A1, A3: the subscriber is the patient
        "HL*3*1*22*1",  # the same subscriber for the child
        "HL*4*3*23*0",  # A2, A4
        "HL*5*1*22*0",  # B1
    ]
    assert [seg.get_value("CLM01") for seg in find(segs, "CLM")] == ["A1", "A3", "A2", "A4", "B1"]


def secondary_claim(**values):
    """A secondary claim after the primary paid 60 + 20 and adjusted the rest."""
    primary = edi.Payer(name="Primary Health", payer_id="PRIM1")
    other = edi.OtherPayer(
        payer=primary,
        subscriber=subscriber(member_id="PRI998877", group_number="PG1", address=None),
        relationship="18",
        paid_amount=Decimal("74.50"),
        adjustments=(edi.Adjustment(group="PR", reason="2", amount=Decimal("5.50")),),
        remaining_patient_liability=Decimal("20.50"),
        claim_control_number="PRIMCLM123",
    )
    lines = (
        line(
            "99213",
            "100.00",
            control_number="S-1",
            adjudications=(
                edi.LineAdjudication(
                    payer_id="PRIM1",
                    paid_amount=Decimal("60.00"),
                    adjudication_date=date(2025, 3, 20),
                    adjustments=(
                        edi.Adjustment(group="CO", reason="45", amount=Decimal("25.00")),
                        edi.Adjustment(group="PR", reason="1", amount=Decimal("15.00")),
                    ),
                ),
            ),
        ),
        line(
            "87880",
            "25.50",
            control_number="S-2",
            adjudications=(
                edi.LineAdjudication(
                    payer_id="PRIM1",
                    paid_amount=Decimal("20.00"),
                    adjudication_date=date(2025, 3, 20),
                    adjustments=(edi.Adjustment(group="CO", reason="45", amount=Decimal("5.50")),),
                ),
            ),
        ),
    )
    defaults = {
        "subscriber": subscriber(payer_responsibility="S", member_id="SEC55"),
        "payer": edi.Payer(name="Second Payer", payer_id="SEC01"),
        "other_payers": (other,),
        "lines": lines,
    }
    defaults.update(values)
    # lines: 100 - 40 = 60 and 25.50 - 5.50 = 20 paid; the claim: 125.50 - 5.50 - 45.50 = 74.50
    return claim("SEC0001", **defaults)


def test_secondary_claim_carries_primary_payment_and_adjustments():
    text, segs = write({billing(): [secondary_claim()]})
    sbrs = find(segs, "SBR")
    assert [s.get_value("SBR01") for s in sbrs] == ["S", "P"]
    assert sbrs[1].get_value("SBR02") == "18"
    assert "CAS*PR*2*5.5~AMT*D*74.5~AMT*EAF*20.5~OI***Y***Y~" in text
    other_subscriber = find(segs, "NM1", NM101="IL")[1]
    assert other_subscriber.get_value("NM109") == "PRI998877"
    assert find(segs, "NM1", NM101="PR")[1].get_value("NM109") == "PRIM1"
    assert find(segs, "REF", REF01="F8")[0].get_value("REF02") == "PRIMCLM123"
    assert [s.format().rstrip("~") for s in find(segs, "SVD")] == [
        "SVD*PRIM1*60*HC:99213**1",
        "SVD*PRIM1*20*HC:87880**1",
    ]
    assert [s.format().rstrip("~") for s in find(segs, "CAS")] == [
        "CAS*PR*2*5.5",
        "CAS*CO*45*25",
        "CAS*PR*1*15",
        "CAS*CO*45*5.5",
    ]
    assert len(find(segs, "DTP", DTP01="573")) == 2
    ids = [seg.get_seg_id() for seg in segs]
    assert ids.index("OI") < ids.index("LX")  # 2320 sits before the lines


def test_secondary_claim_must_balance():
    other = secondary_claim().other_payers[0]
    unbalanced = secondary_claim(other_payers=(replace(other, paid_amount=Decimal("80.00")),))
    with pytest.raises(edi.X12DataError) as caught:
        edi.write_837p(interchange(), {billing(): [unbalanced]})
    assert caught.value.errors == [
        (
            "SEC0001",
            "other payer 1 paid amount (80) differs from the charge minus its adjustments (74.5)",
        )
    ]
    bad_line = secondary_claim()
    adjudication = bad_line.lines[1].adjudications[0]
    lines = (
        bad_line.lines[0],
        replace(bad_line.lines[1], adjudications=(replace(adjudication, paid_amount=19),)),
    )
    with pytest.raises(edi.X12DataError, match="line 2 adjudication: charge minus adjustments"):
        edi.write_837p(interchange(), {billing(): [replace(bad_line, lines=lines)]})


def test_secondary_claim_needs_the_primary():
    lonely = claim(subscriber=subscriber(payer_responsibility="S"))
    with pytest.raises(edi.X12DataError, match="needs the earlier payers"):
        edi.write_837p(interchange(), {billing(): [lonely]})


def test_claim_level_only_cob_uses_claim_adjudication_date():
    other = edi.OtherPayer(
        payer=edi.Payer(name="Primary Health", payer_id="PRIM1"),
        subscriber=subscriber(member_id="PRI998877"),
        paid_amount=Decimal("100.00"),
        adjustments=(
            edi.Adjustment(group="CO", reason="45", amount=Decimal("20.00")),
            edi.Adjustment(group="PR", reason="3", amount=Decimal("5.50")),
        ),
        adjudication_date=date(2025, 3, 18),
    )
    text, segs = write(
        {billing(): [claim(subscriber=subscriber(payer_responsibility="S"), other_payers=(other,))]}
    )
    assert "CAS*CO*45*20~CAS*PR*3*5.5~AMT*D*100~" in text
    assert find(segs, "DTP", DTP01="573")[0].get_value("DTP03") == "20250318"
    assert not find(segs, "SVD")


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_replacement_and_void_carry_the_payer_claim_number(frequency):
    corrected = claim(frequency=frequency, payer_claim_control_number="PAYERCLM0099")
    _text, segs = write({billing(): [corrected]})
    clm = find(segs, "CLM")[0]
    assert clm.get_value("CLM05-3") == frequency
    assert clm.get_value("CLM05") == f"11:B:{frequency}"
    assert find(segs, "REF", REF01="F8")[0].get_value("REF02") == "PAYERCLM0099"


def test_replacement_without_payer_claim_number_is_refused():
    with pytest.raises(edi.X12DataError, match=r"claim control number \(REF\*F8\) is missing"):
        edi.write_837p(interchange(), {billing(): [claim(frequency="7")]})
    with pytest.raises(edi.X12DataError, match="only sent with frequency 7 or 8"):
        edi.write_837p(interchange(), {billing(): [claim(payer_claim_control_number="X1")]})


def test_drug_line_with_ndc():
    drug = line(
        "J1100",
        "30.00",
        units=Decimal("2"),
        ndc="0009-0047-01",  # 4-4-2 on the package: 00009-0047-01 on the claim
        ndc_quantity=Decimal("1.5"),
        ndc_unit="ML",
        control_number="DRUG-1",
    )
    text, segs = write({billing(): [claim(lines=(line(control_number="V-1"), drug))]})
    assert find(segs, "LIN")[0].format().rstrip("~") == "LIN**N4*00009004701"
    assert find(segs, "CTP")[0].format().rstrip("~") == "CTP****1.5*ML"
    assert "SV1*HC:J1100*30*UN*2***1~DTP*472*D8*20250301~REF*6R*DRUG-1~LIN**N4*00009004701~" in text


def test_rendering_referring_and_facility_other_than_billing():
    rendering = edi.Provider(last_name="Jones", first_name="Alice", npi=RENDERING_NPI, taxonomy=PE)
    referring = edi.Provider(last_name="Brown", first_name="Bob", npi=REFERRING_NPI)
    facility = edi.ServiceFacility(
        name="Springfield Clinic Annex",
        npi=FACILITY_NPI,
        address=replace(ADDRESS, line1="500 Oak Ave", postal_code="627021111"),
    )
    text, segs = write(
        {
            billing(): [
                claim(
                    rendering_provider=rendering,
                    referring_provider=referring,
                    service_facility=facility,
                )
            ]
        }
    )
    rendering_nm1 = find(segs, "NM1", NM101="82")[0]
    assert rendering_nm1.format().rstrip("~") == f"NM1*82*1*JONES*ALICE****XX*{RENDERING_NPI}"
    assert find(segs, "PRV", PRV01="PE")[0].format().rstrip("~") == "PRV*PE*PXC*207R00000X"
    assert find(segs, "NM1", NM101="DN")[0].get_value("NM109") == REFERRING_NPI
    assert find(segs, "NM1", NM101="77")[0].get_value("NM109") == FACILITY_NPI
    ids = [seg.format().rstrip("~")[:6] for seg in segs]
    assert ids.index("NM1*DN") < ids.index("NM1*82") < ids.index("NM1*77") < ids.index("LX*1")
    # the billing provider rendering the service itself is not repeated in 2310B
    same = edi.Provider(last_name="Kildare", first_name="Ben", npi=BILLING_NPI)
    text, _segs = write({billing(): [claim(rendering_provider=same)]})
    assert "NM1*82" not in text


def test_claim_dates_accident_and_notes():
    accident = claim(
        related_causes=("AA",),
        accident_state="ny",
        accident_date=date(2025, 2, 27),
        onset_date=date(2025, 2, 27),
        prior_authorization="AUTH77",
        referral_number="REF88",
        medical_record_number="MRN-5",
        patient_paid_amount=Decimal("10"),
        note="Patient seen *urgently* ~ follow-up",
    )
    _text, segs = write({billing(): [accident]})
    assert find(segs, "CLM")[0].get_value("CLM11") == "AA:::NY"
    assert find(segs, "DTP", DTP01="439")[0].get_value("DTP03") == "20250227"
    assert find(segs, "DTP", DTP01="431")
    assert find(segs, "REF", REF01="G1")[0].get_value("REF02") == "AUTH77"
    assert find(segs, "REF", REF01="9F")[0].get_value("REF02") == "REF88"
    assert find(segs, "AMT", AMT01="F5")[0].get_value("AMT02") == "10"
    assert find(segs, "NTE")[0].format().rstrip("~") == "NTE*ADD*PATIENT SEEN URGENTLY FOLLOW-UP"


def test_text_is_sanitized_and_upper_case():
    odd = subscriber(
        last_name="O'Brien*~Núñez",
        first_name="  josé:^ ",
        address=replace(HOME, line1="12 Rue\tSt-Ès"),
    )
    text, segs = write({billing(name="Smith & Sons: Care~Inc"): [claim(subscriber=odd)]})
    nm1 = find(segs, "NM1", NM101="IL")[0]
    assert (nm1.get_value("NM103"), nm1.get_value("NM104")) == ("O'BRIEN NUNEZ", "JOSE")
    assert find(segs, "NM1", NM101="85")[0].get_value("NM103") == "SMITH & SONS CARE INC"
    assert "12 RUE ST-ES" in text
    assert text.isascii()


def test_batch_of_fifty_claims_under_two_providers():
    claims = {billing(): [], billing(OTHER_BILLING_NPI, "Second Practice"): []}
    providers = list(claims)
    for n in range(50):
        member = subscriber(f"M{n % 7:04d}")
        values = {"subscriber": member}
        if n % 5 == 0:
            values["patient"] = replace(CHILD, first_name=f"Kid{n % 3}")
        if n % 11 == 0:
            values.update(frequency="7", payer_claim_control_number=f"ORIG{n}")
        claims[providers[n % 2]].append(claim(f"B{n:04d}", **values))
    _text, segs = write(claims)
    clms = find(segs, "CLM")
    assert len(clms) == 50
    assert sorted(c.get_value("CLM01") for c in clms) == sorted(f"B{n:04d}" for n in range(50))
    assert len(find(segs, "HL", HL03="20")) == 2
    # every claim lands under the right billing provider, subscriber and patient
    current = {}
    for seg in segs:
        if seg.get_seg_id() == "NM1" and seg.get_value("NM101") in ("85", "IL", "QC"):
            current[seg.get_value("NM101")] = seg
            if seg.get_value("NM101") == "IL":
                current.pop("QC", None)
        if seg.get_seg_id() == "CLM":
            n = int(seg.get_value("CLM01")[1:])
            assert current["85"].get_value("NM109") == providers[n % 2].npi
            assert current["IL"].get_value("NM109") == f"M{n % 7:04d}"
            if n % 5 == 0:
                assert current["QC"].get_value("NM104") == f"KID{n % 3}"
            else:
                assert "QC" not in current
    assert len(find(segs, "REF", REF01="6R")) == 100


def test_many_claims_split_levels_and_transaction_sets():
    claims = [claim(f"C{n:04d}") for n in range(105)]
    ic = {"max_claims_per_transaction": 60, "transaction_control_number": 9}
    _text, segs = write({billing(): claims}, **ic)
    assert [s.get_value("ST02") for s in find(segs, "ST")] == ["0009", "0010"]
    assert [s.get_value("BHT03") for s in find(segs, "BHT")] == ["42-1", "42-2"]
    assert find(segs, "GE")[0].get_value("GE01") == "2"
    assert len(find(segs, "CLM")) == 105
    # loop 2300 repeats at most 100 times: 60 claims in one ST fit; 45 in the next.
    assert [s.format().rstrip("~") for s in find(segs, "HL")] == ["HL*1**20*1", "HL*2*1*22*0"] * 2
    one_st = {billing(): [claim(f"D{n:04d}") for n in range(101)]}
    _text, segs = write(one_st)
    assert [s.format().rstrip("~") for s in find(segs, "HL")] == [
        "HL*1**20*1",
        "HL*2*1*22*0",
        "HL*3*1*22*0",
    ]


def test_line_breaks_option():
    text = edi.write_837p(interchange(), {billing(): [claim()]}, line_breaks=True).text
    assert text.startswith("ISA") and "~\nGS*HC" in text and text.endswith("~\n")
    assert_valid(text)


def test_bad_claims_are_all_reported_and_nothing_written():
    bad = [
        claim("OK1"),
        claim(
            "BADNPI",
            rendering_provider=edi.Provider(last_name="X", first_name="Y", npi="1234567890"),
        ),
        claim("TOOMANYDX", diagnoses=tuple(f"J{n:02d}9" for n in range(13))),
        claim("POINTER", lines=(line(diagnosis_pointers=(3,)),)),
        claim("MODS", lines=(line(modifiers=("25", "59", "LT", "RT", "XS")),)),
        claim("ICD", diagnoses=("99213",)),
        claim("CHILDLESS", patient=replace(CHILD, relationship="18")),
        claim("TOTAL", total_charge=Decimal("1.00")),
        claim("OK1"),
    ]
    with pytest.raises(edi.X12DataError) as caught:
        edi.write_837p(interchange(), {billing(): bad})
    keys = list(dict.fromkeys(key for key, _msg in caught.value.errors))
    assert keys == ["BADNPI", "TOOMANYDX", "POINTER", "MODS", "ICD", "CHILDLESS", "TOTAL", "OK1"]
    messages = dict(caught.value.errors)
    assert messages["BADNPI"] == "rendering provider NPI is not a valid 10-digit NPI"
    assert messages["OK1"] == "patient control number used twice in the batch"
    assert "J209" not in str(caught.value)  # no diagnosis codes in messages


def test_bad_envelope_and_provider_are_reported():
    bad_provider = edi.BillingProvider(
        name="Lockbox Billing",
        npi="1234567893",
        ein="12345",
        address=edi.Address(line1="PO Box 12", city="Springfield", state="IL", postal_code="62701"),
    )
    with pytest.raises(edi.X12DataError) as caught:
        edi.write_837p(interchange(sender_id="A" * 16, usage="X"), {bad_provider: [claim()]})
    messages = [msg for _key, msg in caught.value.errors]
    assert "usage indicator (ISA15) must be T or P" in messages
    assert "billing provider EIN must have 9 digits" in messages
    assert "billing provider ZIP code must have 9 digits" in messages
    assert "billing provider address must be a street address, not a PO box" in messages
    assert any(msg.startswith("sender id (ISA06) must be 1-15") for msg in messages)
    with pytest.raises(edi.X12DataError, match="no claim"):
        edi.write_837p(interchange(), {billing(): []})


def test_npi_check_digit():
    assert edi.npi_is_valid("1234567893")
    assert edi.npi_is_valid("1245319599")
    assert not edi.npi_is_valid("1234567890")
    assert not edi.npi_is_valid("123456789")
    assert not edi.npi_is_valid("12345678AB")


def test_ten_thousand_claims_in_one_batch():
    """A large batch is split into transactions the 837P map allows; speed is measured by make bench."""
    claims = [
        claim(
            f"P{n:05d}",
            subscriber=subscriber(f"W{n:06d}"),
            lines=tuple(line(charge=f"{100 + n % 9}.25", control_number=f"{n}{j}") for j in "abcd"),
        )
        for n in range(10_000)
    ]
    text = edi.write_837p(interchange(), {billing(): claims}).text
    assert text.count("~CLM*") == 10_000
    assert text.count("~SV1*") == 40_000
    assert text.count("~ST*837*") == 2


def test_validate_reports_pyx12_errors(shared_dir):
    samples = shared_dir / "x12" / "samples"
    ok, errors = edi.validate((samples / "X222-oxygen.edi").read_text())
    assert not ok
    problem = "PWK02: (AD) is not a valid code for Attachment Transmission Code (PWK02)"
    assert errors == [f"ST 0001 segment 22 (PWK) {problem}", f"ST 0001 segment 45 (PWK) {problem}"]
    commercial = (samples / "X222-commercial-health-insurance.edi").read_text()
    assert edi.validate(commercial) == (True, [])
    good = edi.write_837p(interchange(), {billing(): [claim()]}).text
    broken = good.replace("SE*29*0001", "SE*28*0001")
    ok, errors = edi.validate(broken)
    assert not ok and any("SE count of 28" in e for e in errors)
    assert edi.validate("not x12 at all")[0] is False


def test_edi_package_never_imports_odoo():
    package = Path(edi.__file__).parent
    for source in package.glob("*.py"):
        for number, text in enumerate(source.read_text().splitlines(), start=1):
            stripped = text.strip()
            assert not stripped.startswith(("import odoo", "from odoo")), f"{source.name}:{number}"
