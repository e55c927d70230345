"""Print the current sign-in code of a demo account: python -m portal.demo.code EMAIL"""

import sys

import pyotp

from portal.demo import demo_totp_secret

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m portal.demo.code EMAIL")
    print(pyotp.TOTP(demo_totp_secret(sys.argv[1].strip().lower())).now())
