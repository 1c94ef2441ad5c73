# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""National Provider Identifier (NPI) check.

An NPI has 10 digits; the last one is a Luhn check digit computed over the card-issuer prefix
``80840`` followed by the first nine digits (CMS, "NPI check digit" standard).
CMS issues NPIs starting with 1 or 2 only.
"""

NPI_PREFIX = "80840"


def luhn_check_digit(digits):
    """The Luhn check digit (0-9) to append to the string of digits ``digits``."""
    total = 0
    # From the right, every other digit starting with the rightmost payload digit is doubled.
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_error(npi):
    """Why ``npi`` is not a valid NPI, as a sentence, or None when it is valid."""
    if npi is None or npi == "":
        return "An NPI is required."
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return f"An NPI has exactly 10 digits; {npi!r} does not."
    if npi[0] not in "12":
        # CMS issues NPIs starting with 1 or 2 only; the 837P writer refuses others too.
        return f"{npi} is not a valid NPI: an NPI starts with 1 or 2."
    if luhn_check_digit(NPI_PREFIX + npi[:9]) != int(npi[9]):
        return f"{npi} is not a valid NPI: its check digit (the 10th digit) does not match the first nine."
    return None


def is_valid_npi(npi):
    """True when ``npi`` is 10 digits with a correct Luhn check digit over the 80840 prefix."""
    return npi_error(npi) is None


def complete_npi(first_nine):
    """The valid NPI made of ``first_nine`` digits and their check digit (for tests and demo data)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("complete_npi needs exactly nine digits")
    return first_nine + str(luhn_check_digit(NPI_PREFIX + first_nine))
