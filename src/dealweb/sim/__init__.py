"""Simulation room: clearing, contagion, schedules, debt service, capital groups, warrants, sensitivity.

Clearing (Eisenberg–Noe, Rogers–Veraart), contagion (DebtRank), schedules read from the flows table, Monte
Carlo over quarters, and the sensitivity table of the assumptions that move the results most.
"""

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
from dealweb.sim.sensitivity import sensitivity_table
from dealweb.sim.stress import DEFINITIONS, StressResult, stress
from dealweb.sim.warrants import WarrantTranche, share_price_paths, warrant_plan

__all__ = [
    "DEFINITIONS",
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
    "sensitivity_table",
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
