from . import medical_copay_register
