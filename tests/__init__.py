"""reportgen tests."""
