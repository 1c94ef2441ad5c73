from . import medical_copay_register
from . import medical_code_import
