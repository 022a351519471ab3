"""``kinerja-dev-token``: print a dev-issuer bearer token for local use."""

import argparse

from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print a bearer token signed by the dev issuer")
    parser.add_argument("--nip", required=True, help="18-digit NIP of the caller")
    parser.add_argument("--agency", required=True, help="agency (tenant) id")
    parser.add_argument("--roles", default="employee", help="comma separated: employee,appraiser,hr")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args(argv)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    print(TokenIssuer(ServiceSettings()).issue(args.nip, args.agency, roles, args.hours))


if __name__ == "__main__":
    main()
