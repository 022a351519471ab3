"""Kinerja's SIASN connector: an outside subscriber of Kinerja's public events, written against the
public contract (``kinerja_contracts``) only, that sends appraisals and completed trainings to a
SIASN-compatible API. See services/siasn-connector/README.md."""
