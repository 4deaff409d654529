"""A smart mirror that coaches facial expressions."""

__version__ = "0.1.0"
