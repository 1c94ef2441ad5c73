# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The encounter (``medical.encounter``): its fields, workflow, and the coding check run on a batch.

Its necessity check is in ``medical_encounter_necessity.py``, its lines in ``medical_encounter_diagnosis.py``
and ``medical_encounter_procedure.py``. About 500 lines: the check reads a whole batch in a few set-based
queries (``_edit_engine_data``) and writes its findings and notes in bulk, which is a third of the file.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.mail import generate_tracking_message_id

from ..edits import engine
from .workflow import check_workflow_create, check_workflow_write, workflow_action

CODING_GROUPS = "medical_coding.medical_coding_group_coder,medical_coding.medical_coding_group_biller"
# Header fields that the claim copies: frozen once the encounter is billed.
BILLED_LOCKED_FIELDS = {
    "patient_id",
    "date_service",
    "date_service_end",
    "provider_id",
    "referring_provider_id",
    "facility_id",
    "place_of_service_id",
    "prior_authorization",
    "company_id",
}
# Header fields the edits read: changing them on a checked encounter asks for a new check.
CHECKED_FIELDS = {
    "patient_id",
    "date_service",
    "provider_id",
    "facility_id",
    "place_of_service_id",
    "company_id",
}
# Changed only by the actions (see .workflow).
WORKFLOW_FIELDS = ("state", "checked_by_id", "date_checked")
BILLER_GROUP = "medical_coding.medical_coding_group_biller"


class MedicalEncounter(models.Model):
    """A visit: who was seen, when, where, by whom, and (for coders) what was diagnosed and done.

    States: draft (front desk registered the visit) -> coded (the coder entered the codes) ->
    checked (the coding edits found no error) -> billed (a claim was made), or cancel.
    """

    _name = "medical.encounter"
    _description = "Encounter"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.company.check.mixin"]
    _order = "date_service desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    patient_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        check_company=True,
        domain=[("is_patient", "=", True)],
        tracking=True,
    )
    medical_record_number = fields.Char(related="patient_id.medical_record_number", string="MRN")
    date_service = fields.Date(
        string="Date of Service", required=True, index=True, default=fields.Date.context_today, tracking=True
    )
    date_service_end = fields.Date(
        string="Date of Service (End)", tracking=True, help="Last day of a service spanning several days."
    )
    provider_id = fields.Many2one(
        "res.partner",
        string="Rendering Provider",
        index="btree_not_null",
        check_company=True,
        domain=[("is_provider", "=", True)],
        tracking=True,
    )
    referring_provider_id = fields.Many2one(
        "res.partner", check_company=True, domain=[("is_provider", "=", True)], tracking=True
    )
    facility_id = fields.Many2one(
        "res.partner",
        check_company=True,
        domain=[("is_facility", "=", True)],
        tracking=True,
    )
    place_of_service_id = fields.Many2one(
        "medical.code",
        string="Place of Service",
        compute="_compute_place_of_service_id",
        store=True,
        readonly=False,
        domain=[("system", "=", "pos")],
        ondelete="restrict",
        tracking=True,
    )
    prior_authorization = fields.Char(tracking=True)
    notes = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("coded", "Coded"),
            ("checked", "Checked"),
            ("billed", "Billed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
        copy=False,
        tracking=True,
    )
    diagnosis_ids = fields.One2many(
        "medical.encounter.diagnosis", "encounter_id", string="Diagnoses", copy=True, groups=CODING_GROUPS
    )
    procedure_ids = fields.One2many(
        "medical.encounter.procedure", "encounter_id", string="Procedures", copy=True, groups=CODING_GROUPS
    )
    finding_ids = fields.One2many(
        "medical.edit.finding", "encounter_id", string="Findings", copy=False, groups=CODING_GROUPS
    )
    # Tracked summaries: every coding change lands in the chatter as "before -> after". The field groups
    # keep these tracking values out of the front desk's sight and out of notification e-mails.
    diagnosis_summary = fields.Char(
        string="Diagnosis Codes",
        compute="_compute_diagnosis_summary",
        store=True,
        tracking=True,
        groups=CODING_GROUPS,
    )
    procedure_summary = fields.Char(
        string="Procedure Lines",
        compute="_compute_procedure_summary",
        store=True,
        tracking=True,
        groups=CODING_GROUPS,
    )
    error_count = fields.Integer(compute="_compute_finding_counts", groups=CODING_GROUPS)
    warning_count = fields.Integer(compute="_compute_finding_counts", groups=CODING_GROUPS)
    checked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_checked = fields.Datetime(string="Checked On", readonly=True, copy=False)

    @api.depends("facility_id")
    def _compute_place_of_service_id(self):
        for encounter in self:
            if encounter.facility_id.default_place_of_service_id:
                encounter.place_of_service_id = encounter.facility_id.default_place_of_service_id

    @api.depends("diagnosis_ids.sequence", "diagnosis_ids.code_id")
    def _compute_diagnosis_summary(self):
        for encounter in self:
            diagnoses = encounter.diagnosis_ids.sorted(lambda d: (d.sequence, d.id or 0))
            encounter.diagnosis_summary = ", ".join(
                f"{engine.letter_of(i) or i + 1} {d.code_id.display_code or ''}"
                for i, d in enumerate(diagnoses)
            )

    @api.depends(
        "procedure_ids.sequence",
        "procedure_ids.code_id",
        "procedure_ids.modifier_codes",
        "procedure_ids.units",
        "procedure_ids.diagnosis_pointers",
        "procedure_ids.ndc_code",
    )
    def _compute_procedure_summary(self):
        for encounter in self:
            lines = encounter.procedure_ids.sorted(lambda p: (p.sequence, p.id or 0))
            encounter.procedure_summary = "; ".join(line._summary() for line in lines)

    @api.depends("finding_ids.severity")
    def _compute_finding_counts(self):
        for encounter in self:
            severities = encounter.finding_ids.mapped("severity")
            encounter.error_count = severities.count("error")
            encounter.warning_count = severities.count("warning")

    @api.model_create_multi
    def create(self, vals_list):
        model = check_workflow_create(self, vals_list, WORKFLOW_FIELDS)
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "medical.encounter"
                ) or _("New")
        return super(MedicalEncounter, model).create(vals_list)

    def write(self, vals):
        check_workflow_write(self, vals, WORKFLOW_FIELDS)
        if BILLED_LOCKED_FIELDS.intersection(vals) and any(e.state == "billed" for e in self):
            raise UserError(
                _(
                    "A billed encounter keeps its patient, dates, providers and place: "
                    "correct the claim instead."
                )
            )
        if CHECKED_FIELDS.intersection(vals) and "state" not in vals:
            self.filtered(lambda e: e.state == "checked")._invalidate_check()
        return super().write(vals)

    # ------------------------------------------------------------------ actions

    @workflow_action
    def action_mark_coded(self):
        self._check_coding_access()
        if any(e.state != "draft" for e in self):
            raise UserError(_("Only draft encounters can be marked as coded."))
        if any(not e.diagnosis_ids or not e.procedure_ids for e in self):
            raise UserError(_("Code at least one diagnosis and one procedure line first."))
        self.write({"state": "coded"})

    @workflow_action
    def action_check(self):
        """Run the coding edits on these encounters, in one batch (see :mod:`..edits.engine`).

        Replaces their findings; an encounter without error becomes ``checked``, one with an error
        becomes (or stays) ``coded``. Other encounters of the same patients and dates of service take
        part in the date-of-service edits (NCCI PTP, MUE per day) without being changed.
        """
        self._check_coding_access()
        if set(self.mapped("state")) - {"draft", "coded", "checked"}:
            raise UserError(_("Billed and cancelled encounters are not checked again."))
        if not self:
            return True
        self.check_access("write")
        self.env["medical.edit.finding"].check_access("create")
        self.env.flush_all()

        data = self._edit_engine_data()
        day_first = min(d.date_service for d in data)
        day_last = max(d.date_service for d in data)
        ptp = self.env["medical.ncci.edit"]._ptp_lookup(engine.ptp_pairs(data), day_first, day_last)
        codes = {line.code.code for d in data for line in d.procedures}
        mue = self.env["medical.mue"]._mue_lookup(codes, day_last)
        results = engine.check(data, ptp, mue)
        results += self._necessity_results(data)
        results += self._quality_results(data)
        self._store_findings(results)
        return True

    @workflow_action
    def action_cancel(self):
        if any(e.state == "billed" for e in self):
            raise UserError(_("A billed encounter is cancelled by voiding its claim."))
        self.write({"state": "cancel"})

    @workflow_action
    def action_draft(self):
        if any(e.state == "billed" for e in self):
            raise UserError(_("A billed encounter cannot go back to draft."))
        self.write({"state": "draft"})

    @workflow_action
    def action_mark_billed(self):
        """Called when a claim is made from the encounter (medical_billing): a biller's step."""
        if not (self.env.su or self.env.user.has_group(BILLER_GROUP)):
            raise AccessError(_("Only billers mark encounters as billed."))
        if any(e.state != "checked" for e in self):
            raise UserError(_("Only checked encounters (no blocking finding) can be billed."))
        self.write({"state": "billed"})

    # ------------------------------------------------------------------ business

    def _check_coding_access(self):
        """Coding actions need the coder's rights on the lines: the front desk has none, a biller reads."""
        self.env["medical.encounter.diagnosis"].check_access("write")
        self.env["medical.encounter.procedure"].check_access("write")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        if any(e.state == "billed" for e in self):
            raise UserError(_("A billed encounter cannot be deleted."))

    def _check_coding_editable(self):
        if any(e.state in ("billed", "cancel") for e in self):
            raise UserError(
                _(
                    "The coding of a billed or cancelled encounter cannot change. "
                    "Reset a cancelled one to draft first."
                )
            )

    @workflow_action
    def _invalidate_check(self):
        """Coding changed after the edits ran: the encounter must be checked again."""
        if self:
            self.write({"state": "coded"})

    def _track_coding(self, fnames):
        """Record the current coding summaries so the change is logged in the chatter at commit."""
        if self and not self.env.context.get("tracking_disable") and not self.env.context.get("mail_notrack"):
            self._track_prepare(fnames)

    def _edit_engine_data(self):
        """Read everything the edit engine needs for ``self`` in a few queries, as plain values.

        Returns a list of :class:`engine.EncounterData`: the encounters of ``self`` (``check=True``) and the
        other, not cancelled encounters of the same patients and dates of service (``check=False``).
        """
        cr = self.env.cr
        cr.execute(
            """
            SELECT o.id, o.patient_id, o.date_service, o.provider_id, o.place_of_service_id
              FROM medical_encounter o
              JOIN (SELECT DISTINCT patient_id, date_service FROM medical_encounter WHERE id = ANY(%(ids)s)) k
                ON k.patient_id = o.patient_id AND k.date_service = o.date_service
             WHERE o.id = ANY(%(ids)s) OR o.state != 'cancel'
            """,
            {"ids": self.ids},
        )
        headers = cr.fetchall()
        checked_ids = set(self.ids)
        all_ids = [row[0] for row in headers]

        cr.execute(
            """
            SELECT id, encounter_id, sequence, code_id
              FROM medical_encounter_diagnosis WHERE encounter_id = ANY(%s)
            """,
            [list(checked_ids)],
        )
        diagnosis_rows = cr.fetchall()
        cr.execute(
            """
            SELECT id, encounter_id, sequence, code_id,
                   modifier1_id, modifier2_id, modifier3_id, modifier4_id,
                   units, diagnosis_pointers, ndc_code, ndc_quantity, ndc_unit
              FROM medical_encounter_procedure WHERE encounter_id = ANY(%s)
            """,
            [all_ids],
        )
        procedure_rows = cr.fetchall()
        code_ids = {row[3] for row in diagnosis_rows}
        for row in procedure_rows:
            code_ids.update(c for c in row[3:8] if c)
        cr.execute(
            """
            SELECT id, code, system,
                   -- a range heading (block, chapter) is never a diagnosis, even one the release
                   -- counts as a leaf because nothing is filed under it (C00-C96)
                   billable AND COALESCE(level, 'code') NOT IN ('chapter', 'block'),
                   active, date_start, date_end, display_code
              FROM medical_code WHERE id = ANY(%s)
            """,
            [list(code_ids)],
        )
        codes = {
            row[0]: engine.CodeInfo(
                code=row[1],
                system=row[2],
                billable=bool(row[3]),
                active=bool(row[4]),
                date_start=row[5],
                date_end=row[6],
                display=row[7],
                id=row[0],
            )
            for row in cr.fetchall()
        }

        diagnoses = defaultdict(list)
        for line_id, encounter_id, sequence, code_id in diagnosis_rows:
            diagnoses[encounter_id].append(engine.DiagnosisLine(line_id, sequence or 0, codes[code_id]))
        procedures = defaultdict(list)
        for row in procedure_rows:
            procedures[row[1]].append(
                engine.ProcedureLine(
                    id=row[0],
                    sequence=row[2] or 0,
                    code=codes[row[3]],
                    modifiers=tuple(codes[c] for c in row[4:8] if c),
                    units=row[8] or 0.0,
                    pointers=row[9] or "",
                    ndc_code=row[10] or None,
                    ndc_quantity=row[11] or 0.0,
                    ndc_unit=row[12] or None,
                )
            )
        # Patient data needed on a claim, read for all patients at once (prefetch).
        patients = self.env["res.partner"].browse({row[1] for row in headers if row[0] in checked_ids})
        missing = patients._medical_missing_claim_data_map()
        return [
            engine.EncounterData(
                id=encounter_id,
                patient=patient_id,
                date_service=date_service,
                diagnoses=diagnoses[encounter_id],
                procedures=procedures[encounter_id],
                has_provider=bool(provider_id),
                has_place_of_service=bool(pos_id),
                patient_missing=missing.get(patient_id, ()),
                check=encounter_id in checked_ids,
            )
            for encounter_id, patient_id, date_service, provider_id, pos_id in headers
        ]

    def _store_findings(self, results):
        """Replace the findings of ``self`` by ``results`` (engine findings) and set the states."""
        Finding = self.env["medical.edit.finding"]
        # only the coding edits' findings: other addons (payer edits of claims) keep theirs
        Finding.search([("encounter_id", "in", self.ids), ("edit_code", "in", list(engine.EDITS))]).unlink()
        now = fields.Datetime.now()
        headers = {
            row["id"]: row for row in self.read(["company_id", "provider_id", "date_service"], load=None)
        }
        Finding.create(
            [
                {
                    "encounter_id": f.encounter_id,
                    "company_id": headers[f.encounter_id]["company_id"],
                    "provider_id": headers[f.encounter_id]["provider_id"],
                    "date_service": headers[f.encounter_id]["date_service"],
                    "edit_code": f.edit_code,
                    "severity": f.severity,
                    "message": f.message,
                    "procedure_id": f.procedure_id,
                    "diagnosis_id": f.diagnosis_id,
                    "code_id": f.code_id,
                    "related_code": f.related_code,
                    "quality_measure_id": getattr(f, "measure_id", None),
                    "coder_id": self.env.uid,
                }
                for f in results
            ]
        )
        errors = defaultdict(int)
        warnings = defaultdict(int)
        for f in results:
            (errors if f.is_error else warnings)[f.encounter_id] += 1
        clean = self.browse([encounter_id for encounter_id in self.ids if not errors.get(encounter_id)])
        blocked = self - clean
        values = {"checked_by_id": self.env.uid, "date_checked": now}
        # State changes are summarised in one batch of notes instead of one tracking message each.
        quiet = self.with_context(mail_notrack=True)
        (quiet & clean).write(dict(values, state="checked"))
        (quiet & blocked).write(dict(values, state="coded"))
        status = {"checked": _("Checked"), "coded": _("Coded (blocked)")}
        template = _("Coding edits: %(errors)s error(s), %(warnings)s warning(s). Status: %(status)s.")
        bodies = {
            encounter_id: template
            % {
                "errors": errors.get(encounter_id, 0),
                "warnings": warnings.get(encounter_id, 0),
                "status": status["coded" if errors.get(encounter_id) else "checked"],
            }
            for encounter_id in self.ids
        }
        self._log_notes(bodies)
        return True

    def _log_notes(self, bodies):
        """Post ``bodies`` ({encounter id: plain text}) as internal notes, like ``_message_log_batch`` but
        with one INSERT: the ORM create of mail.message (defaults, HTML sanitising) costs more than the
        whole coding check of a large batch. Measured by ``make bench`` (``edits_notes``, 10,000
        encounters, tools/bench/bench_edits.py): ``_message_log_batch`` posts 201 notes/s, this INSERT
        5,567 notes/s (28 times faster), while the whole check runs at 213 encounters/s; core's method
        would double the check's time. The texts are ours (counts and a status, never patient data) and
        are escaped here."""
        if not bodies:
            return
        author_id, email_from = self._message_compute_author(None, None, raise_on_email=False)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        ids = list(bodies)
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            """
            INSERT INTO mail_message (model, res_id, body, author_id, email_from, reply_to, message_id,
                                      message_type, subtype_id, is_internal, email_add_signature, date,
                                      create_uid, create_date, write_uid, write_date)
            SELECT %(model)s, t.res_id, t.body, %(author)s, %(email_from)s, %(reply_to)s, %(message_id)s,
                   'notification', %(subtype)s, true, false, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS t(res_id, body)
            """,
            {
                "model": self._name,
                "author": author_id or None,
                "email_from": email_from or None,
                "reply_to": reply_to or None,
                "message_id": generate_tracking_message_id("message-notify"),
                "subtype": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                "now": fields.Datetime.now(),
                "uid": self.env.uid,
                "ids": ids,
                "bodies": [str(Markup("<p>%s</p>") % bodies[i]) for i in ids],
            },
        )
        self.env["mail.message"].invalidate_model()
        self.browse(ids).invalidate_recordset(["message_ids"])

    @api.model
    def _demo_ensure_codes(self, rows):
        """Demo data: create the codes of ``rows`` (xml id, system, code, name, billable) unless the code
        already exists (e.g. loaded by a code-set import), and give each its ``medical_coding.<xml id>``."""
        Code = self.env["medical.code"].with_context(active_test=False)
        IMD = self.env["ir.model.data"]
        for xmlid, system, code, name, billable in rows:
            if self.env.ref(f"medical_coding.{xmlid}", raise_if_not_found=False):
                continue
            record = Code.search([("system", "=", system), ("code", "=", code)], limit=1) or Code.create(
                {"system": system, "code": code, "name": name, "billable": billable}
            )
            IMD.create(
                {
                    "module": "medical_coding",
                    "name": xmlid,
                    "model": "medical.code",
                    "res_id": record.id,
                    "noupdate": True,
                }
            )
