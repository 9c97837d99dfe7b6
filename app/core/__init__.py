"""The pure-Python core: models, merge rules, sync engine and file format. Imports no ``js``."""
