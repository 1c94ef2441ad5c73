from . import medical_837
