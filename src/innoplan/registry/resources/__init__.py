"""How each register is read from and written to spreadsheets: one django-import-export
resource per register, one module each, on the base in ``innoplan.tabular.resources``.

Each resource declares the column headers the district already uses (统一社会信用代码, 名称,
申请号, 身份证号码 …). Headers are part of the file format, so they are Chinese whatever the
reader's language; coded columns take the Chinese label (or the stored code) and their
templates offer the labels as drop-down lists. A row is matched to the record it updates by its
register's key (``key_fields``). Which resource belongs to which register is said in
``registry.registers``.
"""
