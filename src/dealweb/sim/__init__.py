"""Simulation room: clearing (Eisenberg–Noe, Rogers–Veraart), contagion (DebtRank), schedules, warrants, Monte Carlo."""

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
from dealweb.sim.engines import ENGINES, run_model
from dealweb.sim.montecarlo import ChunkResult, ConservationError, Model, build_model, run_chunk
from dealweb.sim.scenario import Scenario, ScenarioError, bundled_scenarios, load_scenario, parse_scenario
from dealweb.sim.schedules import FlowLine, Grid, schedule_ledger
from dealweb.sim.stress import StressResult, stress
from dealweb.sim.warrants import WarrantTranche, share_price_paths, warrant_plan

__all__ = [
    "ENGINES",
    "ChunkResult",
    "ConservationError",
    "FlowLine",
    "Grid",
    "Model",
    "Scenario",
    "ScenarioError",
    "StressResult",
    "build_model",
    "bundled_scenarios",
    "load_scenario",
    "parse_scenario",
    "run_chunk",
    "run_model",
    "schedule_ledger",
    "stress",
    "WarrantTranche",
    "share_price_paths",
    "warrant_plan",
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
