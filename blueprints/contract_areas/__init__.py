"""Contract areas (lead admin): postcode area → delivering organisation."""
