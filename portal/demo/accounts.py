"""Print the demo accounts written by seed-demo --json, and how to get a code."""

import json
import sys

if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        accounts = json.load(fh)["accounts"]
    print("\nDemo accounts (password for all: {})".format(accounts[0]["password"]))
    for account in accounts:
        print(f"  {account['email']:<28} {account['org']:<8} {', '.join(account['roles'])}")
    print("\nSecurity code: add the account's totp_secret from instance/demo-accounts.json to any")
    print("authenticator app, or run:  .venv/bin/python -m portal.demo.code EMAIL\n")
