"""Relance & Territoires: France Relance in the Territoires d'industrie."""

__version__ = "0.1.0"
