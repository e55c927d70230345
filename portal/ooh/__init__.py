"""Out-of-hours calls once the participant agreed: the limited view, cancelling and
rescheduling appointments, callbacks, and the search that finds the caller."""
