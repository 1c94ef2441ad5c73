# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claims to the 837P dataclasses of :mod:`medical_billing.edi`, read in a handful of queries.

The batch calls :meth:`ClaimMapper.map`; each loop of the 837P (2010AA billing provider, 2000B subscriber,
2000C patient, 2300 claim, 2310C facility, 2320/2330 other payers, 2400 lines) has its own method.
"""

from collections import defaultdict
from decimal import Decimal

from .. import edi
from .person_name import split_person_name

_CENT_CACHE_SIZE = 10_000
_LETTERS = "ABCDEFGHIJKL"
# SBR01 of each coverage priority.
RESPONSIBILITY = {"primary": "P", "secondary": "S", "tertiary": "T"}
# Partner columns of a claim, and what is read of those partners.
PARTNER_FIELDS = (
    "patient_id",
    "payer_id",
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_id",
)
PARTNER_READ = [
    "name",
    "is_company",
    "street",
    "street2",
    "city",
    "state_id",
    "zip",
    "country_id",
    "birthdate",
    "gender",
    "npi",
    "taxonomy_code",
    "payer_code",
    "claim_filing_indicator",
]
LINE_CODE_FIELDS = ("code_id", "modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")


class ClaimMapper:
    """Maps claims to the dataclasses of :mod:`medical_billing.edi` with batched reads."""

    def __init__(self, env, company):
        self.env = env
        self.company = company
        self.su = env(su=True)
        self._money = {}
        self._quantity = {}
        self._pointers = {}
        self._modifiers = {}
        self._billing_providers, self._payers, self._subscribers, self._patients = {}, {}, {}, {}

    # -------------------------------------------------------------- reading

    def _fetch(self, query, params):
        cr = self.env.cr
        cr.execute(query, params)
        names = [column.name for column in cr.description]
        return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]

    def _read(self, model, ids, fnames):
        ids = [i for i in ids if i]
        if not ids:
            return {}
        records = self.su[model].with_context(active_test=False, prefetch_fields=False).browse(set(ids))
        return {row["id"]: row for row in records.read(fnames, load=None)}

    def _claims(self, claim_ids):
        return self._fetch(
            """
            SELECT c.id, c.patient_control_number, c.company_id, c.patient_id, c.coverage_id, c.payer_id,
                   c.billing_provider_id, c.rendering_provider_id, c.referring_provider_id, c.facility_id,
                   c.place_of_service_id, c.date_service, c.date_service_end, c.prior_authorization,
                   c.frequency, c.payer_claim_control_number, c.primary_claim_id, c.amount_paid,
                   c.date_adjudicated, c.state
              FROM medical_claim c
             WHERE c.id = ANY(%s)
             ORDER BY c.id
            """,
            [list(claim_ids)],
        )

    def _lines(self, claim_ids):
        return self._fetch(
            """
            SELECT l.id, l.claim_id, l.code_id, l.modifier1_id, l.modifier2_id, l.modifier3_id,
                   l.modifier4_id, l.units, l.diagnosis_pointers, l.charge_amount, l.ndc_code,
                   l.ndc_quantity, l.ndc_unit, l.line_control_number, l.primary_line_id, l.amount_paid
              FROM medical_claim_line l
             WHERE l.claim_id = ANY(%s)
             ORDER BY l.claim_id, l.sequence, l.id
            """,
            [list(claim_ids)],
        )

    # -------------------------------------------------------------- values

    def money(self, value):
        value = value or 0.0
        result = self._money.get(value)
        if result is None:
            result = Decimal(f"{value:.2f}")
            if len(self._money) < _CENT_CACHE_SIZE:
                self._money[value] = result
        return result

    def quantity(self, value):
        result = self._quantity.get(value)
        if result is None:
            result = Decimal(f"{value:.3f}").normalize()
            self._quantity[value] = result
        return result

    def address(self, partner):
        if not partner:
            return None
        country = self.countries.get(partner["country_id"], "")
        return edi.Address(
            line1=partner["street"] or "",
            line2=partner["street2"] or "",
            city=partner["city"] or "",
            state=self.states.get(partner["state_id"], ""),
            postal_code=partner["zip"] or "",
            country_code=country if country and country != "US" else "",
        )

    @staticmethod
    def same_place(a, b):
        """Two addresses at the same place (a ZIP+4 against its 5-digit ZIP counts as the same)."""
        if a is None or b is None:
            return False

        def key(address):
            return (
                " ".join(address.line1.upper().split()),
                " ".join(address.line2.upper().split()),
                " ".join(address.city.upper().split()),
                address.state.upper(),
                "".join(ch for ch in address.postal_code if ch.isdigit())[:5],
                address.country_code,
            )

        return key(a) == key(b)

    @staticmethod
    def sex(partner):
        return {"f": "F", "m": "M", "u": "U"}.get(partner.get("gender") or "", "")

    def provider(self, partner_id, with_taxonomy):
        partner = self.partners.get(partner_id)
        if not partner:
            return None
        taxonomy = (partner["taxonomy_code"] or "") if with_taxonomy else ""
        if partner["is_company"]:
            return edi.Provider(
                last_name=partner["name"] or "",
                npi=partner["npi"] or "",
                taxonomy=taxonomy,
                organization=True,
            )
        last, first, middle, _suffix = split_person_name(partner["name"])
        return edi.Provider(
            last_name=last, first_name=first, middle_name=middle, npi=partner["npi"] or "", taxonomy=taxonomy
        )

    # -------------------------------------------------------------- mapping

    def map(self, claims):
        """([(BillingProvider, [Claim])], {CLM01: claim id}, claim count) of ``claims``.

        Reads everything with a handful of queries whatever the number of claims: the claims, lines and
        diagnoses with SQL (after a read access check), the partners, coverages and codes they point at
        with one ``read`` each; then builds each claim loop by loop.
        """
        claims.check_access("read")
        claims._check_linked_companies()
        for model in (
            "medical.claim",
            "medical.claim.line",
            "medical.claim.diagnosis",
            "medical.claim.adjustment",
        ):
            self.env[model].flush_model()
        claim_rows = self._claims(claims.ids)
        self._read_claim_details(claim_rows)
        self._read_previous_claims(claim_rows)
        self._read_references(claim_rows)
        by_provider = defaultdict(list)
        claim_by_pcn = {}
        for row in claim_rows:
            billing = self._billing_provider_of(row)
            by_provider[billing].append(self._claim(row, billing))
            claim_by_pcn[row["patient_control_number"]] = row["id"]
        return list(by_provider.items()), claim_by_pcn, len(claim_rows)

    def _read_claim_details(self, claim_rows):
        """Lines (loop 2400) and diagnoses (HI) of the claims, by claim id."""
        claim_ids = [row["id"] for row in claim_rows]
        self.line_rows = self._lines(claim_ids)
        self.diagnosis_rows = self._fetch(
            "SELECT claim_id, code_id FROM medical_claim_diagnosis WHERE claim_id = ANY(%s) "
            "ORDER BY claim_id, sequence, id",
            [claim_ids],
        )
        self.lines = defaultdict(list)
        for row in self.line_rows:
            self.lines[row["claim_id"]].append(row)

    def _read_previous_claims(self, claim_rows):
        """Coordination of benefits: the claims of the payers before, their lines and adjustments."""
        previous = {}
        wanted = {row["primary_claim_id"] for row in claim_rows if row["primary_claim_id"]}
        while wanted - previous.keys():
            rows = self._claims(wanted - previous.keys())
            previous.update((row["id"], row) for row in rows)
            wanted = {row["primary_claim_id"] for row in rows if row["primary_claim_id"]}
        previous_lines, adjustments = {}, defaultdict(list)
        if previous:
            for row in self._lines(list(previous)):
                previous_lines[row["id"]] = row
            for row in self._fetch(
                "SELECT claim_id, line_id, group_code, reason_code, amount, quantity "
                "FROM medical_claim_adjustment WHERE claim_id = ANY(%s) ORDER BY id",
                [list(previous)],
            ):
                adjustments[row["line_id"] or ("claim", row["claim_id"])].append(row)
        self.previous, self.previous_lines, self.adjustments = previous, previous_lines, adjustments

    def _read_references(self, claim_rows):
        """Coverages, companies, partners (with their states and countries) and codes the claims name."""
        all_claims = [*claim_rows, *self.previous.values()]
        self.coverages = self._read(
            "medical.coverage",
            {row["coverage_id"] for row in all_claims},
            ["subscriber_id", "member_id", "group_number", "plan_name", "relationship", "priority"],
        )
        self.companies = self._read(
            "res.company",
            {row["company_id"] for row in claim_rows},
            ["partner_id", "name", "medical_billing_npi", "medical_tax_id", "medical_taxonomy_code"],
        )
        partner_ids = {cov["subscriber_id"] for cov in self.coverages.values()}
        partner_ids.update(company["partner_id"] for company in self.companies.values())
        for row in all_claims:
            partner_ids.update(row[f] for f in PARTNER_FIELDS)
        self.partners = self._read("res.partner", partner_ids, PARTNER_READ)
        self.states = self._codes("res.country.state", {p["state_id"] for p in self.partners.values()})
        self.countries = self._codes("res.country", {p["country_id"] for p in self.partners.values()})
        code_ids = {row["place_of_service_id"] for row in claim_rows}
        code_ids.update(row["code_id"] for row in self.diagnosis_rows)
        for row in self.line_rows:
            code_ids.update(row[f] for f in LINE_CODE_FIELDS)
        self.codes = self._codes("medical.code", code_ids)
        self.diagnoses = defaultdict(list)
        for row in self.diagnosis_rows:
            self.diagnoses[row["claim_id"]].append(self.codes.get(row["code_id"], ""))

    def _codes(self, model, ids):
        return {rid: row["code"] for rid, row in self._read(model, ids, ["code"]).items()}

    def _billing_provider_of(self, row):
        """Loop 2000A / 2010AA of a claim, built once per (company, billing partner)."""
        key = (row["company_id"], row["billing_provider_id"])
        billing = self._billing_providers.get(key)
        if billing is None:
            company = self.companies[row["company_id"]]
            billing = self._billing_providers[key] = self._billing_provider(
                company, self.partners.get(company["partner_id"]), row["billing_provider_id"]
            )
        return billing

    def _claim(self, row, billing):
        """Loop 2300 of one claim, with its subscriber (2000B), patient (2000C) and lines (2400)."""
        coverage = self.coverages.get(row["coverage_id"], {})
        is_self = coverage.get("relationship", "18") == "18"
        claim_lines = self.lines.get(row["id"], [])
        other_payers, line_adjudications = self._other_payers(row, claim_lines)
        frequency = row["frequency"] or "1"
        return edi.Claim(
            patient_control_number=row["patient_control_number"],
            subscriber=self._subscriber_of(row, coverage, is_self),
            payer=self._payer_of(row["payer_id"]),
            diagnoses=tuple(self.diagnoses.get(row["id"], ())),
            lines=tuple(
                self._line(line, row, self.codes, line_adjudications.get(line["id"], ()))
                for line in claim_lines
            ),
            patient=None if is_self else self._patient_of(row, coverage),
            place_of_service=self.codes.get(row["place_of_service_id"], ""),
            frequency=frequency,
            payer_claim_control_number=(row["payer_claim_control_number"] or "").strip()
            if frequency in ("7", "8")
            else "",
            prior_authorization=(row["prior_authorization"] or "").strip(),
            referring_provider=self.provider(row["referring_provider_id"], False),
            rendering_provider=self.provider(row["rendering_provider_id"], True),
            service_facility=self._facility(row["facility_id"], billing) if row["facility_id"] else None,
            other_payers=other_payers,
        )

    def _payer_of(self, payer_id):
        """Loop 2010BB, built once per payer."""
        payer = self._payers.get(payer_id)
        if payer is None:
            payer = self._payers[payer_id] = self._payer(payer_id)
        return payer

    def _subscriber_of(self, row, coverage, is_self):
        """Loops 2000B / 2010BA, built once per coverage."""
        key = (row["coverage_id"], is_self)
        subscriber = self._subscribers.get(key)
        if subscriber is None:
            subscriber = self._subscribers[key] = self._subscriber(coverage, row["payer_id"], is_self)
        return subscriber

    def _patient_of(self, row, coverage):
        """Loops 2000C / 2010CA of a dependant, built once per coverage."""
        key = (row["coverage_id"], False)
        patient = self._patients.get(key)
        if patient is None:
            patient = self._patients[key] = self._patient(row["patient_id"], coverage)
        return patient

    def _billing_provider(self, company, company_partner, partner_id):
        """Loop 2010AA: the practice (company identifiers), or another billing partner of it."""
        if partner_id and partner_id != company["partner_id"] and partner_id in self.partners:
            partner = self.partners[partner_id]
            if partner["npi"]:
                first = ""
                name = partner["name"] or ""
                if not partner["is_company"]:
                    name, first, _middle, _suffix = split_person_name(partner["name"])
                return edi.BillingProvider(
                    name=name,
                    first_name=first,
                    npi=partner["npi"] or "",
                    ein=company["medical_tax_id"] or "",
                    address=self.address(partner),
                    taxonomy=partner["taxonomy_code"] or company["medical_taxonomy_code"] or "",
                )
        return edi.BillingProvider(
            name=(company_partner or {}).get("name") or company["name"] or "",
            npi=company["medical_billing_npi"] or "",
            ein=company["medical_tax_id"] or "",
            address=self.address(company_partner) or edi.Address(line1="", city="", state="", postal_code=""),
            taxonomy=company["medical_taxonomy_code"] or "",
        )

    def _payer(self, payer_id):
        partner = self.partners.get(payer_id) or {}
        return edi.Payer(name=partner.get("name") or "", payer_id=(partner.get("payer_code") or "").strip())

    def _subscriber(self, coverage, payer_id, is_patient, responsibility=None):
        partner = self.partners.get(coverage.get("subscriber_id")) or {}
        payer = self.partners.get(payer_id) or {}
        last, first, middle, suffix = split_person_name(partner.get("name"))
        address = self.address(partner) if partner and (is_patient or partner.get("street")) else None
        return edi.Subscriber(
            last_name=last,
            first_name=first,
            middle_name=middle,
            suffix=suffix,
            member_id=(coverage.get("member_id") or "").strip(),
            payer_responsibility=responsibility or RESPONSIBILITY.get(coverage.get("priority"), "P"),
            claim_filing_indicator=payer.get("claim_filing_indicator") or "CI",
            group_number=(coverage.get("group_number") or "").strip(),
            group_name="" if coverage.get("group_number") else (coverage.get("plan_name") or "")[:60],
            address=address,
            birth_date=partner.get("birthdate") or None,
            sex=self.sex(partner) if (is_patient or partner.get("gender")) else "",
        )

    def _patient(self, patient_id, coverage):
        partner = self.partners.get(patient_id) or {}
        last, first, middle, suffix = split_person_name(partner.get("name"))
        return edi.Patient(
            last_name=last,
            first_name=first,
            middle_name=middle,
            suffix=suffix,
            relationship=coverage.get("relationship") or "G8",
            address=self.address(partner) or edi.Address(line1="", city="", state="", postal_code=""),
            birth_date=partner.get("birthdate") or None,
            sex=self.sex(partner),
        )

    def _facility(self, facility_id, billing):
        partner = self.partners.get(facility_id)
        if not partner:
            return None
        address = self.address(partner)
        # Loop 2310C only when the service was given somewhere else than the billing address.
        if self.same_place(address, billing.address):
            return None
        return edi.ServiceFacility(name=partner["name"] or "", address=address, npi=partner["npi"] or "")

    def pointers(self, letters):
        """Diagnosis pointers as numbers: letters "AC" (A-L) -> (1, 3)."""
        result = self._pointers.get(letters)
        if result is None:
            result = self._pointers[letters] = tuple(
                _LETTERS.index(p) + 1 for p in (letters or "").upper() if p in _LETTERS
            )
        return result

    def modifiers(self, line, codes):
        key = (line["modifier1_id"], line["modifier2_id"], line["modifier3_id"], line["modifier4_id"])
        result = self._modifiers.get(key)
        if result is None:
            result = self._modifiers[key] = tuple(codes[m] for m in key if m)
        return result

    def _line(self, line, claim, codes, adjudications):
        ndc = line["ndc_code"]
        if ndc:
            ndc = ndc.strip()
        return edi.Line(
            procedure_code=codes.get(line["code_id"], ""),
            charge=self.money(line["charge_amount"]),
            service_date=claim["date_service"],
            service_date_end=claim["date_service_end"] or None,
            diagnosis_pointers=self.pointers(line["diagnosis_pointers"]),
            modifiers=self.modifiers(line, codes),
            units=self.quantity(line["units"] or 0.0),
            control_number=line["line_control_number"] or "",
            ndc=ndc or "",
            ndc_quantity=self.quantity(line["ndc_quantity"]) if ndc and line["ndc_quantity"] else None,
            ndc_unit=(line["ndc_unit"] or "UN") if ndc else "UN",
            adjudications=adjudications,
        )

    def _other_payers(self, row, claim_lines):
        """Loops 2320/2330 (and 2430 per line) of the payers before this claim's, first payer first."""
        previous, previous_lines, adjustments = self.previous, self.previous_lines, self.adjustments
        coverages = self.coverages
        chain = []
        current = row
        while current["primary_claim_id"] and current["primary_claim_id"] in previous:
            current = previous[current["primary_claim_id"]]
            chain.append(current)
        if not chain:
            return (), {}
        chain.reverse()
        others = []
        line_adjudications = defaultdict(list)
        for earlier in chain:
            coverage = coverages.get(earlier["coverage_id"], {})
            payer = self._payer(earlier["payer_id"])
            subscriber = self._subscriber(coverage, earlier["payer_id"], False)
            adjudicated = earlier["date_adjudicated"] or None
            claim_level = tuple(self._adjustment(a) for a in adjustments.get(("claim", earlier["id"]), ()))
            # What the payer paid on the claim (835 CLP04): amount_paid is already its lines' payments less
            # its claim-level adjustments, as a remittance balances (charge - every CAS = paid).
            paid = None
            if adjudicated:
                paid = self.money(earlier["amount_paid"])
            others.append(
                edi.OtherPayer(
                    payer=payer,
                    subscriber=subscriber,
                    relationship=coverage.get("relationship") or "18",
                    paid_amount=paid,
                    adjustments=claim_level,
                    adjudication_date=adjudicated,
                    claim_control_number=(earlier["payer_claim_control_number"] or "").strip(),
                )
            )
            if not adjudicated:
                continue
            for line in claim_lines:
                # Follow the line back to this payer's claim line.
                source = previous_lines.get(line["primary_line_id"])
                while source and source["claim_id"] != earlier["id"]:
                    source = previous_lines.get(source["primary_line_id"])
                if not source:
                    continue
                line_adjudications[line["id"]].append(
                    edi.LineAdjudication(
                        payer_id=payer.payer_id,
                        paid_amount=self.money(source["amount_paid"]),
                        adjudication_date=adjudicated,
                        adjustments=tuple(self._adjustment(a) for a in adjustments.get(source["id"], ())),
                    )
                )
        return tuple(others), {key: tuple(value) for key, value in line_adjudications.items()}

    def _adjustment(self, row):
        return edi.Adjustment(
            group=row["group_code"],
            reason=(row["reason_code"] or "").strip(),
            amount=self.money(row["amount"]),
            quantity=self.quantity(row["quantity"]) if row["quantity"] else None,
        )
