"""Who may open which participant's record (DESIGN.md "Who may see what"): the role rule,
the out-of-hours verbal-consent check and the time-boxed grant it gives, and the out-of-
hours log."""
