"""The SDK's version, sent in the User-Agent (a test keeps it equal to pyproject.toml's)."""
__version__ = "1.4.2"
