"""The DPO's oversight of staff: the breach register and its 72-hour clock, training
records and the training gate, quarterly access reviews, audit search and legal holds."""
