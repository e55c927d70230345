"""DWP's pages (/dwp/): published contract reports and their downloads, and statistics."""
