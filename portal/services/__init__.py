"""Domain rules as plain functions over the session; testable without HTTP."""
