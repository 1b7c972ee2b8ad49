"""Calibration: the units whose predikat fit one distribution curve, and the leader's review."""
