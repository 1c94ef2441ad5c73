# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""837P professional claim writer (005010X222A1) over the dataclasses of :mod:`.x12_837_data`.

Pure Python: no Odoo import. :func:`write_837p` runs the checks of :mod:`.x12_837_checks` first (they raise
:class:`X12DataError` listing each bad claim, so a batch is written whole or not at all), then writes the
segments loop by loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from . import x12_837_data as data
from .x12_837_checks import check_all, claims_by_provider
from .x12_837_data import MAX_CLAIMS_PER_HL, VERSION
from .x12_837_elements import (
    _address,
    _cas,
    _d8,
    _dec,
    _diagnosis,
    _digits,
    _ndc,
    _num,
    _pointers,
    _procedure,
    _seg,
    _text,
)
from .x12_common import outgoing_envelope

__all__ = ["Written837P", "write_837p"]


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _person_nm1(code: str, last: str, first: str, middle: str, suffix: str, qual: str, ident: str):
    return _seg(
        "NM1",
        code,
        "1",
        _text(last, 60),
        _text(first, 35),
        _text(middle, 25),
        "",
        _text(suffix, 10),
        qual if ident else "",
        ident,
    )


def _org_nm1(code: str, name: str, qual: str, ident: str) -> str:
    return _seg("NM1", code, "2", _text(name, 60), "", "", "", "", qual if ident else "", ident)


def _provider_nm1(code: str, prov: data.Provider) -> str:
    if prov.organization:
        return _org_nm1(code, prov.last_name, "XX", prov.npi)
    return _person_nm1(code, prov.last_name, prov.first_name, prov.middle_name, "", "XX", prov.npi)


def _sbr(sub: data.Subscriber, relationship: str) -> str:
    return _seg(
        "SBR",
        sub.payer_responsibility,
        relationship,
        sub.group_number,
        _text(sub.group_name, 60) if not sub.group_number else "",
        sub.insurance_type_code,
        "",
        "",
        "",
        sub.claim_filing_indicator,
    )


def _subscriber_nm1(sub: data.Subscriber) -> str:
    names = (sub.last_name, sub.first_name, sub.middle_name, sub.suffix)
    return _person_nm1("IL", *names, "MI", sub.member_id)


def _write_subscriber(out: list[str], sub: data.Subscriber, payer: data.Payer, is_patient: bool) -> None:
    out.append(_sbr(sub, "18" if is_patient else ""))
    out.append(_subscriber_nm1(sub))
    # 2010BA N3 / N4 / DMG: only when the subscriber is the patient; for a dependant the patient's address and
    # birth date go in 2010CA and the subscriber loop carries none of them (005010X222A1)
    if is_patient:
        out.extend(_address(sub.address))
        out.append(f"DMG*D8*{_d8(sub.birth_date)}*{sub.sex}")
    out.append(_org_nm1("PR", payer.name, payer.id_qualifier, payer.payer_id))
    if payer.address is not None:
        out.extend(_address(payer.address))


def _write_patient(out: list[str], pat: data.Patient) -> None:
    out.append(f"PAT*{pat.relationship}")
    names = (pat.last_name, pat.first_name, pat.middle_name, pat.suffix)
    out.append(_person_nm1("QC", *names, "", ""))
    out.extend(_address(pat.address))
    out.append(f"DMG*D8*{_d8(pat.birth_date)}*{pat.sex}")


def _write_claim(out: list[str], claim: data.Claim, billing_npi: str) -> None:
    total = claim.total_charge
    if total is None:
        total = sum((_dec(line.charge) for line in claim.lines), Decimal(0))
    causes = ""
    if claim.related_causes:
        parts = [*claim.related_causes, "", "", ""][:3]
        parts.append(claim.accident_state.upper() if "AA" in claim.related_causes else "")
        causes = ":".join(parts).rstrip(":")
    out.append(
        _seg(
            "CLM",
            claim.patient_control_number,
            _num(total),
            "",
            "",
            f"{claim.place_of_service}:B:{claim.frequency}",
            "Y" if claim.provider_signature else "N",
            claim.assignment,
            claim.benefits_assignment,
            claim.release_of_information,
            "",
            causes,
        )
    )
    for day, qualifier in (
        (claim.onset_date, "431"),
        (claim.initial_treatment_date, "454"),
        (claim.last_seen_date, "304"),
        (claim.accident_date if claim.related_causes else None, "439"),
        (claim.admission_date, "435"),
        (claim.discharge_date, "096"),
    ):
        if day is not None:
            out.append(f"DTP*{qualifier}*D8*{_d8(day)}")
    _write_claim_references(out, claim)
    codes = [_diagnosis(code) for code in claim.diagnoses]
    out.append("HI*ABK:" + codes[0] + "".join("*ABF:" + code for code in codes[1:]))
    _write_claim_providers(out, claim, billing_npi)
    for other in claim.other_payers:
        _write_other_payer(out, other)
    claim_pos = claim.place_of_service
    for number, line in enumerate(claim.lines, start=1):
        _write_line(out, number, line, claim_pos)


def _write_claim_references(out: list[str], claim: data.Claim) -> None:
    """AMT, REF and NTE of loop 2300."""
    if claim.patient_paid_amount is not None:
        out.append(f"AMT*F5*{_num(claim.patient_paid_amount)}")
    if claim.referral_number:
        out.append(f"REF*9F*{claim.referral_number}")
    if claim.prior_authorization:
        out.append(f"REF*G1*{claim.prior_authorization}")
    if claim.frequency != "1":
        out.append(f"REF*F8*{claim.payer_claim_control_number}")
    if claim.medical_record_number:
        out.append(f"REF*EA*{claim.medical_record_number}")
    if claim.note:
        note = _text(claim.note, 80)
        if note:
            out.append(f"NTE*ADD*{note}")


def _write_claim_providers(out: list[str], claim: data.Claim, billing_npi: str) -> None:
    """Loops 2310A (referring), 2310B (rendering, unless it is the billing provider) and 2310C."""
    if claim.referring_provider is not None:
        out.append(_provider_nm1("DN", claim.referring_provider))
    rendering = claim.rendering_provider
    if rendering is not None and rendering.npi != billing_npi:
        out.append(_provider_nm1("82", rendering))
        if rendering.taxonomy:
            out.append(f"PRV*PE*PXC*{rendering.taxonomy}")
    if claim.service_facility is not None:
        fac = claim.service_facility
        out.append(_org_nm1("77", fac.name, "XX", fac.npi))
        out.extend(_address(fac.address))


def _write_other_payer(out: list[str], other: data.OtherPayer) -> None:
    out.append(_sbr(other.subscriber, other.relationship))
    out.extend(_cas(other.adjustments))
    if other.paid_amount is not None:
        out.append(f"AMT*D*{_num(other.paid_amount)}")
    if other.non_covered_amount is not None:
        out.append(f"AMT*A8*{_num(other.non_covered_amount)}")
    if other.remaining_patient_liability is not None:
        out.append(f"AMT*EAF*{_num(other.remaining_patient_liability)}")
    out.append(_seg("OI", "", "", other.benefits_assignment, "", "", other.release_of_information))
    sub = other.subscriber
    out.append(_subscriber_nm1(sub))
    if sub.address is not None:
        out.extend(_address(sub.address))
    payer = other.payer
    out.append(_org_nm1("PR", payer.name, payer.id_qualifier, payer.payer_id))
    if payer.address is not None:
        out.extend(_address(payer.address))
    if other.adjudication_date is not None:
        out.append(f"DTP*573*D8*{_d8(other.adjudication_date)}")
    if other.claim_control_number:
        out.append(f"REF*F8*{other.claim_control_number}")


def _write_line(out: list[str], number: int, line: data.Line, claim_pos: str) -> None:
    qualifier = line.procedure_qualifier
    procedure = _procedure(qualifier, line.procedure_code, line.modifiers, line.description)
    pos = line.place_of_service if line.place_of_service != claim_pos else ""
    pointers = _pointers(tuple(line.diagnosis_pointers))
    units = f"{line.unit_code}*{_num(line.units)}"
    sv1 = f"SV1*{procedure}*{_num(line.charge)}*{units}*{pos}**{pointers}"
    if line.emergency:
        sv1 += "**Y"
    if line.service_date_end is not None and line.service_date_end != line.service_date:
        dtp = f"DTP*472*RD8*{_d8(line.service_date)}-{_d8(line.service_date_end)}"
    else:
        dtp = f"DTP*472*D8*{_d8(line.service_date)}"
    out += (f"LX*{number}", sv1, dtp)
    if line.control_number:
        out.append(f"REF*6R*{line.control_number}")
    if line.ndc:
        out.append(f"LIN**N4*{_ndc(line.ndc)}")
        out.append(f"CTP****{_num(line.ndc_quantity)}*{line.ndc_unit}")
    for adj in line.adjudications:
        code = adj.procedure_code or line.procedure_code
        modifiers = adj.modifiers if adj.modifiers is not None else line.modifiers
        units = adj.paid_units if adj.paid_units is not None else line.units
        bundled = str(adj.bundled_line_number) if adj.bundled_line_number is not None else ""
        paid = _num(adj.paid_amount)
        svd_procedure = _procedure(qualifier, code, modifiers, "")
        out.append(_seg("SVD", adj.payer_id, paid, svd_procedure, "", _num(units), bundled))
        out.extend(_cas(adj.adjustments))
        out.append(f"DTP*573*D8*{_d8(adj.adjudication_date)}")
        if adj.remaining_patient_liability is not None:
            out.append(f"AMT*EAF*{_num(adj.remaining_patient_liability)}")


class Written837P(NamedTuple):
    """An 837P file and where its claims went: ``{CLM01: ST02 of the transaction set holding it}``."""

    text: str
    transactions: dict[str, str]


def write_837p(
    interchange: data.Interchange,
    claims_by_billing_provider: Mapping[data.BillingProvider, Sequence[data.Claim]]
    | Iterable[tuple[data.BillingProvider, Sequence[data.Claim]]],
    *,
    line_breaks: bool = False,
) -> Written837P:
    """Write one interchange holding all the claims, grouped by billing provider and subscriber.

    ``claims_by_billing_provider``: a mapping (or pairs) of BillingProvider to its claims.
    Claims with equal subscriber and payer share a 2000B level; a dependent patient gets a
    2000C level. Raises :class:`X12DataError` (listing every problem) before writing anything.
    Returns the text and the transaction set (ST02) of each claim (CLM01).
    """
    pairs = claims_by_provider(claims_by_billing_provider)
    check_all(interchange, pairs)

    # Order: provider, then (subscriber, payer), subscriber's own claims before dependants'.
    entries: list[tuple[int, tuple[int, int], data.Patient | None, data.Claim]] = []
    for p_index, (_provider, claims) in enumerate(pairs):
        groups: dict[tuple[data.Subscriber, data.Payer], dict[data.Patient | None, list[data.Claim]]] = {}
        for claim in claims:
            by_patient = groups.setdefault((claim.subscriber, claim.payer), {})
            by_patient.setdefault(claim.patient, []).append(claim)
        for s_index, by_patient in enumerate(groups.values()):
            for claim in by_patient.pop(None, ()):
                entries.append((p_index, (s_index, 0), None, claim))
            for patient, patient_claims in by_patient.items():
                for claim in patient_claims:
                    entries.append((p_index, (s_index, 1), patient, claim))

    ic = interchange
    envelope = outgoing_envelope(ic, "HC", VERSION)
    out: list[str] = list(envelope.head)
    sub = ic.submitter
    contact = ["PER", "IC", _text(sub.contact_name, 60)]
    if sub.phone:
        contact += ["TE", _digits(sub.phone)]
        if sub.phone_extension:
            contact += ["EX", _digits(sub.phone_extension)[:10]]
    if sub.email:
        contact += ["EM", sub.email]
    header_tail = [
        _org_nm1("41", sub.name, "46", sub.submitter_id),
        "*".join(contact),
        _org_nm1("40", ic.receiver.name, "46", ic.receiver.receiver_id),
    ]
    batch_id = ic.batch_id or str(ic.control_number)
    size = ic.max_claims_per_transaction
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
    transactions: dict[str, str] = {}
    for st_index, chunk in enumerate(chunks):
        st_control = f"{ic.transaction_control_number + st_index:04d}"
        transactions.update((entry[3].patient_control_number, st_control) for entry in chunk)
        start = len(out)
        out.append(f"ST*837*{st_control}*{VERSION}")
        suffix = f"-{st_index + 1}" if len(chunks) > 1 else ""
        out.append(f"BHT*0019*00*{batch_id}{suffix}*{envelope.date}*{envelope.time}*{ic.transaction_type}")
        out.extend(header_tail)
        _write_hierarchy(out, chunk, pairs)
        out.append(f"SE*{len(out) - start + 1}*{st_control}")
    out += envelope.tail(len(chunks))
    terminator = "~\n" if line_breaks else "~"
    return Written837P(terminator.join(out) + terminator, transactions)


def _write_hierarchy(
    out: list[str],
    chunk: list[tuple[int, tuple[int, int], data.Patient | None, data.Claim]],
    pairs: list[tuple[data.BillingProvider, Sequence[data.Claim]]],
) -> None:
    hl = 0
    provider_hl = subscriber_hl = 0
    prev_provider: int | None = None
    prev_group: tuple[int, int] | None = None
    prev_patient: data.Patient | None = None
    in_level = 0
    billing_npi = ""
    for p_index, group, patient, claim in chunk:
        if p_index != prev_provider:
            provider = pairs[p_index][0]
            billing_npi = provider.npi
            hl += 1
            provider_hl = hl
            out.append(f"HL*{hl}**20*1")
            if provider.taxonomy:
                out.append(f"PRV*BI*PXC*{provider.taxonomy}")
            if provider.first_name:
                names = (provider.name, provider.first_name, "", "")
                out.append(_person_nm1("85", *names, "XX", provider.npi))
            else:
                out.append(_org_nm1("85", provider.name, "XX", provider.npi))
            out.extend(_address(provider.address))
            out.append(f"REF*EI*{_digits(provider.ein)}")
            prev_provider, prev_group = p_index, None
        if group != prev_group or (patient is None and in_level == MAX_CLAIMS_PER_HL):
            hl += 1
            subscriber_hl = hl
            out.append(f"HL*{hl}*{provider_hl}*22*{0 if patient is None else 1}")
            _write_subscriber(out, claim.subscriber, claim.payer, patient is None)
            prev_group, prev_patient, in_level = group, None, 0
        if patient is not None and (patient is not prev_patient or in_level == MAX_CLAIMS_PER_HL):
            hl += 1
            out.append(f"HL*{hl}*{subscriber_hl}*23*0")
            _write_patient(out, patient)
            prev_patient, in_level = patient, 0
        _write_claim(out, claim, billing_npi)
        in_level += 1
