"""Referrals in from Access to Work: checked, routed by contract area to a delivering
organisation, one at a time or uploaded as a CSV file."""
