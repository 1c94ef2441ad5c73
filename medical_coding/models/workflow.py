# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workflow fields (state, who checked, when submitted...) change only through their actions.

Why not a context key: over XML-RPC / JSON-RPC the caller chooses the whole context, so any key an action
could set, an attacker can set too. The marker is a :class:`contextvars.ContextVar` instead: it lives in
the Python call stack of the current thread (each request runs in its own thread, with its own context),
no RPC argument reaches it, and only server code decorated with :func:`workflow_action` (the actions, and
the private steps such as an acknowledgement import that change the workflow for their own reasons) sets
it, for the duration of the call. Those actions still run with the caller's rights: the ACLs, record
rules and company checks of the records they write apply as usual, the marker only lets the protected
fields through. Code running as superuser (data files, ``sudo()`` after the caller's rights were
checked) may set them too: it can write anything anyway.

Creation: a new record takes the default of its workflow fields; ``default_<field>`` keys of the context
(which a caller also chooses, e.g. a kanban column grouped by state) are dropped for them.
"""

import contextvars
import functools

from odoo.exceptions import AccessError, UserError

_IN_WORKFLOW_ACTION = contextvars.ContextVar("medical_workflow_action", default=False)


def workflow_action(method):
    """Decorate a method whose writes may change workflow fields (see the module's docstring)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        token = _IN_WORKFLOW_ACTION.set(True)
        try:
            return method(self, *args, **kwargs)
        finally:
            _IN_WORKFLOW_ACTION.reset(token)

    return wrapper


def _may_change(env):
    return _IN_WORKFLOW_ACTION.get() or env.su


def in_workflow_action(env):
    """Whether the current call runs inside a workflow action (or as superuser): what a user's edit is not."""
    return _may_change(env)


def check_workflow_write(records, vals, fnames):
    """Refuse ``records.write(vals)`` when it sets one of ``fnames`` outside a workflow action."""
    touched = [fname for fname in fnames if fname in vals]
    if touched and not _may_change(records.env):
        raise _refusal(records, touched)


def check_workflow_create(model, vals_list, fnames):
    """Refuse a creation setting one of ``fnames`` to anything but its default outside a workflow action;
    return ``model`` without the ``default_<field>`` context keys of ``fnames``."""
    keys = {f"default_{fname}" for fname in fnames}
    if keys.intersection(model.env.context):
        context = {k: v for k, v in model.env.context.items() if k not in keys}
        model = model.with_env(model.env(context=context))
    if not _may_change(model.env) and any(fname in vals for vals in vals_list for fname in fnames):
        defaults = model.default_get(list(fnames))
        for vals in vals_list:
            touched = [
                fname for fname in fnames if fname in vals and vals[fname] != defaults.get(fname, False)
            ]
            if touched:
                raise _refusal(model, touched)
    return model


def check_draft(records, message):
    """Refuse with ``message`` (a UserError) when one of ``records`` is past its draft state."""
    if any(record.state != "draft" for record in records):
        raise UserError(message)


def _refusal(records, fnames):
    labels = ", ".join(records._fields[fname]._description_string(records.env) for fname in fnames)
    if records:
        names = ", ".join(records[:5].mapped("display_name")) + (", ..." if len(records) > 5 else "")
    else:
        names = records.env._("a new %s", records._description)
    return AccessError(
        records.env._(
            "%(records)s: %(fields)s change only through the workflow buttons, not by editing.",
            fields=labels,
            records=names,
        )
    )
