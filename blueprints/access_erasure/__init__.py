"""The DPO's access packages, erasure and full read of a participant's record
(issue 8), reached from a rights request linked to that participant (``/dpo/``)."""
