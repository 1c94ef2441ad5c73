# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Coverage policies from CSV (import kind ``policy``). No Odoo import.

One row per rule line; the policy's header columns repeat on each of its rows and must agree. The first
row names the columns (any order; only ``reference`` and ``procedures`` are required):

=================== ======================================================================================
column              value
=================== ======================================================================================
reference           the policy's reference: NCD number, LCD or article id, payer policy number
title               the policy's title
kind                ``national``, ``local`` or ``payer`` (default national)
payer_class         ``medicare`` (default), ``medicaid``, ``commercial`` or ``any``
date_start          first day in force, YYYY-MM-DD (empty: always)
date_end            last day in force, YYYY-MM-DD (empty: open)
procedures          the CPT/HCPCS codes of the rule: codes, ``E11*`` children, ``G0101-G0105`` ranges
covered             the covered diagnoses (same syntax); empty with no pairs: any diagnosis not excluded
covered_pairs       diagnoses covered only together: ``M81.0+Z79.3`` items
non_covered         the diagnoses that are never covered for these procedures
age_min / age_max   age limits in years on the date of service (empty: none)
sex                 ``male`` or ``female`` (empty: both)
frequency_units     at most this many units per patient in the window (empty: no limit)
frequency_window    the window's length
frequency_period    ``days`` or ``months`` (calendar months, Medicare's counting)
modifiers           modifiers the line must carry, e.g. ``KX``
documentation       ``prior_auth`` and/or ``cmn`` (certificate of medical necessity)
capped_rental       ``1`` (or yes/true) for capped-rental equipment: RR lines need KH, KI or KJ by month
=================== ======================================================================================

:func:`parse` reads the whole file and raises :class:`PolicyFileError` with the line number at the first
problem, before anything is written.
"""

import csv
import io
from datetime import date

from . import necessity

HEADER = ("reference", "title", "kind", "payer_class", "date_start", "date_end")
RULE = (
    "procedures",
    "covered",
    "covered_pairs",
    "non_covered",
    "age_min",
    "age_max",
    "sex",
    "frequency_units",
    "frequency_window",
    "frequency_period",
    "modifiers",
    "documentation",
    "capped_rental",
)
COLUMNS = HEADER + RULE
KINDS = ("national", "local", "payer")


class PolicyFileError(ValueError):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


def parse(data):
    """``data`` (bytes or str) -> list of policies, each a dict of the header values and ``rules``, a list
    of dicts of the rule values (code lists as written, numbers as int/float or None)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PolicyFileError("the file is not UTF-8 text") from exc
    reader = csv.reader(io.StringIO(data))
    try:
        names = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise PolicyFileError("the file is empty") from None
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise PolicyFileError(f"unknown column {', '.join(unknown)} (columns: {', '.join(COLUMNS)})", 1)
    for required in ("reference", "procedures"):
        if required not in names:
            raise PolicyFileError(f"the column {required} is missing", 1)
    policies = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            raise PolicyFileError(f"{len(row)} values for {len(names)} columns", number)
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(names)}
        try:
            header, rule = _read_row(values)
        except (necessity.PolicyError, ValueError) as exc:
            raise PolicyFileError(str(exc), number) from exc
        policy = policies.get(header["reference"])
        if policy is None:
            policies[header["reference"]] = dict(header, rules=[rule], line=number)
            continue
        for key in HEADER:
            if key in names and values[key] and header[key] != policy[key]:
                raise PolicyFileError(
                    f"{key} differs from line {policy['line']} of policy {header['reference']}", number
                )
        policy["rules"].append(rule)
    if not policies:
        raise PolicyFileError("the file has no policy row")
    return list(policies.values())


def _read_row(values):
    reference = values.get("reference", "")
    if not reference:
        raise ValueError("the reference is empty")
    kind = values.get("kind") or "national"
    if kind not in KINDS:
        raise ValueError(f"kind is one of {', '.join(KINDS)}, not {kind}")
    payer_class = values.get("payer_class") or "medicare"
    if payer_class not in necessity.PAYER_CLASSES:
        raise ValueError(f"payer_class is one of {', '.join(necessity.PAYER_CLASSES)}, not {payer_class}")
    header = {
        "reference": reference,
        "title": values.get("title") or reference,
        "kind": kind,
        "payer_class": payer_class,
        "date_start": _date(values.get("date_start"), "date_start"),
        "date_end": _date(values.get("date_end"), "date_end"),
    }
    if header["date_start"] and header["date_end"] and header["date_end"] < header["date_start"]:
        raise ValueError("date_end is before date_start")
    if not values.get("procedures"):
        raise ValueError("the procedures are empty")
    documentation = tuple((values.get("documentation") or "").replace(",", " ").split())
    sex = (values.get("sex") or "").lower() or None
    rule = {
        "procedures": values["procedures"],
        "covered": values.get("covered", ""),
        "covered_pairs": values.get("covered_pairs", ""),
        "non_covered": values.get("non_covered", ""),
        "age_min": _number(values.get("age_min"), "age_min", int),
        "age_max": _number(values.get("age_max"), "age_max", int),
        "sex": sex,
        "frequency_units": _number(values.get("frequency_units"), "frequency_units", float) or 0.0,
        "frequency_window": _number(values.get("frequency_window"), "frequency_window", int) or 0,
        "frequency_period": values.get("frequency_period") or "days",
        "modifiers": " ".join((values.get("modifiers") or "").upper().replace(",", " ").split()),
        "documentation": documentation,
        "capped_rental": (values.get("capped_rental") or "").lower() in ("1", "yes", "true", "x"),
    }
    to_rule(rule)  # the engine refuses what it cannot evaluate
    return header, rule


def to_rule(values, rule_id=None):
    """A :class:`necessity.Rule` from rule values (as :func:`parse` returns them or a model reads them)."""
    return necessity.Rule(
        procedures=necessity.parse_codes(values["procedures"]),
        covered=necessity.parse_codes(values.get("covered")),
        pairs=necessity.parse_pairs(values.get("covered_pairs")),
        non_covered=necessity.parse_codes(values.get("non_covered")),
        age_min=values.get("age_min"),
        age_max=values.get("age_max"),
        sex=values.get("sex") or None,
        frequency_units=values.get("frequency_units") or 0.0,
        frequency_window=values.get("frequency_window") or 0,
        frequency_period=values.get("frequency_period") or "days",
        modifiers=tuple((values.get("modifiers") or "").split()),
        documents=tuple(values.get("documentation") or ()),
        capped_rental=bool(values.get("capped_rental")),
        id=rule_id,
    )


def _date(value, name):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value} is not a date YYYY-MM-DD") from None


def _number(value, name, kind):
    if not value:
        return None
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"{name} {value} is not a number") from None
    if number < 0:
        raise ValueError(f"{name} is negative")
    return number
