"""Made-up identifiers that pass the platform's checks, never real people's.

Resident ID numbers follow GB 11643-1999 (region, birth date, sequence, check
digit); unified social credit codes follow GB 32100-2015 (check character);
mobile numbers use mainland prefixes. Everything is drawn from the caller's
`random.Random`, so a seed gives the same identifiers every time. The demo
is an external system: it computes check digits itself, as one would.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 青州市 and its neighbours in 潍坊: where the city's workers were registered at birth.
REGIONS = ("370781", "370781", "370781", "370781", "370702", "370703", "370724", "370725", "370784", "370783")
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
                   "178", "182", "183", "187", "188", "130", "131", "132", "155", "156", "166", "175", "176",
                   "185", "186", "133", "153", "177", "180", "181", "189", "199")


def resident_id_check(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_code_check(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


class IdentityMaker:
    """Unique resident ID numbers, credit codes and mobile numbers from one random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set()
        self.codes: set[str] = set()

    def resident_id(self, born_between: tuple[date, date] = (date(1960, 1, 1), date(2003, 12, 31))) -> str:
        first, last = born_between
        span = (last - first).days
        while True:
            born = first + timedelta(days=self.rng.randrange(span + 1))
            body = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = body + resident_id_check(body)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def credit_code(self) -> str:
        """An enterprise's code: 9 (industry and commerce) 1 (enterprise), 青州's region, a random body."""
        while True:
            body = "91370781" + "".join(self.rng.choice(CREDIT_CHARSET) for _ in range(9))
            code = body + credit_code_check(body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
