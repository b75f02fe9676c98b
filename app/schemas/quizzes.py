"""Exam practice: question, answer and worked-solution models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.teaching.quiz import KINDS, MAX_SEED, Question, Verdict
from app.schemas.common import Finite, Integral, Strict

KindName = Literal[tuple(KINDS)]  # type: ignore[valid-type]  # the kinds' own table
Value = float | list[float]
Ref = dict[str, int]
REF_DOC = "{layer, neuron} or {layer, from, to} (an edge; layer = the layer it feeds), layers 0..L with 0 = input"


class QuizCreate(Strict):
    kind: KindName | None = Field(None, description="random if omitted")
    seed: Annotated[int, Field(ge=0, le=MAX_SEED), Integral] | None = Field(None, description="random if omitted")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{"kind": "hidden_delta", "seed": 7}]}}


class QuizKindInfo(BaseModel):
    name: str
    title: str
    description: str


class QuizNetwork(BaseModel):
    layer_sizes: list[int]
    weights: list[list[list[float]]]
    biases: list[list[float]]
    hidden_activation: str
    output_activation: str
    loss: str


class GivenOut(BaseModel):
    symbol: str
    value: Value | list[list[float]] = Field(description="a number, a vector, or a matrix row by row")
    ref: Ref | None = Field(None, description=REF_DOC)


class ToleranceOut(BaseModel):
    absolute: float
    relative: float
    rule: str = "|answer - expected| <= absolute + relative * |expected|, for every entry"


class QuizQuestion(BaseModel):
    id: str = Field(description="kind-seed: any server regenerates the same question from it")
    kind: str
    title: str
    prompt: str
    asks: str = Field(description="the symbol asked for, in the lecture's notation (layer 1 = input)")
    answer_length: int | None = Field(description="how many numbers the answer has; null: a single number")
    network: QuizNetwork | None = Field(None, description="the network the question is about, to draw")
    data: dict[str, list[float] | list[list[float]]]
    given: list[GivenOut]
    target: list[Ref] = Field(description="where the answer sits in the drawing: " + REF_DOC)
    tolerance: ToleranceOut

    @classmethod
    def of(cls, q: Question) -> "QuizQuestion":
        return cls(id=q.id, kind=q.kind, title=KINDS[q.kind].title, prompt=q.prompt, asks=q.asks,
                   answer_length=len(q.expected) if isinstance(q.expected, list) else None,
                   network=QuizNetwork(**q.network) if q.network else None, data=q.data,
                   given=[GivenOut(symbol=g.symbol, value=g.value, ref=g.ref) for g in q.given],
                   target=q.target, tolerance=ToleranceOut(absolute=q.tolerance.absolute,
                                                           relative=q.tolerance.relative))


class AnswerRequest(Strict):
    value: Finite | Annotated[list[Finite], Field(min_length=1, max_length=16)] | None = Field(
        description="a number, or a list where the answer is a vector; null gives up and shows the solution")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{"value": 0.0355}]}}


class StepOut(BaseModel):
    symbol: str
    formula: str = Field(description="in the lecture's symbols")
    numbers: str = Field(description="the formula with the question's numbers")
    value: Value
    uses: list[Ref] = Field(description="neurons and edges this step reads or writes: " + REF_DOC)
    note: str | None = None


class AnswerResult(BaseModel):
    correct: bool
    expected: Value
    tolerance: ToleranceOut
    solution: list[StepOut]
    slip: str | None = Field(None, description="when a wrong answer matches a common slip, what went wrong")

    @classmethod
    def of(cls, v: Verdict) -> "AnswerResult":
        return cls(correct=v.correct, expected=v.expected, slip=v.slip,
                   tolerance=ToleranceOut(absolute=v.tolerance.absolute, relative=v.tolerance.relative),
                   solution=[StepOut(symbol=s.symbol, formula=s.formula, numbers=s.numbers, value=s.value,
                                     uses=s.uses, note=s.note) for s in v.solution])
