"""The report stage: figures and tables read back from a built store (coverage, disputed facts,
CSV / JSON-LD exports).
"""
