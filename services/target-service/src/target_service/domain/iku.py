"""Agency IKU (Indikator Kinerja Utama): the agency's key indicators in a period, the root of cascading."""

import math
from dataclasses import dataclass

from kinerja_runtime.refusals import InvalidInput


@dataclass(frozen=True)
class Iku:
    iku_id: str
    period_id: str
    code: str
    description: str
    target: float
    unit: str
    higher_is_better: bool = True


def define_iku(
    iku_id: str, period_id: str, code: str, description: str, target: float, unit: str, higher_is_better: bool = True
) -> Iku:
    code, description, unit = code.strip(), description.strip(), unit.strip()
    if not code or not description or not unit:
        raise InvalidInput("an IKU needs a code, a description and a unit")
    if not (math.isfinite(target) and target > 0):
        raise InvalidInput(f"IKU {code}: the target must be greater than 0")
    return Iku(iku_id, period_id, code, description, float(target), unit, higher_is_better)
