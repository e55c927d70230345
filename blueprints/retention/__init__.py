"""Retention, legal holds, destruction lists and audit checkpoints: the DPO's pages
under /dpo/retention, /dpo/legal-holds and /dpo/destruction (issue 10)."""
