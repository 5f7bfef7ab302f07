"""reportgen: a council's quarterly performance pack, built from YAML and CSV."""

__version__ = "0.1.0"
