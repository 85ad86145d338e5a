"""The one tabular import: how a spreadsheet becomes records, for every register, for the
milestones and for the programmes' registers. No models here.

- ``widgets``: cell readers (text, dates, amounts, coded columns, look-ups);
- ``columns``: a resource column with what its template column needs;
- ``resources``: the base of every register's django-import-export resource (match key,
  duplicates in the file, warnings, unchanged rows, rows written in batches with their audit);
- ``report``: what a check or an import found, row by row (``ImportReport``);
- ``rows``: reading an upload (with the one file guard) and laying its rows under the headers;
- ``running``: running a resource over a file, as a check that writes nothing or as an import
  of all rows or none;
- ``printing``: the report as the command line prints it.

The jobs that keep an upload between its check and its confirmation, their pages and the
``innoplan import`` command are the ``imports`` app's.
"""
