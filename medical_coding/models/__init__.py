from . import medical_code
from . import medical_importer
