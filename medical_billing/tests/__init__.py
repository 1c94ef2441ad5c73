from . import test_accounting_setup
from . import test_fee_schedule
from . import test_claim
