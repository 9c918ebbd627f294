"""Spreadsheet import (ADR 044): officials' workbooks (.xlsx) and CSV files of one kind of
row (households, party members, cadres, service sites...) read row by row into the very
commands ``zhucun apply`` runs, checked by the same schemas and rules, applied all or
nothing with one receipt per row; a refused file comes back as the officials' own workbook
with an error column and its bad cells marked.

``kinds`` says which command each kind of row is and which columns it has (from the
command's schema); ``sheet`` reads a file into rows; ``marked`` writes the template and the
marked workbook; ``run`` is the use case. It stands on the use cases (``app.bootstrap``) and
is used by the command line and the web.
"""
