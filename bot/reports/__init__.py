"""Figures for coordinators: counts only, never anything that identifies a person."""
