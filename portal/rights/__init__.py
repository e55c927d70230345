"""Data-subject rights requests (UK GDPR Arts. 15-22): intake, the one-month clock,
identity, access packages, rectification, erasure, objection, portability and
complaints."""
