from . import medical_code
