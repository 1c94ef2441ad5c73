from . import test_accounting_setup
from . import test_fee_schedule
from . import test_claim
from . import test_payer_edits
from . import test_claim_correction
from . import test_copay
from . import test_multi_company
from . import test_security
