"""What can be imported: each importer is declared once by the app that owns what it writes
(the registry declares one per register, supervision the milestones) and the import jobs,
their pages and ``innoplan import`` offer every importer declared here.

An importer reads a table (``core.spreadsheets.Table``) and returns an ``ImportReport``: with
``apply`` false it writes nothing, with ``apply`` true it writes every row or none, inside the
caller's transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from innoplan.accounts.permissions import authorise
from innoplan.core.spreadsheets import Table
from innoplan.tabular.report import ImportFileError, ImportReport
from innoplan.tabular.running import Progress


class Importer:
    """One kind of file that can be imported."""

    key: str  # as the command line and the URLs name it: organisations, milestones …
    title: str  # the template sheet's title; Chinese, as the file format is
    scope: str  # whose pages list it: "registry", "supervision"
    permission: str  # what an importing user needs
    model: type  # what the import writes, for the audit trail
    needs_actor: bool = False  # the command line must name the user it imports as
    about: tuple[str, ...] = ()  # the report's columns about each row (RowReport.about)
    # Whether a row's warning is a doubt a person must have checked before the rows are
    # imported (a credit code failing only its check character), rather than a note.
    warnings_need_checking: bool = True

    @property
    def permission_object(self):
        """What ``permission`` is asked about (a register kept by some data stewards only);
        None: the importer as a whole."""
        return None

    def allows(self, user) -> bool:
        return user.has_perm(self.permission, self.permission_object)

    def authorise(self, user) -> None:
        """Pass, or refuse and record the refusal (``accounts.permissions.authorise``)."""
        authorise(user, self.permission, self.permission_object)

    def template(self) -> bytes:
        """The .xlsx template: headers, an example row, drop-down lists."""
        raise NotImplementedError

    def run(
        self, table: Table, *, apply: bool, actor, progress: Progress | None = None
    ) -> ImportReport:
        raise NotImplementedError


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Declare ``importer``; called from the owning app's ``AppConfig.ready``."""
    IMPORTERS[importer.key] = importer
    return importer


def importer_for(key: str) -> Importer:
    try:
        return IMPORTERS[key]
    except KeyError:
        raise ImportFileError(
            _("no register “%(register)s”; the registers are: %(known)s")
            % {"register": key, "known": ", ".join(IMPORTERS)}
        ) from None


def importers_in(scope: str) -> list[Importer]:
    return [importer for importer in IMPORTERS.values() if importer.scope == scope]


def importer_choices() -> list[tuple[str, str]]:
    return [(key, importer.title) for key, importer in IMPORTERS.items()]
