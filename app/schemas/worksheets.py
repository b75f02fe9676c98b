"""The worked-solution sheet: its request (one sample, a format, an exercise variant)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.schemas.common import Integral, Matrix, Strict

MAX_SHEET_SEED = 2**31 - 1
MEDIA_TYPES = {"markdown": "text/markdown; charset=utf-8", "latex": "application/x-latex; charset=utf-8",
               "html": "text/html; charset=utf-8"}
SUFFIXES = {"markdown": "md", "latex": "tex", "html": "html"}


class WorksheetRequest(Strict):
    inputs: Annotated[Matrix, Field(max_length=1, description="one sample: [[x_1, ..., x_n]]")]
    targets: Annotated[Matrix, Field(max_length=1, description="its targets: [[y_1, ..., y_n]]")]
    format: Literal["markdown", "latex", "html"] = Field(
        "markdown", description="markdown ($...$ and $$...$$ math), a standalone LaTeX document (amsmath), or an "
                                "HTML fragment with MathML (the page's print view)")
    blanks: bool = Field(False, description="an exercise: chosen quantities left blank, the answer key after")
    seed: Annotated[int, Field(ge=0, le=MAX_SHEET_SEED), Integral] = Field(
        0, description="which quantities are blank (one version per student); ignored without blanks")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [
        {"inputs": [[0.35, 0.9]], "targets": [[1]], "format": "markdown"},
        {"inputs": [[0, 1]], "targets": [[1]], "format": "latex", "blanks": True, "seed": 7}]}}
