"""Retention rules and the destruction of records when their period ends (DESIGN.md rule
7), with certificates and the sealed audit archive."""
