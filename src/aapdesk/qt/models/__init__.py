"""Table models: one small ``QAbstractTableModel`` per table, plus its filter/sort proxy."""
