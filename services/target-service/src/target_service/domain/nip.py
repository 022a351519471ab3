"""The NIP (Nomor Induk Pegawai): 18 digits = birth date, appointment month, gender, sequence.

Layout: yyyymmdd (birth) · yyyymm (appointment as CPNS/PPPK) · g (1 man, 2 woman) · nnn.
"""

from datetime import date

from kinerja_runtime.refusals import InvalidInput

EARLIEST_YEAR = 1900


class InvalidNip(InvalidInput):
    pass


def check_nip(nip: str) -> str:
    """Return the NIP if it is well formed, else raise InvalidNip with the reason."""
    if not isinstance(nip, str) or len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        raise InvalidNip("a NIP has exactly 18 digits")
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise InvalidNip(f"digits 1-8 ({nip[0:8]}) are not a valid birth date yyyymmdd") from None
    if born.year < EARLIEST_YEAR:
        raise InvalidNip(f"digits 1-8 ({nip[0:8]}) give a birth year before {EARLIEST_YEAR}")
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise InvalidNip(f"digits 9-14 ({nip[8:14]}) are not a valid appointment month yyyymm")
    if (year, month) < (born.year, born.month):
        raise InvalidNip(f"appointment {nip[8:14]} is before the birth date {nip[0:8]}")
    if nip[14] not in "12":
        raise InvalidNip(f"digit 15 ({nip[14]}) must be the gender code 1 or 2")
    return nip
