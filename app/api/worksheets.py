"""The worked solution of one sample, as Markdown, LaTeX or an HTML fragment; changes nothing."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app import limits
from app.api.deps import NetworkDep, NetworkId
from app.api.errors import NOT_FOUND
from app.schemas.worksheets import MEDIA_TYPES, SUFFIXES, WorksheetRequest
from app.teaching.sheet_format import RENDERERS
from app.teaching.worksheet import worksheet

router = APIRouter(prefix="/api/networks/{network_id}", tags=["worksheets"], responses=NOT_FOUND)
TEXT = {"description": "the sheet, as text", "content": {t.split(";")[0]: {"schema": {"type": "string"}}
                                                          for t in MEDIA_TYPES.values()}}


DESCRIPTION = (
    """A complete worked solution of this one sample in the lecture's notation: the symbols, the
    forward pass layer by layer (z = W a + b, a = g(z)) with the numbers, the cost, every delta,
    every dC/dw and dC/db, and the update of every parameter, to 5 significant digits. With
    `blanks`, an exercise whose numbered blanks the seed chooses, and its answer key. Made for
    networks small enough to work by hand: """ + limits.SHEET_LIMIT + """ (422 beyond). Nothing stored changes.""")


@router.post("/worksheet", response_class=Response, responses={200: TEXT}, description=DESCRIPTION)
def create_worksheet(network_id: NetworkId, body: WorksheetRequest, net: NetworkDep) -> Response:
    """The worked solution of one sample (see DESCRIPTION)."""
    limits.check_worksheet(net)
    sheet = worksheet(net, body.inputs[0], body.targets[0], blanks=body.blanks, seed=body.seed)
    name = f"worksheet-{network_id}{f'-{body.seed}' if body.blanks else ''}.{SUFFIXES[body.format]}"
    return Response(RENDERERS[body.format](sheet), media_type=MEDIA_TYPES[body.format],
                    headers={"content-disposition": f'inline; filename="{name}"'})
