# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bulk loading of imported files: PostgreSQL COPY into a staging table, then one set-based upsert.

The loads of ``medical.code``, ``medical.ncci.edit`` and ``medical.mue`` all go through
:func:`stage` and :func:`upsert`: no query per row, memory flat whatever the file size, and a row whose
values did not change is not touched. The caller's transaction makes each load all-or-nothing.
"""

import io

from odoo.exceptions import UserError
from odoo.tools import SQL

COPY_CHUNK = 50000
NULL = "\\N"


def copy_text(value):
    """A value as COPY text format writes it (dates in ISO form, ``\\N`` for None)."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def copy_lines(cr, table, lines):
    """COPY ``lines`` (an iterator of COPY text lines, newline included) into ``table`` in chunks of
    COPY_CHUNK lines: memory stays flat whatever the file size. Returns the number of lines."""
    count = 0
    chunk = []
    sql = f"COPY {table} FROM STDIN"
    for line in lines:
        chunk.append(line)
        if len(chunk) == COPY_CHUNK:
            cr.copy_expert(sql, io.StringIO("".join(chunk)))
            count += len(chunk)
            chunk = []
    if chunk:
        cr.copy_expert(sql, io.StringIO("".join(chunk)))
        count += len(chunk)
    return count


def stage(cr, table, columns):
    """(Re)create the temporary staging table ``table`` with the ``columns`` DDL (dropped at commit)."""
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
    cr.execute(SQL("CREATE TEMPORARY TABLE %s (%s) ON COMMIT DROP", SQL.identifier(table), SQL(columns)))


def upsert(cr, target, source, keys, values, insert=None, update=None, changed=None, params=None):
    """Write the rows of the staging table ``source`` (alias ``s``) into ``target`` (alias ``t``).

    ``keys``: the columns identifying a row (``t.k = s.k``). ``values``: {column: SQL expression} written
    on insert and on update; a row is updated only when one of them differs (or the ``changed`` SQL
    condition holds). ``insert`` / ``update``: further {column: expression} written only when a row is
    created / updated (audit columns, a kept start date...). ``params`` fill the ``%(name)s`` of the
    expressions. One UPDATE join and one anti-join INSERT; returns ``(created, updated)``.
    """
    update_values = {**values, **(update or {})}
    insert_values = {**{key: f"s.{key}" for key in keys}, **values, **(insert or {})}
    match = " AND ".join(f"t.{key} = s.{key}" for key in keys)
    differs = "({}) IS DISTINCT FROM ({})".format(
        ", ".join(f"t.{column}" for column in values), ", ".join(values.values())
    )
    if changed:
        differs = f"({differs} OR {changed})"
    cr.execute(
        f"UPDATE {target} t SET {', '.join(f'{column} = {expr}' for column, expr in update_values.items())}"
        f"  FROM {source} s WHERE {match} AND {differs}",
        params or {},
    )
    updated = cr.rowcount
    cr.execute(
        f"INSERT INTO {target} ({', '.join(insert_values)})"
        f" SELECT {', '.join(insert_values.values())} FROM {source} s"
        f" WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {match})"
        f" ORDER BY {', '.join(f's.{key}' for key in keys)}",
        params or {},
    )
    return cr.rowcount, updated


def load_counts(rows, distinct, created, updated):
    """What a load reports: the ``rows`` read, the keys ``created`` and ``updated``, and the other
    ``distinct`` keys as ``unchanged``."""
    return {"rows": rows, "created": created, "updated": updated, "unchanged": distinct - created - updated}


def file_error(env, filename, member, error):
    """UserError for a bad line of an edit file (:class:`CodeFileError`): names the file (and ZIP member)
    and the line; nothing is written."""
    where = member or filename or env._("the file")
    if not error.line:
        return UserError(
            env._("%(file)s: %(reason)s. Nothing was imported.", file=where, reason=error.message)
        )
    return UserError(
        env._(
            "Line %(line)s of %(file)s: %(reason)s. Nothing was imported.",
            line=error.line,
            file=where,
            reason=error.message,
        )
    )
