"""A resource column with what its template column needs (example, note, drop-down list)."""

from __future__ import annotations

from import_export import fields

from innoplan.core.spreadsheets import TemplateColumn
from innoplan.tabular.widgets import Choice, YesNo


class Column(fields.Field):
    """A resource field with what its template column needs."""

    def __init__(
        self,
        header,
        attribute=None,
        widget=None,
        *,
        example="",
        note="",
        text=False,
        width=16,
        **kwargs,
    ):
        super().__init__(attribute=attribute, column_name=header, widget=widget, **kwargs)
        self.example, self.note, self.text, self.width = example, note, text, width

    def template_column(self) -> TemplateColumn:
        choices = self.widget.labels() if isinstance(self.widget, Choice) else ()
        if isinstance(self.widget, YesNo):
            choices = ("是", "否")
        return TemplateColumn(
            header=self.column_name,
            example=self.example,
            choices=choices,
            text=self.text,
            width=self.width,
            note=self.note,
        )
