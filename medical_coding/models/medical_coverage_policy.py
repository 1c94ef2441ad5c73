# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..edits import necessity, policy_file

POLICY_KINDS = [("national", "National (NCD)"), ("local", "Local (LCD / article)"), ("payer", "Payer policy")]
PAYER_CLASSES = [
    ("medicare", "Medicare payers"),
    ("medicaid", "Medicaid payers"),
    ("commercial", "Commercial payers"),
    ("any", "Every payer"),
]


class MedicalCoveragePolicy(models.Model):
    """A coverage policy (NCD, LCD or article, payer policy): which diagnoses make its procedures medically
    necessary, for whom, how often, with which modifiers and documents. Evaluated by the coding edits
    (:mod:`..edits.necessity`).

    Policies are reference data like the code sets: without a company they apply to every practice; a
    company makes a payer's own policy private to that practice.
    """

    _name = "medical.coverage.policy"
    _description = "Coverage Policy"
    _order = "reference, id"
    _rec_names_search = ["reference", "title"]
    _check_company_auto = True

    reference = fields.Char(required=True, index=True, help="NCD number, LCD or article id, payer policy id.")
    title = fields.Char(required=True)
    kind = fields.Selection(POLICY_KINDS, required=True, default="national")
    payer_class = fields.Selection(
        PAYER_CLASSES,
        required=True,
        default="medicare",
        help="The payers the policy applies to, unless specific payers are given.",
    )
    payer_ids = fields.Many2many(
        "res.partner",
        "medical_coverage_policy_payer_rel",
        "policy_id",
        "partner_id",
        string="Payers",
        check_company=True,
        help="When set, the policy applies to these payers only (whatever their class).",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the policy is shared by every practice of the database."
    )
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Effective Until")
    active = fields.Boolean(default=True)
    rule_ids = fields.One2many("medical.coverage.policy.rule", "policy_id", string="Rules", copy=True)
    rule_count = fields.Integer(compute="_compute_rule_count")
    notes = fields.Text()

    _sql_constraints = [
        (
            "dates_order",
            "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
            "A policy ends after it starts.",
        ),
    ]

    @api.depends("reference", "title")
    def _compute_display_name(self):
        for policy in self:
            policy.display_name = " ".join(p for p in (policy.reference, policy.title) if p)

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        for policy in self:
            policy.rule_count = len(policy.rule_ids)

    @api.model
    def _necessity_policies(self, day_first, day_last, companies):
        """The active policies in force some day between ``day_first`` and ``day_last``, shared or of
        ``companies``, as :class:`necessity.Policy` values (one query per model)."""
        policies = self.sudo().search(
            [
                ("company_id", "in", [False, *companies.ids]),
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", day_last),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day_first),
            ]
        )
        rules = {}
        for rule in policies.rule_ids:
            rules.setdefault(rule.policy_id.id, []).append(rule._necessity_rule())
        return [
            necessity.Policy(
                reference=policy.reference,
                title=policy.title,
                rules=tuple(rules.get(policy.id, ())),
                date_start=policy.date_start or None,
                date_end=policy.date_end or None,
                payer_class=policy.payer_class,
                payer_ids=frozenset(policy.payer_ids.ids),
                id=policy.id,
                company_id=policy.company_id.id or None,
            )
            for policy in policies
        ]

    @api.model
    def _import_rows(self, policies):
        """Create or replace the shared policies parsed by :func:`policy_file.parse` (by reference)."""
        existing = {
            policy.reference: policy
            for policy in self.with_context(active_test=False).search(
                [("company_id", "=", False), ("reference", "in", [p["reference"] for p in policies])]
            )
        }
        counts = {"total": len(policies), "created": 0, "updated": 0, "rules": 0}
        to_create = []
        for values in policies:
            rules = [
                fields.Command.create(self.env["medical.coverage.policy.rule"]._from_file(r))
                for r in values["rules"]
            ]
            counts["rules"] += len(rules)
            header = {key: values[key] for key in policy_file.HEADER}
            policy = existing.get(values["reference"])
            if policy:
                policy.write(dict(header, active=True, rule_ids=[fields.Command.clear(), *rules]))
                counts["updated"] += 1
            else:
                to_create.append(dict(header, rule_ids=rules))
        self.create(to_create)
        counts["created"] = len(to_create)
        return counts


class MedicalCoveragePolicyRule(models.Model):
    """One rule line of a coverage policy. Code lists are written as in coverage articles: codes,
    ``E11*`` (a code and its children) and ``I10-I16`` ranges, separated by commas or spaces."""

    _name = "medical.coverage.policy.rule"
    _description = "Coverage Policy Rule"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one("medical.coverage.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    procedure_codes = fields.Char(string="Procedures", required=True, help="e.g. G0121 or 82947-82952")
    covered_diagnoses = fields.Text(
        help="Diagnoses that make the procedures covered. Empty (and no pairs): any diagnosis not excluded."
    )
    covered_pairs = fields.Text(
        string="Covered Only Together", help="Diagnoses covered only with another one: M81.0+Z79.3, ..."
    )
    non_covered_diagnoses = fields.Text(help="Diagnoses never covered for these procedures.")
    age_min = fields.Integer(string="Minimum Age", help="In years on the date of service; 0: no limit.")
    age_max = fields.Integer(string="Maximum Age", help="In years on the date of service; 0: no limit.")
    sex = fields.Selection([("female", "Female"), ("male", "Male")], string="Sex Limit")
    frequency_units = fields.Float(
        string="At Most (units)", digits=(12, 3), help="Units per patient in the window; 0: no limit."
    )
    frequency_window = fields.Integer(string="Window")
    frequency_period = fields.Selection(
        [("days", "Days"), ("months", "Calendar months")],
        string="Window Unit",
        default="days",
        required=True,
        help="Calendar months count as Medicare does: a service in March with a 12-month window is "
        "covered again from March 1 of the next year.",
    )
    required_modifiers = fields.Char(help="Modifiers the line must carry, e.g. KX.")
    requires_prior_auth = fields.Boolean(string="Prior Authorization")
    requires_cmn = fields.Boolean(string="Certificate of Medical Necessity")
    capped_rental = fields.Boolean(
        help="Capped-rental equipment: a rental line (RR) carries KH the first month, KI the second and "
        "third, KJ the fourth to the thirteenth."
    )

    @api.constrains(
        "procedure_codes",
        "covered_diagnoses",
        "covered_pairs",
        "non_covered_diagnoses",
        "frequency_units",
        "frequency_window",
        "required_modifiers",
        "age_min",
        "age_max",
    )
    def _check_rule(self):
        for rule in self:
            if rule.age_min and rule.age_max and rule.age_max < rule.age_min:
                raise ValidationError(
                    _(
                        "Policy %(policy)s: the maximum age is below the minimum age.",
                        policy=rule.policy_id.reference,
                    )
                )
            try:
                rule._necessity_rule()
            except necessity.PolicyError as exc:
                raise ValidationError(
                    _(
                        "Policy %(policy)s, rule %(procedures)s: %(problem)s",
                        policy=rule.policy_id.reference,
                        procedures=rule.procedure_codes,
                        problem=str(exc),
                    )
                ) from exc

    def _necessity_rule(self):
        self.ensure_one()
        documents = []
        if self.requires_prior_auth:
            documents.append("prior_auth")
        if self.requires_cmn:
            documents.append("cmn")
        return policy_file.to_rule(
            {
                "procedures": self.procedure_codes,
                "covered": self.covered_diagnoses,
                "covered_pairs": self.covered_pairs,
                "non_covered": self.non_covered_diagnoses,
                "age_min": self.age_min or None,
                "age_max": self.age_max or None,
                "sex": self.sex or None,
                "frequency_units": self.frequency_units,
                "frequency_window": self.frequency_window,
                "frequency_period": self.frequency_period,
                "modifiers": (self.required_modifiers or "").upper().replace(",", " "),
                "documentation": documents,
                "capped_rental": self.capped_rental,
            },
            rule_id=self.id,
        )

    @api.model
    def _from_file(self, values):
        """Create values of a rule from a row of :func:`policy_file.parse`."""
        return {
            "procedure_codes": values["procedures"],
            "covered_diagnoses": values["covered"] or False,
            "covered_pairs": values["covered_pairs"] or False,
            "non_covered_diagnoses": values["non_covered"] or False,
            "age_min": values["age_min"] or 0,
            "age_max": values["age_max"] or 0,
            "sex": values["sex"] or False,
            "frequency_units": values["frequency_units"] or 0.0,
            "frequency_window": values["frequency_window"] or 0,
            "frequency_period": values["frequency_period"],
            "required_modifiers": values["modifiers"] or False,
            "requires_prior_auth": "prior_auth" in values["documentation"],
            "requires_cmn": "cmn" in values["documentation"],
            "capped_rental": values["capped_rental"],
        }
