# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a partner's single name field splits into the parts a claim form asks for."""

_NAME_TITLES = frozenset("DR MR MRS MS MISS PROF".split())
_NAME_SUFFIXES = frozenset("JR SR II III IV V MD DO PHD".split())


def split_person_name(name):
    """(last, first, middle, suffix) of a person's display name.

    Reads "Last, First Middle" when there is a comma, else "First Middle Last"; titles (Dr, Mrs ...) are
    dropped and a trailing Jr / Sr / II ... is the suffix. Partners hold one name field: this is the one
    place that decides how it splits for claims.
    """
    text = " ".join((name or "").replace(".", ". ").split())
    suffix = ""
    if "," in text:
        last, _sep, rest = text.partition(",")
        words = rest.split()
        if words and words[-1].rstrip(".").upper() in _NAME_SUFFIXES:
            suffix = words.pop().rstrip(".")
        words = [w for w in words if w.rstrip(".").upper() not in _NAME_TITLES]
        last_words = last.split()
        if len(last_words) > 1 and last_words[-1].rstrip(".").upper() in _NAME_SUFFIXES:
            suffix = last_words.pop().rstrip(".")
        last = " ".join(last_words)
    else:
        words = [w for w in text.split() if w.rstrip(".").upper() not in _NAME_TITLES]
        if len(words) > 1 and words[-1].rstrip(".,").upper() in _NAME_SUFFIXES:
            suffix = words.pop().rstrip(".,")
        last = words.pop() if words else ""
    first = words[0].rstrip(".") if words else ""
    middle = " ".join(w.rstrip(".") for w in words[1:])
    return last.strip(), first, middle, suffix
