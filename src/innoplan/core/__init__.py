"""Shared pieces only: settings helpers, base models, number formatting, permissions."""
