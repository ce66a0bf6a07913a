"""Sentra: the working system of Indonesia's small and medium industry (IKM) development."""

__version__ = "0.1.0"
