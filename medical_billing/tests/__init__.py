# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_accounting_setup
from . import test_fee_schedule
from . import test_claim
from . import test_payer_edits
from . import test_claim_correction
from . import test_copay
from . import test_multi_company
from . import test_security
from . import test_837p
from . import test_acks
from . import test_cms1500
from . import test_secondary_claim_ledger
from . import test_workflow
from . import test_patient_privacy
from . import test_log_privacy
from . import test_company_walls
from . import test_eligibility
from . import test_eligibility_sftp
from . import test_abn
from . import test_self_pay
from . import test_remittance
from . import test_remittance_flows
from . import test_remittance_walls
from . import test_remittance_deposit
from . import test_remittance_ui
from . import test_quality_claim
