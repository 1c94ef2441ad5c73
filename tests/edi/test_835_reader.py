# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""835 remittance reader: the X221 files parse and balance; broken ones raise X12Error naming a segment."""

import re
from datetime import date
from decimal import Decimal

import medical_billing_edi as edi
import pytest
from medical_billing_edi import x12_ack_writer

ERROR_FORMAT = re.compile(r"^segment \d+ \([A-Z0-9?]{1,3}\): \S")
VERSION = "005010X221A1"
D = Decimal

# Patient details of the hand-built files: no error message may contain them.
PATIENT = ("ZEBRAMAN", "QUENTIN", "MEMB98765", "INSUREDSON", "SUBS4321")

# Two claims paid by one 945.00 EFT. Body index i sits at segment i + 4 (ISA, GS, ST come first).
BODY = [
    "BPR*I*945*C*ACH*CCP*01*888999777*DA*24681012*1935665544**01*111333555*DA*144444*20250316",  # 4
    "TRN*1*EFT0001*1935665544",  # 5
    "DTM*405*20250314",  # 6
    "N1*PR*BIG PAYER*XV*99999",  # 7
    "N3*1 MAIN STREET",  # 8
    "N4*ANYTOWN*SD*55111",  # 9
    "REF*2U*999",  # 10
    "PER*BL*CLAIMS DESK*TE*8005551212",  # 11
    "N1*PE*ACME CLINIC*XX*1234567893",  # 12
    "REF*TJ*777667755",  # 13
    "LX*1",  # 14
    "TS3*1234567893*11*20251231*2*2000",  # 15
    "CLP*PCN0001*1*800*450*300*12*PAYERCLM1",  # 16
    "CAS*CO*A2*50",  # 17
    "NM1*QC*1*ZEBRAMAN*QUENTIN*R***MI*MEMB98765",  # 18
    "NM1*IL*1*INSUREDSON*PAT****MI*SUBS4321",  # 19
    "MOA***MA01*N130",  # 20
    "DTM*232*20250301",  # 21
    "DTM*233*20250304",  # 22
    "SVC*HC:99213:25*800*500**1",  # 23
    "DTM*150*20250301",  # 24
    "DTM*151*20250304",  # 25
    "CAS*PR*1*300",  # 26
    "REF*6R*LINE0001",  # 27
    "AMT*B6*750",  # 28
    "LQ*HE*N130",  # 29
    "CLP*PCN0002*1*1200*495*600*12*PAYERCLM2",  # 30
    "CAS*CO*A2*55",  # 31
    "NM1*QC*1*ZEBRAMAN*QUENTIN****MI*MEMB98765",  # 32
    "SVC*HC:93555*1200*550",  # 33
    "DTM*472*20250310",  # 34
    "CAS*PR*1*600",  # 35
    "CAS*CO*45*50",  # 36
]


def remit(*bodies):
    """An 835 interchange of one group holding a transaction set per body."""
    return x12_ack_writer.interchange("HP", VERSION, [("835", body) for body in bodies])


def changed(body, **changes):
    """``body`` with the segment at position N (``s23=...``) replaced, or removed when None."""
    out = list(body)
    for key, value in sorted(changes.items(), key=lambda kv: -int(kv[0][1:])):
        index = int(key[1:]) - 4
        if value is None:
            del out[index]
        else:
            out[index] = value
    return out


def refuse(data, fragment, segment):
    with pytest.raises(edi.X12Error) as caught:
        edi.parse_835(data)
    message = str(caught.value)
    assert ERROR_FORMAT.match(message), message
    assert fragment in message, message
    assert message.startswith(segment), message
    assert not any(value in message for value in PATIENT), message
    return caught.value


def only_transaction(data):
    result = edi.parse_835(data)
    assert len(result.transactions) == 1
    return result.transactions[0]


def balance_messages(transaction):
    messages = [str(error) for error in edi.balance_errors(transaction)]
    for message in messages:
        assert not any(value in message for value in (*PATIENT, "PCN000", "PAYERCLM")), message
    return messages


# --------------------------------------------------------------------------------------------
# The real X221 files


def x221_files(shared_dir):
    files = sorted((shared_dir / "x12" / "samples").glob("X221-*.edi"))
    assert len(files) == 7
    return files


def read_sample(shared_dir, name):
    result = edi.parse_835((shared_dir / "x12" / "samples" / f"X221-{name}.edi").read_bytes())
    assert len(result.transactions) == 1
    return result.transactions[0]


def test_every_x221_sample_parses_and_balances(shared_dir):
    for path in x221_files(shared_dir):
        result = edi.parse_835(path.read_text())
        assert result.transactions, path.name
        for transaction in result.transactions:
            assert edi.balance_errors(transaction) == [], path.name
            assert transaction.claims, path.name
            assert (
                transaction.total_paid - transaction.total_provider_adjustments == transaction.signed_amount
            )


def test_x221_samples_validate_in_pyx12(shared_dir):
    for path in x221_files(shared_dir)[:2]:
        assert edi.validate(path.read_bytes()) == (True, []), path.name


def test_dollars_and_data_sent_separate(shared_dir):
    remittance = read_sample(shared_dir, "dollars-and-data-sent-separate")
    assert (remittance.position, remittance.bpr_position, remittance.control_number) == (3, 4, "112233")
    assert (remittance.handling_code, remittance.amount, remittance.credit_debit) == ("I", D("945"), "C")
    assert (remittance.method, remittance.payment_format) == ("ACH", "CCP")
    assert remittance.sender_bank == ("888999777", "24681012")
    assert remittance.receiver_bank == ("111333555", "144444")
    assert remittance.originating_company == "1935665544"
    assert remittance.date_payment == date(2002, 3, 16)
    assert (remittance.trace_type, remittance.trace_number, remittance.trace_payer_id) == (
        "1",
        "71700666555",
        "1935665544",
    )
    assert remittance.date_production == date(2002, 3, 14)
    assert (remittance.payer_name, remittance.payer_identifier) == ("RUSHMORE LIFE", "")
    assert remittance.payer_contacts == (("BL", "JOHN WAYNE"),)
    assert (remittance.payee_name, remittance.payee_id_qualifier, remittance.payee_identifier) == (
        "ACME MEDICAL CENTER",
        "XX",
        "5544667733",
    )
    assert remittance.payee_references == (("TJ", "777667755"),)
    assert len(remittance.claims) == 2
    claim = remittance.claims[0]
    assert (claim.position, claim.header_number, claim.patient_control_number, claim.status) == (
        14,
        "1",
        "5554555444",
        "1",
    )
    assert (claim.charge, claim.paid, claim.patient_responsibility) == (D("800"), D("450"), D("300"))
    assert (claim.filing_indicator, claim.payer_claim_control_number) == ("12", "94060555410000")
    assert [(a.group, a.reason, a.amount, a.position) for a in claim.adjustments] == [("CO", "A2", D(50), 15)]
    assert claim.patient == edi.RemitParty("QC", "BUDD", "WILLIAM", "", "MI", "33344555510")
    assert claim.insured is None and claim.rendering is None
    (service,) = claim.services
    assert (service.position, service.qualifier, service.code, service.modifiers) == (17, "HC", "99211", ())
    assert (service.charge, service.paid, service.units) == (D("800"), D("500"), D(1))
    assert (service.date_start, service.date_end) == (date(2002, 3, 1), date(2002, 3, 4))
    assert [(a.group, a.reason, a.amount, a.quantity) for a in service.adjustments] == [
        ("PR", "1", D(300), None)
    ]
    assert claim.total_adjusted == D("350")
    second = remittance.claims[1]
    assert (second.patient_control_number, second.charge, second.paid) == ("8765432112", D(1200), D(495))
    assert [(a.group, a.reason, a.amount) for a in second.services[0].adjustments] == [
        ("PR", "1", D(600)),
        ("CO", "45", D(50)),
    ]
    assert (remittance.total_charge, remittance.total_paid) == (D(2000), D(945))


def test_dollars_and_data_sent_together(shared_dir):
    remittance = read_sample(shared_dir, "dollars-and-data-sent-together")
    assert (remittance.handling_code, remittance.amount, remittance.method) == ("C", D("150000"), "ACH")
    assert remittance.payer_references == (("2U", "999"),)
    assert remittance.payer_contacts == (("BL", ""),)
    assert [c.header_number for c in remittance.claims] == ["110212", "130212"]
    first, second = remittance.claims
    assert (first.charge, first.paid, first.patient_responsibility) == (D("211366.97"), D("138018.4"), None)
    assert (first.filing_indicator, first.facility_code, first.frequency) == ("MA", "11", "1")
    assert first.remarks == () and second.remarks == ("MA02",)
    assert (first.date_start, first.date_end) == (date(2002, 8, 16), date(2002, 8, 24))
    assert first.quantities == (("CA", D(8)),)
    assert first.patient.middle_name == "O" and first.patient.id_qualifier == "HN"
    assert (second.date_start, second.date_end) == (date(2002, 5, 12), None)
    assert first.services == () and second.services == ()
    (plb,) = remittance.provider_adjustments
    assert (plb.position, plb.provider_identifier, plb.date_fiscal) == (30, "6543210903", date(2002, 12, 31))
    assert (plb.reason, plb.reference, plb.amount) == ("CV", "CP", D("-1.27"))
    assert remittance.total_provider_adjustments == D("-1.27")
    assert remittance.total_paid == D("149998.73")


def test_secondary_payments(shared_dir):
    remittance = read_sample(shared_dir, "secondary-payments")
    assert (remittance.amount, remittance.method, remittance.sender_bank) == (D(1222), "CHK", ("", ""))
    assert remittance.receiver_id == "030240928"
    assert (remittance.payee_id_qualifier, remittance.payee_references) == ("FI", (("PQ", "10488"),))
    first, second = remittance.claims
    assert (first.status, first.services, first.amounts) == ("2", (), (("AU", D(912)),))
    assert first.rendering == edi.RemitParty("82", "ACME MEDICAL CENTER", "", "", "BD", "987")
    one, two = second.services
    assert (one.code, one.modifiers, one.charge, one.paid, one.units) == (
        "12345",
        ("26",),
        D("166.5"),
        D(30),
        D(1),
    )
    assert (one.references, one.allowed, one.line_control_number) == ((("1B", "43285"),), D(150), "")
    assert (one.date_start, one.date_end) == (date(2005, 1, 6), date(2005, 1, 6))
    assert two.revenue_code == "220"
    assert [(a.group, a.reason, a.amount, a.triplet, a.position) for a in two.adjustments] == [
        ("PR", "1", D(150), 1, 37),
        ("PR", "2", D(70), 2, 37),
        ("CO", "42", D(85), 1, 38),
    ]
    assert (two.allowed, two.amounts) == (D(500), (("B6", D(500)),))
    assert second.total_adjusted == D("441.50")


def test_era_sample_dental(shared_dir):
    remittance = read_sample(shared_dir, "era-sample")
    assert (remittance.amount, remittance.method, remittance.payment_format) == (D(132), "CHK", "")
    assert (remittance.sender_bank, remittance.receiver_bank, remittance.originating_company) == (
        ("", ""),
        ("", ""),
        "",
    )
    assert remittance.date_payment == date(2014, 3, 31)
    assert (remittance.receiver_id, remittance.date_production) == ("CLEARINGHOUSE", None)
    assert (remittance.payer_name, remittance.payee_name, remittance.payee_id_qualifier) == (
        "DELTA DENTAL OF ABC",
        "BAN DDS LLC",
        "FI",
    )
    (claim,) = remittance.claims
    assert claim.rendering == edi.RemitParty("82", "BAN", "ERIN", "", "XX", "1811901945")
    assert claim.amounts == (("AU", D(132)),)
    assert [(s.qualifier, s.code, s.charge, s.paid, s.allowed) for s in claim.services] == [
        ("AD", "D0120", D(46), D(25), D(25)),
        ("AD", "D0220", D(25), D(14), D(14)),
        ("AD", "D0230", D(22), D(10), D(10)),
        ("AD", "D0274", D(60), D(34), D(34)),
        ("AD", "D1110", D(73), D(49), D(49)),
    ]
    assert {(s.date_start, s.date_end) for s in claim.services} == {(date(2014, 3, 24), date(2014, 3, 24))}
    assert claim.total_adjusted == D(94)


def test_multiple_claims_single_check(shared_dir):
    remittance = read_sample(shared_dir, "multiple-claims-single-check")
    assert [c.header_number for c in remittance.claims] == [str(n) for n in range(1, 10)]
    assert remittance.total_paid == remittance.amount == D("810.8")
    assert remittance.claims[1].insured == edi.RemitParty("IL", "DOE", "JOHN", "", "MI", "123456")


def test_shared_negative_files_are_refused(shared_dir):
    files = sorted((shared_dir / "x12" / "negative").glob("*.edi"))
    assert len(files) == 4
    messages = {}
    for path in files:
        with pytest.raises(edi.X12Error) as caught:
            edi.parse_835(path.read_bytes())
        messages[path.name] = str(caught.value)
        assert ERROR_FORMAT.match(messages[path.name]), messages
    assert messages["error_validation.edi"] == (
        "segment 2 (GS): functional group 'HPO' is not a remittance advice (835) (GS01 HP expected)"
    )
    assert messages["unknown_segment_error.edi"].startswith("segment 2 (GS): functional group 'HS'")
    assert messages["segment_terminator.edi"].startswith("segment 1 (ISA): the file ends before the IEA")


def test_foreign_x12_is_refused(shared_dir):
    claim = (shared_dir / "x12" / "samples" / "X222-commercial-health-insurance.edi").read_text()
    refuse(claim, "'HC' is not a remittance advice (835)", "segment 2 (GS)")
    refuse(x12_ack_writer.interchange("HP", "005010X220A1", [("835", BODY)]), "version", "segment 2 (GS)")
    refuse(
        x12_ack_writer.interchange("HP", VERSION, [("277", BODY)]), "transaction set '277'", "segment 3 (ST)"
    )


# --------------------------------------------------------------------------------------------
# Hand-built files


def test_hand_built_remittance_reads_every_part():
    remittance = only_transaction(remit(BODY))
    assert edi.balance_errors(remittance) == []
    assert (remittance.payer_id_qualifier, remittance.payer_identifier) == ("XV", "99999")
    assert (remittance.payer_references, remittance.payer_contacts) == (
        (("2U", "999"),),
        (("BL", "CLAIMS DESK"),),
    )
    first = remittance.claims[0]
    assert first.insured == edi.RemitParty("IL", "INSUREDSON", "PAT", "", "MI", "SUBS4321")
    assert first.patient.middle_name == "R"
    assert first.remarks == ("MA01", "N130")
    (service,) = first.services
    assert (service.modifiers, service.line_control_number, service.allowed, service.remarks) == (
        ("25",),
        "LINE0001",
        D(750),
        ("N130",),
    )
    second = remittance.claims[1].services[0]
    assert (second.date_start, second.date_end) == (date(2025, 3, 10), date(2025, 3, 10))


def test_unbalanced_line_names_the_svc():
    remittance = only_transaction(remit(changed(BODY, s23="SVC*HC:99213:25*800*510**1")))
    assert balance_messages(remittance) == [
        "segment 23 (SVC): the line (charge - adjustments) does not balance: 500.00 expected, SVC says 510"
    ]


def test_unbalanced_claim_names_the_clp():
    remittance = only_transaction(remit(changed(BODY, s30="CLP*PCN0002*1*1250*495*600*12*PAYERCLM2")))
    assert balance_messages(remittance) == [
        "segment 30 (CLP): the claim (charge - adjustments) does not balance: 545.00 expected, CLP says 495"
    ]


def test_unbalanced_transaction_names_the_bpr():
    bpr = BODY[0].replace("*945*", "*954.5*")
    remittance = only_transaction(remit(changed(BODY, s4=bpr)))
    assert balance_messages(remittance) == [
        "segment 4 (BPR): the payment (claim payments - provider adjustments) does not balance: "
        "945.00 expected, BPR says 954.5"
    ]
    debit = only_transaction(remit(changed(BODY, s4=BODY[0].replace("*C*ACH*", "*D*ACH*"))))
    assert debit.signed_amount == D(-945)
    assert balance_messages(debit)[0].startswith("segment 4 (BPR)")


def test_rounding_to_the_cent():
    remittance = only_transaction(remit(changed(BODY, s23="SVC*HC:99213:25*800*500.004**1")))
    assert edi.balance_errors(remittance) == []


REVERSAL = [
    "CLP*PCN0001*22*-800*-450*-300*12*PAYERCLM1",
    "CAS*CO*A2*-50",
    "NM1*QC*1*ZEBRAMAN*QUENTIN****MI*MEMB98765",
    "SVC*HC:99213*-800*-500",
    "CAS*PR*1*-300",
]


def test_reversal_reads_negative_amounts_and_balances():
    correction = [
        "CLP*PCN0001*1*800*460*300*12*PAYERCLM3",
        "CAS*CO*A2*40",
        "SVC*HC:99213*800*500",
        "CAS*PR*1*300",
    ]
    body = [BODY[0].replace("*945*", "*10*"), *BODY[1:10], "LX*1", *REVERSAL, *correction]
    remittance = only_transaction(remit(body))
    reversal, corrected = remittance.claims
    assert (reversal.status, reversal.charge, reversal.paid, reversal.patient_responsibility) == (
        "22",
        D(-800),
        D(-450),
        D(-300),
    )
    assert reversal.services[0].paid == D(-500) and reversal.total_adjusted == D(-350)
    assert corrected.paid == D(460)
    assert edi.balance_errors(remittance) == []
    # the reversal alone takes money back: a debit
    alone = [BODY[0].replace("*945*C*", "*450*D*"), *BODY[1:10], "LX*1", *REVERSAL]
    taken_back = only_transaction(remit(alone))
    assert (taken_back.signed_amount, taken_back.total_paid) == (D(-450), D(-450))
    assert edi.balance_errors(taken_back) == []


def test_several_transaction_sets_and_groups():
    second = [BODY[0].replace("*945*", "*495*"), "TRN*1*EFT0002*1935665544", *BODY[2:10], *BODY[26:]]
    one_group = edi.parse_835(remit(BODY, second))
    assert [t.control_number for t in one_group.transactions] == ["0001", "0002"]
    assert [t.position for t in one_group.transactions] == [3, 38]
    assert [t.trace_number for t in one_group.transactions] == ["EFT0001", "EFT0002"]
    assert [len(t.claims) for t in one_group.transactions] == [2, 1]
    assert all(edi.balance_errors(t) == [] for t in one_group.transactions)
    # two groups: the second group of another interchange spliced in before the IEA
    first = remit(BODY).split("~")
    other = x12_ack_writer.interchange("HP", VERSION, [("835", second)], group=202).split("~")
    two_groups = "~".join(first[:-2] + other[1:-2] + ["IEA*2*000000101", ""])
    result = edi.parse_835(two_groups)
    assert [t.group_control_number for t in result.transactions] == ["101", "202"]
    assert [t.trace_number for t in result.transactions] == ["EFT0001", "EFT0002"]
    assert result.interchange.control_number == "000000101"


def test_cas_with_six_triplets():
    six = "CAS*CO*45*10*1*A2*10**B6*10**42*10**94*10**59*10*2"
    body = [
        *BODY[:26],
        "CLP*PCN0002*1*1200*495*600*12*PAYERCLM2",
        six,
        "SVC*HC:93555*1200*555",
        "CAS*PR*1*645",
    ]
    remittance = only_transaction(remit(body))
    adjustments = remittance.claims[1].adjustments
    assert [(a.reason, a.amount, a.quantity, a.triplet) for a in adjustments] == [
        ("45", D(10), D(1), 1),
        ("A2", D(10), None, 2),
        ("B6", D(10), None, 3),
        ("42", D(10), None, 4),
        ("94", D(10), None, 5),
        ("59", D(10), D(2), 6),
    ]
    assert {a.position for a in adjustments} == {31}
    assert edi.balance_errors(remittance) == []
    refuse(remit(changed(body, s31=six + "*45*1")), "more than 6 adjustment triplets", "segment 31 (CAS)")


def test_plb_with_several_pairs():
    plb = "PLB*1234567893*20251231*WO:PCN0099*50*L6*-2.5*FB:ABC:1*10"
    bpr = BODY[0].replace("*945*", "*882.5*")
    remittance = only_transaction(remit([*changed(BODY, s4=bpr), plb, "PLB*1234567893*20251231*72*5"]))
    assert [
        (p.position, p.reason, p.reference, p.amount, p.pair) for p in remittance.provider_adjustments
    ] == [
        (37, "WO", "PCN0099", D(50), 1),
        (37, "L6", "", D("-2.5"), 2),
        (37, "FB", "ABC:1", D(10), 3),
        (38, "72", "", D(5), 1),
    ]
    assert remittance.provider_adjustments[0].date_fiscal == date(2025, 12, 31)
    assert remittance.total_provider_adjustments == D("62.5")
    assert edi.balance_errors(remittance) == []
    refuse(remit([*BODY, "PLB*1234567893*20251231*WO"]), "PLB03 reason and PLB04 amount", "segment 37 (PLB)")
    refuse(
        remit([*BODY, "PLB*1234567893**WO*5"]), "fiscal period date (PLB02) is required", "segment 37 (PLB)"
    )
    refuse(remit([*BODY, plb, "LX*2"]), "after the provider adjustments", "segment 38 (LX)")


@pytest.mark.parametrize(
    ("changes", "fragment", "segment"),
    [
        ({"s16": "SVC*HC:99213*800*500"}, "SVC outside a claim payment (CLP)", "segment 16 (SVC)"),
        ({"s17": "CAS*CO*A2"}, "CAS02 reason and CAS03 amount must come together", "segment 17 (CAS)"),
        ({"s17": "CAS*CO*A2*50*1*45"}, "CAS05 reason and CAS06 amount", "segment 17 (CAS)"),
        ({"s17": "CAS*XX*A2*50"}, "CAS01 must be CO, CR, OA, PI or PR", "segment 17 (CAS)"),
        ({"s17": "CAS*CO*A2*ZEBRAMAN"}, "adjustment amount (CAS03) is not a number", "segment 17 (CAS)"),
        (
            {"s16": "CLP*PCN0001*1*MEMB98765*450"},
            "total claim charge (CLP03) is not a number",
            "segment 16 (CLP)",
        ),
        ({"s16": "CLP*PCN0001*1*800"}, "claim payment (CLP04) is required", "segment 16 (CLP)"),
        ({"s16": "CLP**1*800*450"}, "patient control number (CLP01) is required", "segment 16 (CLP)"),
        ({"s23": "SVC*99213*800*500"}, "SVC01 must hold", "segment 23 (SVC)"),
        ({"s23": "SVC*HC:99213*800*1E3"}, "line payment (SVC03) is not a number", "segment 23 (SVC)"),
        ({"s4": "TRN*1*EFT0001*1935665544"}, "BPR financial information expected", "segment 4 (TRN)"),
        ({"s5": "DTM*405*20250314"}, "TRN reassociation trace number expected", "segment 5 (DTM)"),
        (
            {"s4": BODY[0].replace("*C*ACH*", "*X*ACH*")},
            "BPR03 must be C (credit) or D (debit)",
            "segment 4 (BPR)",
        ),
        ({"s4": BODY[0].replace("*945*", "*" + "9" * 30 + "*")}, "longer than 20", "segment 4 (BPR)"),
        ({"s5": "TRN*1**1935665544"}, "trace number (TRN02) is required", "segment 5 (TRN)"),
        ({"s7": "N1*PE*BIG PAYER"}, "N101 must be PR (payer), then PE (payee)", "segment 7 (N1)"),
        ({"s12": None}, "LX before the payer (N1*PR) and payee (N1*PE)", "segment 13 (LX)"),
        ({"s18": "NM1*ZZ*1*ZEBRAMAN*QUENTIN****MI*MEMB98765"}, "NM101 must be QC", "segment 18 (NM1)"),
        ({"s24": "NM1*QC*1*ZEBRAMAN*QUENTIN****MI*MEMB98765"}, "after a service line", "segment 24 (NM1)"),
        ({"s24": "DTM*232*20250301"}, "DTM01 of a service line must be 472, 150 or 151", "segment 24 (DTM)"),
        ({"s24": "DTM*150*2025-03-01"}, "date (DTM02) is not a CCYYMMDD date", "segment 24 (DTM)"),
        ({"s6": "DTM*232*20250314"}, "DTM outside the header (405)", "segment 6 (DTM)"),
        ({"s17": "LQ*HE*N130"}, "LQ outside a service line (SVC)", "segment 17 (LQ)"),
        ({"s29": "LQ*XX*N130"}, "LQ01 must be HE or RX", "segment 29 (LQ)"),
        ({"s17": "CLM*PCN0001*800"}, "segment not allowed in an 835", "segment 17 (CLM)"),
        ({"s17": "TRN*1*EFT0002*1935665544"}, "TRN appears once, at the start", "segment 17 (TRN)"),
        ({"s17": "N3*1 MAIN STREET"}, "N3 is not allowed here", "segment 17 (N3)"),
        ({"s17": "TS3*1234567893*11*20251231*2*2000"}, "TS3 must follow the LX", "segment 17 (TS3)"),
        ({"s6": "REF*1K*PAYERCLM1"}, "REF01 must be EV or F2", "segment 6 (REF)"),
        ({"s17": "AMT*AU*ZEBRAMAN"}, "amount (AMT02) is not a number", "segment 17 (AMT)"),
        ({"s17": "QTY*CA"}, "quantity (QTY02) is required", "segment 17 (QTY)"),
    ],
)
def test_structural_errors_name_the_segment(changes, fragment, segment):
    refuse(remit(changed(BODY, **changes)), fragment, segment)


def test_missing_payer_or_payee_and_empty_sets_are_refused():
    refuse(remit(BODY[:3]), "the 835 has no payer (N1*PR) identification", "segment 7 (SE)")
    refuse(remit(BODY[:8]), "the 835 has no payee (N1*PE) identification", "segment 12 (SE)")
    refuse(remit([]), "BPR financial information expected", "segment 4 (SE)")
    refuse(remit(BODY[:1]), "TRN reassociation trace number expected", "segment 5 (SE)")


def test_a_remittance_without_claims_holds_only_provider_adjustments():
    body = [BODY[0].replace("*945*", "*25*"), *BODY[1:10], "PLB*1234567893*20251231*L6*-25"]
    remittance = only_transaction(remit(body))
    assert remittance.claims == () and remittance.total_provider_adjustments == D(-25)
    assert edi.balance_errors(remittance) == []
