"""Data-subject rights (issue 8): ``rights_intake`` (``/rights-requests/new``: any
staff member but DWP's logs a request) and ``dpo_rights`` (``/dpo/``: the DPO's home,
the requests dashboard, each request's workflows, complaints)."""
