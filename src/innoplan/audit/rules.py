"""Only the audit administrator (审计管理员) reads and exports the trail."""

import rules

from innoplan.accounts.rules import is_audit_admin

rules.add_perm("audit.view_trail", is_audit_admin)
rules.add_perm("audit.export_trail", is_audit_admin)
