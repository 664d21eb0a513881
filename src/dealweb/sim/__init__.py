"""Simulation room: clearing (Eisenberg–Noe, Rogers–Veraart), contagion (DebtRank), schedules, Monte Carlo."""

from dealweb.sim.clearing import (
    SENIORITIES,
    ClearingResult,
    LiabilityEdges,
    clear,
    eisenberg_noe,
    picard_clearing,
    rogers_veraart,
)
from dealweb.sim.debtrank import DebtRankResult, debtrank, debtrank_result

__all__ = [
    "SENIORITIES",
    "ClearingResult",
    "DebtRankResult",
    "LiabilityEdges",
    "clear",
    "debtrank",
    "debtrank_result",
    "eisenberg_noe",
    "picard_clearing",
    "rogers_veraart",
]
