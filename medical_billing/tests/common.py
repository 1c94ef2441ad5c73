from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class MedicalBillingCommon(AccountTestInvoicingCommon):
    """AccountTestInvoicingCommon whose user is also a medical manager (configures and bills)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("medical_coding.medical_coding_group_manager")
