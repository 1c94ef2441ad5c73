# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The real 835 remittances of ../shared/x12 posted into the books, through pytest-odoo on the database of
``make test``: each test creates the claims a file pays (same claim numbers, charges, codes, modifiers and
dates of service, billed to the file's payer by the file's payee), imports the file, and asserts the journal
entry item by item, the remittance's totals, the claims' states and denials, and that each payer's open
receivable is the sum of its open claims. The broken files of ``negative/`` are refused with nothing written.
"""

import os
from datetime import date, timedelta
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError

from odoo.addons.medical_billing.edi.x12_835_writer import EraClaim, EraService, era_835, era_835_body
from odoo.addons.medical_billing.tests.remittance_common import RemittanceCommon

#: the real CMS and X12 files beside the repository, as tests/conftest.py finds them
SHARED = Path(os.environ.get("MEDICAL_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")


def shared_file(*parts):
    """A file of the shared test vectors; its absence fails the test (never a skip)."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        raise AssertionError(f"The shared test vectors are missing: expected {path}")
    return path


class Test835Files(RemittanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Importer = cls.env["medical.importer"]
        cls.Remittance = cls.env["medical.remittance"]
        cls.Log = cls.env["medical.import.log"]
        cls.oa_account = cls.practice.medical_remit_oa_account_id
        cls.unapplied = cls.practice.medical_unapplied_cash_account_id

    # ------------------------------------------------------------------ the practice, payers, claims

    def file_payer(self, name, payer_code):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "is_payer": True,
                "payer_code": payer_code,
                "claim_filing_indicator": "CI",
                # the files pay services of 2002-2014: no filing limit, or the claims could not be sent today
                "timely_filing_days": 0,
                "street": "481 Payer Road",
                "city": "Hartford",
                "zip": "06103",
                "state_id": self.env.ref("base.state_us_7").id,
                "country_id": self.us.id,
            }
        )

    def file_code(self, system, code):
        Code = self.env["medical.code"].with_context(active_test=False)
        record = Code.search([("system", "=", system), ("code", "=", code)], limit=1)
        values = {"billable": True, "date_start": False, "date_end": False, "active": True}
        if record:
            record.write(values)
            return record
        return Code.create({"system": system, "code": code, "name": f"{system} {code}", **values})

    def file_claim(self, payer, number, patient, date_service, lines, date_service_end=None, copay=0.0):
        """A submitted claim numbered ``number`` of a new patient ("LAST", "FIRST") covered by ``payer``.

        ``lines``: (system, code, [modifiers], charge), dated ``date_service``; ``copay``: collected at the
        visit (cash).
        """
        last, first = patient
        person = self._make_patient(f"{first.title()} {last.title()}")
        self._make_coverage(
            person, payer=payer, date_start=date_service - timedelta(days=30), copay_amount=copay
        )
        procedures = []
        for index, (system, code, modifiers, charge) in enumerate(lines, start=1):
            vals = {
                "sequence": index,
                "code_id": self.file_code(system, code).id,
                "units": 1,
                "diagnosis_pointers": "A",
                "charge_amount": charge,
            }
            for position, modifier in enumerate(modifiers, start=1):
                vals[f"modifier{position}_id"] = self.file_code("modifier", modifier).id
            procedures.append(Command.create(vals))
        encounter = self.env["medical.encounter"].create(
            {
                "patient_id": person.id,
                "company_id": self.practice.id,
                "date_service": date_service,
                "provider_id": self.provider.id,
                "place_of_service_id": self.codes["pos_11"].id,
                "diagnosis_ids": [Command.create({"sequence": 1, "code_id": self.codes["dx_knee"].id})],
                "procedure_ids": procedures,
            }
        )
        encounter.action_check()
        self.assertEqual(encounter.state, "checked", encounter.finding_ids.mapped("message"))
        if copay:
            action = encounter.action_collect_copay()
            register = self.env["medical.copay.register"].with_context(**action["context"]).create({})
            register.action_confirm()
            self.assertEqual(encounter.copay_amount_paid, copay)
        encounter.action_create_claims()
        claim = encounter.claim_ids
        self.assertEqual(claim.payer_id, payer)
        vals = {"patient_control_number": number}
        if date_service_end:
            vals["date_service_end"] = date_service_end
        claim.write(vals)
        claim.action_validate()
        self.assertEqual(claim.state, "ready", claim.finding_ids.mapped("message"))
        claim.action_submit()
        return claim

    def import_835(self, name):
        data = shared_file("x12", "samples", name).read_bytes()
        before = self.Remittance.search([]).ids
        counts = self.Importer.import_file("835", data, name)
        remittances = self.Remittance.search([("id", "not in", before)], order="id")
        return remittances, counts

    def assertItems(self, move, expected):
        """``expected``: (account, partner, debit, credit, claim line or None) for each journal item of
        ``move``, in any order; debits equal credits."""
        actual = sorted(
            (ln.account_id.code, ln.partner_id.name or "", ln.debit, ln.credit, ln.medical_claim_line_id.id)
            for ln in move.line_ids
        )
        wanted = sorted(
            (account.code, partner.name or "", debit, credit, line.id if line else False)
            for account, partner, debit, credit, line in expected
        )
        self.assertEqual(actual, wanted)
        self.assertEqual(
            round(sum(move.line_ids.mapped("debit")), 2), round(sum(move.line_ids.mapped("credit")), 2)
        )

    def assertReceivables(self, payer, patients):
        """The payer's open receivable is the sum of its open claims; each patient owes ``patients[p]``."""
        self.assertReceivablesMatchClaims(payer)
        for patient, amount in patients.items():
            items = self.env["account.move.line"].search(
                [
                    ("partner_id", "=", patient.id),
                    ("account_id", "=", self.patient_ar.id),
                    ("parent_state", "=", "posted"),
                ]
            )
            self.assertAlmostEqual(sum(items.mapped("amount_residual")), amount, places=2)

    def set_payee_unchecked(self, field, value):
        """Store an identifier the files carry but the practice form refuses (see the tests' docstrings), as
        data migrated from another system would be: the importer compares it as stored."""
        self.env.flush_all()
        self.env.cr.execute(f"UPDATE res_company SET {field} = %s WHERE id = %s", [value, self.practice.id])
        self.practice.invalidate_recordset([field])

    def import_refused(self, data, filename):
        """Import an 835 that must be refused; return the message (the refusal record stays: no
        assertRaises, whose savepoint would roll it back)."""
        try:
            self.Importer.import_file("835", data, filename)
        except UserError as error:
            return error.args[0]
        self.fail(f"{filename} was imported")

    def assertRefusedWrite(self, record, field, value, message):
        """Writing ``value`` in ``field`` of ``record`` is refused with ``message`` (and leaves nothing)."""
        self.env.flush_all()
        with self.assertRaises(UserError) as caught:
            record.write({field: value})
        self.assertIn(message, caught.exception.args[0])
        record.invalidate_recordset([field], flush=False)
        self.assertNotEqual(record[field], value)

    def assertNothingWritten(self, moves_before, message, pattern):
        self.assertRegex(message, pattern)
        self.assertFalse(self.Remittance.search([]))
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def separate_claims(self, copay=0.0):
        """The practice, payer and claims X221-dollars-and-data-sent-separate.edi pays (``copay``: collected
        at Budd's visit)."""
        self.practice.medical_tax_id = "77-7667755"
        payer = self.file_payer("RUSHMORE LIFE", "1935665544")
        budd = self.file_claim(
            payer,
            "5554555444",
            ("BUDD", "WILLIAM"),
            date(2002, 3, 1),
            [("cpt", "99211", [], 800)],
            date_service_end=date(2002, 3, 4),
            copay=copay,
        )
        settle = self.file_claim(
            payer,
            "8765432112",
            ("SETTLE", "SUSAN"),
            date(2002, 3, 10),
            [("cpt", "93555", [], 1200)],
            date_service_end=date(2002, 3, 12),
        )
        return payer, budd, settle

    # ------------------------------------------------------------------ the files

    def test_era_sample_dental_claim_paid_with_contractual_discounts(self):
        """X221-era-sample.edi: one dental claim by check, five lines each paid with a CO 131 discount."""
        self.practice.medical_tax_id = "999994703"  # N1*PE*...*FI*999994703
        payer = self.file_payer("DELTA DENTAL OF ABC", "1512345678")
        # the payer's contracted rates: as allowed (AMT*B6), but 45 for D1110 (allowed 49: a variance)
        self.env["medical.fee.schedule"].create(
            {
                "name": "Delta contract",
                "schedule_type": "contract",
                "payer_id": payer.id,
                "line_ids": [
                    Command.create({"code_id": self.file_code("hcpcs", code).id, "amount": amount})
                    for code, amount in (
                        ("D0120", 25),
                        ("D0220", 14),
                        ("D0230", 10),
                        ("D0274", 34),
                        ("D1110", 45),
                    )
                ],
            }
        )
        claim = self.file_claim(
            payer,
            "7722337",
            ("DOE", "SALLY"),
            date(2014, 3, 24),
            [
                ("hcpcs", "D0120", [], 46),
                ("hcpcs", "D0220", [], 25),
                ("hcpcs", "D0230", [], 22),
                ("hcpcs", "D0274", [], 60),
                ("hcpcs", "D1110", [], 73),
            ],
        )
        (remittance,), counts = self.import_835("X221-era-sample.edi")
        self.assertEqual(
            (counts["remittances"], counts["posted"], counts["claims_matched"], counts["exceptions"]),
            (1, 1, 1, 0),
        )
        self.assertEqual(remittance.state, "posted")
        self.assertEqual((remittance.payment_method, remittance.trace_number), ("CHK", "12345"))
        self.assertEqual(str(remittance.date_payment), "2014-03-31")
        self.assertEqual(remittance.payer_id, payer)
        self.assertEqual(remittance.import_log_id.state, "done")
        self.assertEqual(
            remittance.attachment_id.raw, shared_file("x12", "samples", "X221-era-sample.edi").read_bytes()
        )
        self.assertNoExceptions(remittance)
        lines = claim.line_ids.sorted("sequence")
        self.assertEqual(remittance.claim_ids.line_ids.mapped("claim_line_id"), lines)
        items = [(self.deposit_account, payer, 132.0, 0.0, None)]
        for line, paid, co in zip(lines, (25, 14, 10, 34, 49), (21, 11, 12, 26, 24), strict=True):
            items += [
                (self.payer_ar, payer, 0.0, float(paid + co), line),
                (self.contractual, payer, float(co), 0.0, line),
            ]
        self.assertItems(remittance.move_id, items)
        self.assertEqual(
            (remittance.amount_charges, remittance.amount_paid, remittance.amount_contractual),
            (226.0, 132.0, 94.0),
        )
        self.assertEqual((remittance.amount_patient, remittance.amount_other_adjustments), (0.0, 0.0))
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.invoice_id.payment_state, "paid")
        self.assertEqual(claim.amount_paid, 132.0)
        self.assertEqual(lines.mapped("amount_paid"), [25.0, 14.0, 10.0, 34.0, 49.0])
        rlines = remittance.claim_ids.line_ids
        self.assertEqual(rlines.mapped("allowed_amount"), [25.0, 14.0, 10.0, 34.0, 49.0])
        self.assertEqual(rlines.mapped("expected_amount"), [25.0, 14.0, 10.0, 34.0, 45.0])
        self.assertEqual(rlines.mapped("variance_amount"), [0.0, 0.0, 0.0, 0.0, 4.0])
        self.assertEqual(rlines.mapped("has_variance"), [False, False, False, False, True])
        self.assertFalse(claim.denial_ids)
        self.assertReceivables(payer, {claim.patient_id: 0.0})

    def test_multiple_claims_single_check_one_claim_number_for_nine_claims(self):
        """X221-multiple-claims-single-check.edi: nine CLPs on one check, all numbered 7722337 (the guide's
        example reuses it for nine patients). Our claim numbers are unique: the first CLP pays our claim
        7722337, the eight others are exceptions for the biller, their money on unapplied payer cash."""
        self.practice.medical_tax_id = "999994703"
        payer = self.file_payer("DENTAL OF ABC", "1512345678")
        claim = self.file_claim(
            payer,
            "7722337",
            ("DOE", "SANDY"),
            date(2014, 3, 24),
            [
                ("hcpcs", "D0120", [], 46),
                ("hcpcs", "D0220", [], 25),
                ("hcpcs", "D0230", [], 22),
                ("hcpcs", "D0274", [], 60),
                ("hcpcs", "D1110", [], 73),
            ],
        )
        (remittance,), counts = self.import_835("X221-multiple-claims-single-check.edi")
        self.assertEqual(remittance.state, "posted")
        self.assertEqual((counts["total"], counts["claims_matched"], counts["exceptions"]), (9, 1, 8))
        self.assertEqual((remittance.claim_count, remittance.exception_count), (9, 8))
        first, *others = remittance.claim_ids.sorted("sequence")
        self.assertEqual(
            (first.match_state, first.claim_id, first.patient_name), ("matched", claim, "DOE SANDY")
        )
        self.assertEqual(
            [(o.match_state, o.claim_id, o.exception_reason) for o in others],
            [
                (
                    "exception",
                    claim,
                    "Claim 7722337 is already paid by another claim of this remittance: pick the claim this "
                    "one pays.",
                )
            ]
            * 8,
        )
        paid_others = [74.0, 108.0, 14.0, 16.8, 132.0, 108.0, 82.0, 144.0]
        self.assertEqual([o.paid_amount for o in others], paid_others)
        self.assertEqual([o.position for o in others], [38, 52, 79, 96, 113, 138, 155, 172])
        lines = claim.line_ids.sorted("sequence")
        items = [(self.deposit_account, payer, 810.8, 0.0, None)]
        for line, paid, co in zip(lines, (25, 14, 10, 34, 49), (21, 11, 12, 26, 24), strict=True):
            items += [
                (self.payer_ar, payer, 0.0, float(paid + co), line),
                (self.contractual, payer, float(co), 0.0, line),
            ]
        items += [(self.unapplied, payer, 0.0, paid, None) for paid in paid_others]
        self.assertItems(remittance.move_id, items)
        unapplied = remittance.move_id.line_ids.filtered(lambda ln: ln.account_id == self.unapplied)
        self.assertEqual(
            sorted(unapplied.mapped("name")),
            sorted(f"Unapplied: claim 7722337 (segment {o.position})" for o in others),
        )
        self.assertEqual(unapplied.medical_remittance_claim_id, remittance.claim_ids - first)
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.amount_paid, 132.0)
        self.assertEqual(claim.invoice_id.payment_state, "paid")
        self.assertReceivables(payer, {claim.patient_id: 0.0})

    def test_dollars_and_data_sent_separate_ach_with_patient_shares(self):
        """X221-dollars-and-data-sent-separate.edi: an EFT paying two claims, each with a deductible (PR 1)
        moved to the patient and a claim-level CO A2; the payee is named by an NPI no practice can have
        (5544667733 starts with 5) and by its tax id (REF*TJ), which selects the practice."""
        payer, budd, settle = self.separate_claims()
        (remittance,), counts = self.import_835("X221-dollars-and-data-sent-separate.edi")
        self.assertEqual((counts["claims_matched"], counts["exceptions"], counts["amount"]), (2, 0, 945.0))
        self.assertNoExceptions(remittance)
        self.assertEqual((remittance.payment_method, remittance.trace_number), ("ACH", "71700666555"))
        self.assertItems(
            remittance.move_id,
            [
                (self.deposit_account, payer, 945.0, 0.0, None),
                # 5554555444: line 800 = 500 paid + 300 deductible; claim level CO A2 50 out of the payment
                (self.payer_ar, payer, 0.0, 800.0, budd.line_ids),
                (self.patient_ar, budd.patient_id, 300.0, 0.0, budd.line_ids),
                (self.contractual, payer, 50.0, 0.0, None),
                # 8765432112: line 1200 = 550 paid + 600 deductible + CO 45 50; claim level CO A2 55
                (self.payer_ar, payer, 0.0, 1200.0, settle.line_ids),
                (self.patient_ar, settle.patient_id, 600.0, 0.0, settle.line_ids),
                (self.contractual, payer, 50.0, 0.0, settle.line_ids),
                (self.contractual, payer, 55.0, 0.0, None),
            ],
        )
        deposit = remittance.move_id.line_ids.filtered(lambda ln: ln.account_id == self.deposit_account)
        self.assertEqual(deposit.name, "ERA payment 71700666555")
        self.assertEqual(
            (
                remittance.amount_charges,
                remittance.amount_paid,
                remittance.amount_contractual,
                remittance.amount_patient,
            ),
            (2000.0, 945.0, 155.0, 900.0),
        )
        self.assertEqual((budd.state, settle.state), ("paid", "paid"))
        # the claims' view: paid CLP04 (after the claim-level CO), the lines SVC03
        self.assertEqual(
            (budd.amount_paid, budd.line_ids.amount_paid, budd.amount_patient), (450.0, 500.0, 300.0)
        )
        self.assertEqual(
            (settle.amount_paid, settle.line_ids.amount_paid, settle.amount_patient), (495.0, 550.0, 600.0)
        )
        self.assertReceivables(payer, {budd.patient_id: 300.0, settle.patient_id: 600.0})

    def test_dollars_and_data_sent_separate_visit_copay_applied_to_the_deductible(self):
        """The 25 copay collected at Budd's visit settles part of the deductible the payer left him: he owes
        275; the remittance's entry is unchanged."""
        payer, budd, settle = self.separate_claims(copay=25.0)
        (remittance,), _counts = self.import_835("X221-dollars-and-data-sent-separate.edi")
        self.assertNoExceptions(remittance)
        self.assertEqual(len(remittance.move_id.line_ids), 8)
        self.assertItems(
            budd.copay_move_id,
            [
                (self.practice.medical_copay_account_id, budd.patient_id, 25.0, 0.0, None),
                (self.patient_ar, budd.patient_id, 0.0, 25.0, None),
            ],
        )
        self.assertEqual((budd.state, budd.invoice_id.payment_state), ("paid", "paid"))
        self.assertReceivables(payer, {budd.patient_id: 275.0, settle.patient_id: 600.0})

    def test_dollars_and_data_sent_separate_cancelled_exactly_then_posted_again(self):
        """Cancelling the posted remittance of a real file reverses its entry item by item and reopens the
        claims; back to draft and posted again, it posts the same items."""
        payer, budd, settle = self.separate_claims()
        (remittance,), _counts = self.import_835("X221-dollars-and-data-sent-separate.edi")
        move = remittance.move_id
        posted = sorted(
            (ln.account_id.id, ln.partner_id.id, ln.debit, ln.credit, ln.medical_claim_line_id.id)
            for ln in move.line_ids
        )
        remittance.action_cancel()
        self.assertEqual(remittance.state, "cancel")
        self.assertEqual(move.state, "posted")
        reversal = remittance.reversal_move_id
        self.assertEqual(
            sorted(
                (ln.account_id.id, ln.partner_id.id, ln.credit, ln.debit, ln.medical_claim_line_id.id)
                for ln in reversal.line_ids
            ),
            posted,
        )
        self.assertTrue(all(ln.reconciled for ln in move.line_ids if ln.account_id.reconcile))
        for claim in budd | settle:
            self.assertEqual(claim.invoice_id.payment_state, "not_paid")
            self.assertEqual(claim.amount_residual, claim.amount_total)
        self.assertReceivables(payer, {budd.patient_id: 0.0, settle.patient_id: 0.0})
        remittance.action_draft()
        remittance.action_post()
        self.assertEqual(remittance.state, "posted")
        self.assertEqual(
            sorted(
                (ln.account_id.id, ln.partner_id.id, ln.debit, ln.credit, ln.medical_claim_line_id.id)
                for ln in remittance.move_id.line_ids
            ),
            posted,
        )
        self.assertEqual((budd.state, settle.state), ("paid", "paid"))
        self.assertReceivables(payer, {budd.patient_id: 300.0, settle.patient_id: 600.0})

    def test_dollars_and_data_sent_separate_cancelled_claims_lose_its_adjudication(self):
        """After cancelling the remittance, nothing paid the claims: their adjudication is gone and they are
        back to accepted, as their reopened invoices say."""
        _payer, budd, settle = self.separate_claims()
        (remittance,), _counts = self.import_835("X221-dollars-and-data-sent-separate.edi")
        remittance.action_cancel()
        for claim in budd | settle:
            self.assertEqual(claim.invoice_id.payment_state, "not_paid")
            self.assertEqual(
                (claim.state, claim.amount_paid, claim.amount_patient, claim.date_adjudicated),
                ("accepted", 0.0, 0.0, False),
            )
            self.assertFalse(claim.adjustment_ids)

    def test_a_real_file_imported_twice_is_refused_the_second_time(self):
        _payer, budd, _settle = self.separate_claims()
        self.import_835("X221-dollars-and-data-sent-separate.edi")
        moves = self.env["account.move"].search_count([])
        data = shared_file("x12", "samples", "X221-dollars-and-data-sent-separate.edi").read_bytes()
        message = self.import_refused(data, "again.edi")
        self.assertIn("segment 1 (ISA): this file was already imported on ", message)
        self.assertEqual(self.Remittance.search_count([]), 1)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(budd.remittance_count, 1)

    def test_dollars_and_data_sent_together_payee_npi_is_no_practice(self):
        """X221-dollars-and-data-sent-together.edi names its payee only by NPI 6543210903, which no practice
        can carry (an NPI starts with 1 or 2): as the practice form allows it, the file is refused, nothing
        written, and kept in the import history."""
        self.assertRefusedWrite(
            self.practice,
            "medical_billing_npi",
            "6543210903",
            "6543210903 is not a valid NPI: an NPI starts with 1 or 2.",
        )
        moves = self.env["account.move"].search_count([])
        data = shared_file("x12", "samples", "X221-dollars-and-data-sent-together.edi").read_bytes()
        message = self.import_refused(data, "together.edi")
        self.assertNothingWritten(
            moves,
            message,
            r"^together\.edi was refused, nothing was changed\.\n"
            r"segment 3 \(ST 1234\): the payee XX 6543210903 is none of the practices you may post for",
        )
        self.assertEqual(self.Log.search([("filename", "=", "together.edi")]).state, "refused")

    def test_dollars_and_data_sent_together_claim_level_payments_and_plb(self):
        """X221-dollars-and-data-sent-together.edi: two claims paid at claim level only (no SVC), CO 45
        contractual, and a provider adjustment CV (capital pass-through) of -1.27 that adds to the EFT.
        The payee NPI 6543210903 cannot be entered on the practice form (see the test above): stored as
        migrated data, the file posts."""
        payer = self.file_payer("INSURANCE COMPANY OF TIMBUCKTU", "999")  # REF*2U*999
        jones = self.file_claim(
            payer,
            "666123",
            ("JONES", "SAM"),
            date(2002, 8, 16),
            [("cpt", "99223", [], 211366.97)],
            date_service_end=date(2002, 8, 24),
        )
        border = self.file_claim(
            payer, "777777", ("BORDER", "LIZ"), date(2002, 5, 12), [("cpt", "99223", [], 15000)]
        )
        self.set_payee_unchecked("medical_billing_npi", "6543210903")
        (remittance,), counts = self.import_835("X221-dollars-and-data-sent-together.edi")
        self.assertNoExceptions(remittance)
        self.assertEqual((counts["claims_matched"], counts["amount"]), (2, 150000.0))
        self.assertEqual(remittance.payer_id, payer)
        self.assertItems(
            remittance.move_id,
            [
                (self.deposit_account, payer, 150000.0, 0.0, None),
                (self.payer_ar, payer, 0.0, 211366.97, None),
                (self.contractual, payer, 73348.57, 0.0, None),
                (self.payer_ar, payer, 0.0, 15000.0, None),
                (self.contractual, payer, 3019.67, 0.0, None),
                (self.oa_account, payer, 0.0, 1.27, None),
            ],
        )
        plb = remittance.provider_adjustment_ids
        self.assertEqual(
            (plb.reason_code, plb.reference, plb.amount, plb.account_id), ("CV", "CP", -1.27, self.oa_account)
        )
        self.assertEqual(remittance.amount_provider_adjustments, -1.27)
        self.assertEqual((remittance.amount_paid, remittance.amount_contractual), (149998.73, 76368.24))
        self.assertEqual(remittance.claim_ids.sorted("sequence").mapped("remark_codes"), [False, "MA02"])
        self.assertEqual((jones.state, border.state), ("paid", "paid"))
        self.assertEqual((jones.amount_paid, border.amount_paid), (138018.4, 11980.33))
        self.assertEqual(jones.invoice_id.payment_state, "paid")
        self.assertReceivables(payer, {jones.patient_id: 0.0, border.patient_id: 0.0})

    def test_secondary_payments_claim_level_and_lines_with_prior_payer_part(self):
        """X221-secondary-payments.edi: a payer paying as secondary (CLP02 2). Our claims bill it directly
        (as first payer), so the prior payer's part (OA 23) posts as an other adjustment: one claim at claim
        level only, one with two lines (modifier 26), deductible and coinsurance to the patient, CO 42."""
        self.practice.medical_tax_id = "599944521"
        payer = self.file_payer("YOUR TAX DOLLARS AT WORK", "1559123456")
        townsend = self.file_claim(
            payer,
            "L0004828311",
            ("TOWNSEND", "WILLIAM"),
            date(2005, 3, 3),
            [("cpt", "99223", [], 10323.64)],
            date_service_end=date(2005, 3, 4),
        )
        baki = self.file_claim(
            payer,
            "0001000053",
            ("BAKI", "ANGI"),
            date(2005, 1, 6),
            [("cpt", "12345", ["26"], 166.5), ("cpt", "66543", ["26"], 585)],
        )
        (remittance,), _counts = self.import_835("X221-secondary-payments.edi")
        self.assertNoExceptions(remittance)
        self.assertEqual(remittance.claim_ids.mapped("status_code"), ["2", "2"])
        first, second = baki.line_ids.sorted("sequence")
        self.assertItems(
            remittance.move_id,
            [
                (self.deposit_account, payer, 1222.0, 0.0, None),
                (self.payer_ar, payer, 0.0, 10323.64, None),
                (self.oa_account, payer, 9411.64, 0.0, None),
                (self.payer_ar, payer, 0.0, 166.5, first),
                (self.oa_account, payer, 136.5, 0.0, first),
                (self.payer_ar, payer, 0.0, 585.0, second),
                (self.patient_ar, baki.patient_id, 220.0, 0.0, second),
                (self.contractual, payer, 85.0, 0.0, second),
            ],
        )
        self.assertEqual(
            (remittance.amount_paid, remittance.amount_contractual, remittance.amount_patient),
            (1222.0, 85.0, 220.0),
        )
        self.assertEqual(remittance.amount_other_adjustments, 9548.14)
        self.assertEqual((townsend.state, baki.state), ("paid", "paid"))
        self.assertEqual((townsend.amount_paid, baki.amount_paid), (912.0, 310.0))
        self.assertEqual((townsend.invoice_id.payment_state, baki.invoice_id.payment_state), ("paid", "paid"))
        self.assertEqual((first.amount_paid, second.amount_paid, baki.amount_patient), (30.0, 280.0, 220.0))
        self.assertEqual(remittance.claim_ids.line_ids.mapped("revenue_code"), [False, "220"])
        self.assertReceivables(payer, {townsend.patient_id: 0.0, baki.patient_id: 220.0})

    def test_tertiary_payment(self):
        """X221-tertiary-payments.edi: a payer paying as tertiary (CLP02 3), the earlier payers' part OA 23;
        our claim bills it directly, so OA 23 posts as an other adjustment."""
        self.practice.medical_tax_id = "599944521"
        payer = self.file_payer("YOUR TAX DOLLARS AT WORK", "1559123456")
        claim = self.file_claim(
            payer, "0001000054", ("ISLAND", "ELLIS"), date(2005, 1, 20), [("cpt", "24599", [], 1766.5)]
        )
        (remittance,), _counts = self.import_835("X221-tertiary-payments.edi")
        self.assertNoExceptions(remittance)
        self.assertEqual(remittance.claim_ids.status_code, "3")
        self.assertItems(
            remittance.move_id,
            [
                (self.deposit_account, payer, 187.5, 0.0, None),
                (self.payer_ar, payer, 0.0, 1766.5, claim.line_ids),
                (self.oa_account, payer, 1579.0, 0.0, claim.line_ids),
            ],
        )
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.amount_paid, 187.5)
        self.assertReceivables(payer, {claim.patient_id: 0.0})

    def test_secondary_payment_with_higher_fee_schedule(self):
        """X221-secondary-payment-with-higher-fee-schedule.edi: secondary (CLP02 2) paying 34 of 541, OA 23
        516 and a negative OA 94 of -9 (processed in excess of charges). Its payee is FI 3UR334563, which the
        practice form refuses as a tax id (9 digits): stored as migrated data, the file posts."""
        self.assertRefusedWrite(
            self.practice, "medical_tax_id", "3UR334563", "3UR334563 is not an employer identification number"
        )
        payer = self.file_payer("YOUR TAX DOLLARS AT WORK", "1566339911")
        claim = self.file_claim(
            payer, "0001000055", ("BURCK", "RAYMOND"), date(2005, 2, 2), [("cpt", "55669", [], 541)]
        )
        self.set_payee_unchecked("medical_tax_id", "3UR334563")
        (remittance,), _counts = self.import_835("X221-secondary-payment-with-higher-fee-schedule.edi")
        self.assertNoExceptions(remittance)
        self.assertItems(
            remittance.move_id,
            [
                (self.deposit_account, payer, 34.0, 0.0, None),
                (self.payer_ar, payer, 0.0, 541.0, claim.line_ids),
                (self.oa_account, payer, 507.0, 0.0, claim.line_ids),
            ],
        )
        rline = remittance.claim_ids.line_ids
        self.assertEqual((rline.allowed_amount, rline.claim_line_id), (550.0, claim.line_ids))
        self.assertEqual(remittance.amount_other_adjustments, 507.0)
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.amount_paid, 34.0)
        self.assertReceivables(payer, {claim.patient_id: 0.0})

    # ------------------------------------------------------------------ reversals (found by make bench)

    def reversal_era(self, claim, services, control, trace):
        """An 835 (interchange ``control``) reversing the payment of ``claim`` (CLP02 22, amounts negated),
        with its SVC lines when ``services`` (else the adjustments at claim level), then paying it again."""
        first, second = claim.line_ids.sorted("sequence")
        paid = [
            self.service(first, 60, [("CO", "45", 40)]),
            self.service(second, 150, [("CO", "45", 50)]),
        ]
        negated = [
            EraService(
                code=s.code,
                charge=-s.charge,
                paid=-s.paid,
                modifiers=s.modifiers,
                date_service=s.date_service,
                adjustments=[(g, r, -a) for g, r, a in s.adjustments],
            )
            for s in paid
        ]
        reversal = EraClaim(
            pcn=claim.patient_control_number,
            charge=-claim.amount_total,
            paid=-210,
            status="22",
            patient=("ONE", "TEST"),
            services=negated if services else (),
            adjustments=() if services else [("CO", "45", -40), ("CO", "45", -50)],
        )
        corrected = self.era_claim(
            claim,
            220,
            [self.service(first, 70, [("CO", "45", 30)]), self.service(second, 150, [("CO", "45", 50)])],
        )
        return era_835(
            [era_835_body([reversal, corrected], trace=trace, payee_npi=self.npi)], control=control
        )

    def paid_then_reversed(self, services):
        claim = self.submitted_claim()
        first, second = claim.line_ids.sorted("sequence")
        era = self.era(
            [
                self.era_claim(
                    claim,
                    210,
                    [
                        self.service(first, 60, [("CO", "45", 40)]),
                        self.service(second, 150, [("CO", "45", 50)]),
                    ],
                )
            ],
            trace="PAY1",
        )
        earlier, _counts = self.import_era(era)
        remittance, counts = self.import_era(self.reversal_era(claim, services, 836, "PAY2"))
        return claim, earlier, remittance, counts

    def assertReversedAndPaidAgain(self, claim, earlier, remittance, counts):
        self.assertEqual((counts["claims_matched"], counts["exceptions"]), (2, 0))
        self.assertNoExceptions(remittance)
        reversal, _corrected = remittance.claim_ids.sorted("sequence")
        self.assertTrue(reversal.is_reversal)
        self.assertEqual(reversal.reversed_claim_id, earlier.claim_ids)
        self.assertEqual(earlier.claim_ids.reversed_by_id, reversal)
        items = remittance.move_id.line_ids
        self.assertEqual(round(sum(items.mapped("debit")), 2), round(sum(items.mapped("credit")), 2))
        self.assertEqual(
            sum(items.filtered(lambda ln: ln.account_id == self.deposit_account).mapped("balance")), 10.0
        )
        self.assertEqual(
            sum(items.filtered(lambda ln: ln.account_id == self.contractual).mapped("balance")), -10.0
        )
        self.assertEqual(claim.invoice_id.payment_state, "paid")
        self.assertEqual((claim.state, claim.amount_paid), ("paid", 220.0))
        self.assertReceivablesMatchClaims(self.payer)

    def test_reversal_at_claim_level_then_corrected_payment(self):
        """A reversal (CLP02 22) whose adjustments are at claim level takes back the earlier payment; the
        corrected CLP that follows pays the claim anew (the bench's reversals are such)."""
        self.assertReversedAndPaidAgain(*self.paid_then_reversed(services=False))

    def test_reversal_with_its_service_lines_then_corrected_payment(self):
        """A reversal reports the claim as paid before with every amount negated, its SVC lines included
        (SVC02 -100 for a line of 100): its lines match the claim's lines as the payment's did."""
        self.assertReversedAndPaidAgain(*self.paid_then_reversed(services=True))

    # ------------------------------------------------------------------ the broken files

    def test_negative_files_are_refused_naming_the_segment_nothing_written(self):
        moves = self.env["account.move"].search_count([])
        paths = sorted(shared_file("x12", "negative", "bad_file.edi").parent.glob("*.edi"))
        self.assertEqual(len(paths), 4)
        for path in paths:
            message = self.import_refused(path.read_bytes(), path.name)
            self.assertTrue(message.startswith(f"{path.name} was refused, nothing was changed.\n"), message)
            self.assertNothingWritten(moves, message.split("\n", 1)[1], r"^segment \d+ \([A-Z0-9?]{1,3}\): ")
            log = self.Log.search([("filename", "=", path.name)])
            self.assertEqual((log.kind, log.state, log.error), ("835", "refused", message))
            self.assertEqual(log.attachment_id.raw, path.read_bytes())
