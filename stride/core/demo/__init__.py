"""A year of fictional clinic history, planned from a seed: pure Python, no Django, no clock.

``plan.plan`` turns a seed, "now", the dates and the rota into diary entries (with their
statuses and the patients they are for); ``people.person`` gives each patient a fictional
name and contact details; ``check.problems`` proves a diary has no overlaps and keeps to
working hours. ``stride.demo.history`` writes the result to the database.
"""
