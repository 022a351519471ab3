"""The agency policy that turns data into *proposed* ratings.

The law (PermenPANRB 6/2022) leaves both ratings to the appraiser's judgement; the
product only proposes them from data, so every number below is a product default an
agency may change. ``version`` is recorded on each proposal so a later reader knows
which rules produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinerja_contracts.vocabulary import Ekspektasi, FeedbackSource

from .errors import InvalidIndikator, InvalidPolicy

__all__ = ["AppraisalPolicy", "DEFAULT_POLICY", "LEVEL_SCORE", "policy_from_parameters"]

# Numeric value of an answer on the three-level BerAKHLAK scale: symmetric around
# "sesuai" so that a balanced mix of answers lands on "sesuai".
LEVEL_SCORE: dict[Ekspektasi, int] = {
    Ekspektasi.DI_BAWAH: -1,
    Ekspektasi.SESUAI: 0,
    Ekspektasi.DI_ATAS: 1,
}


@dataclass(frozen=True, slots=True)
class AppraisalPolicy:
    """Parameters of the rating proposal; the defaults are ``DEFAULT_POLICY``."""

    version: str = "default-2026.1"

    # --- hasil kerja -------------------------------------------------------------
    # Capaian is capped so that wildly over-achieving one IKI (often a target set too
    # low) cannot hide missing the others when they are averaged.
    capaian_cap: float = 120.0
    # An IKI is met when its capaian reaches this percentage.
    met_threshold: float = 100.0
    # Bands on the mean capaian of the utama RHK.
    hasil_di_atas_from: float = 110.0
    hasil_sesuai_from: float = 90.0
    # Extra (tambahan) results can lift "sesuai" to "di atas", but only when the main
    # results were fully achieved on average: extra work must not replace main work.
    tambahan_lift_min_utama: float = 100.0
    tambahan_lift_count: int = 1

    # --- perilaku kerja ----------------------------------------------------------
    # The appraiser's view weighs most because the appraiser carries the legal
    # responsibility for the rating; self-assessment weighs least.
    appraiser_weight: float = 0.5
    peer_weight: float = 0.2
    subordinate_weight: float = 0.2
    self_weight: float = 0.1
    # Citizen evidence (SKM ratings naming the officer) only informs Berorientasi
    # Pelayanan, and only lightly: citizens rate units in law, not people.
    citizen_weight: float = 0.1
    # Scores lie in -1..+1; a third of the way towards either end is a clear lean.
    level_band: float = 0.34
    # Several weak values mean the behaviour as a whole is below expectations even if
    # strong values would lift the plain mean into "sesuai".
    perilaku_di_bawah_if_values_below: int = 3

    def __post_init__(self) -> None:
        if not self.version:
            raise InvalidPolicy("policy version must not be empty")
        if self.capaian_cap <= 0:
            raise InvalidPolicy("capaian_cap must be positive")
        if not 0 < self.hasil_sesuai_from <= self.hasil_di_atas_from:
            raise InvalidPolicy("need 0 < hasil_sesuai_from <= hasil_di_atas_from")
        # A band above the cap could never be reached: the policy would silently make
        # "di atas" impossible, which is a mistake rather than a choice.
        if self.hasil_di_atas_from > self.capaian_cap:
            raise InvalidPolicy("hasil_di_atas_from must not exceed capaian_cap")
        if not 0 < self.met_threshold <= self.capaian_cap:
            raise InvalidPolicy("met_threshold must lie in (0, capaian_cap]")
        if self.tambahan_lift_min_utama > self.capaian_cap:
            raise InvalidPolicy("tambahan_lift_min_utama must not exceed capaian_cap")
        if self.tambahan_lift_count < 1:
            raise InvalidPolicy("tambahan_lift_count must be at least 1")
        weights = (
            self.appraiser_weight,
            self.peer_weight,
            self.subordinate_weight,
            self.self_weight,
            self.citizen_weight,
        )
        if any(w < 0 for w in weights):
            raise InvalidPolicy("source weights must not be negative")
        # The appraiser carries the legal responsibility for the rating, so no other
        # 360 source may weigh more than the appraiser's own view.
        if self.appraiser_weight <= 0 or self.appraiser_weight < max(weights[1:]):
            raise InvalidPolicy("appraiser_weight must be positive and at least every other source weight")
        if not 0 < self.level_band <= 1:
            raise InvalidPolicy("level_band must lie in (0, 1]")
        if self.perilaku_di_bawah_if_values_below < 1:
            raise InvalidPolicy("perilaku_di_bawah_if_values_below must be at least 1")

    def parameters(self) -> dict[str, float | int]:
        """Every parameter except the version: what an agency sets and a reader is shown."""
        return {name: getattr(self, name) for name in _PARAMETERS}

    # --- rules ---------------------------------------------------------------------

    def capaian(self, target: float, realization: float | None, higher_is_better: bool) -> float:
        """Achievement of one IKI in percent, capped and rounded to 2 decimals."""
        if target < 0 or (realization is not None and realization < 0):
            raise InvalidIndikator("target and realization must not be negative")
        if realization is None:
            # Nothing recorded means nothing achieved yet; the appraiser can override.
            return 0.0
        if higher_is_better:
            if target == 0:
                # "At least zero" is always reached; treat as fully over-achieved.
                raw = self.capaian_cap
            else:
                raw = realization / target * 100
        elif realization == 0:
            # Zero days / zero cost is the best possible outcome of a lower-is-better IKI.
            raw = self.capaian_cap
        else:
            raw = target / realization * 100
        return round(min(raw, self.capaian_cap), 2)

    def is_met(self, capaian: float) -> bool:
        return capaian >= self.met_threshold

    def hasil_level(self, average_capaian_utama: float) -> Ekspektasi:
        if average_capaian_utama >= self.hasil_di_atas_from:
            return Ekspektasi.DI_ATAS
        if average_capaian_utama >= self.hasil_sesuai_from:
            return Ekspektasi.SESUAI
        return Ekspektasi.DI_BAWAH

    def source_weight(self, source: FeedbackSource) -> float:
        return getattr(self, _WEIGHT_OF[source if type(source) is FeedbackSource else FeedbackSource(source)])

    def perilaku_level(self, score: float) -> Ekspektasi:
        if score <= -self.level_band:
            return Ekspektasi.DI_BAWAH
        if score >= self.level_band:
            return Ekspektasi.DI_ATAS
        return Ekspektasi.SESUAI


_WEIGHT_OF = {
    FeedbackSource.APPRAISER: "appraiser_weight",
    FeedbackSource.PEER: "peer_weight",
    FeedbackSource.SUBORDINATE: "subordinate_weight",
    FeedbackSource.SELF: "self_weight",
}

_PARAMETERS = tuple(name for name in AppraisalPolicy.__dataclass_fields__ if name != "version")

DEFAULT_POLICY = AppraisalPolicy()


def policy_from_parameters(version: str, parameters: dict) -> AppraisalPolicy:
    """An agency's policy from stored or submitted parameters; missing ones take the default.

    Raises ``InvalidPolicy`` (a ``ValueError`` too) for unknown parameter names and for
    inconsistent values.
    """
    unknown = set(parameters) - set(_PARAMETERS)
    if unknown:
        raise InvalidPolicy(f"unknown policy parameters: {', '.join(sorted(unknown))}")
    try:
        return AppraisalPolicy(version=version, **{**DEFAULT_POLICY.parameters(), **parameters})
    except TypeError as exc:  # a parameter of the wrong type
        raise InvalidPolicy(str(exc)) from exc
