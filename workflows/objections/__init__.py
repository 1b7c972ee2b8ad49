"""Objections (keberatan) to a predikat: the notice and its window, filing and deciding."""
