"""Pure Python at the heart of Stride: no Django, no database, no clock.

Everything here takes plain data and returns plain data; "now" is always a
parameter. An import-linter contract keeps Django out.
"""
