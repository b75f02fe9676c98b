"""Diagnose: why training stalls, said plainly; changes nothing."""

from __future__ import annotations

from fastapi import APIRouter

from app import limits
from app.api.deps import NetworkDep
from app.api.errors import NOT_FOUND
from app.nn import diagnose as diagnosis
from app.schemas import DiagnoseRequest, DiagnoseResult, Finding, to_array

router = APIRouter(prefix="/api/networks/{network_id}", tags=["passes"], responses=NOT_FOUND)


@router.post("/diagnose")
def diagnose(body: DiagnoseRequest, net: NetworkDep) -> DiagnoseResult:
    """Findings on the samples given: dead ReLUs, saturated neurons, a learning rate that makes
    a trial step (on a copy) worse, vanishing gradients, and, given recent costs, a plateau
    that needs more capacity. The stored network is not changed."""
    x, y = to_array(body.inputs), to_array(body.targets)
    limits.check_diagnose(net, len(x))
    result = diagnosis.diagnose(net, x, y, body.costs)
    return DiagnoseResult(findings=[Finding.of(f) for f in result.findings], plateau=result.plateau)
