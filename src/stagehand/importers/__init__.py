"""Importers: real chat captures into domain values."""
