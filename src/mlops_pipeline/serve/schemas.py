"""Request and response bodies of the service (what ``/docs`` and ``/openapi.json`` show)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReviewIn(BaseModel):
    """One review. Values are checked with ``score``'s rules, review by review: a bad one is
    answered with its ``reject`` reason and never fails the others."""

    model_config = ConfigDict(extra="ignore")

    id: Any = Field(
        None,
        description="The review's id: a non-empty string or an integer, unique in the request "
        "(else reject missing_id, invalid_id or duplicate_id).",
        examples=["r1"],
    )
    text: Any = Field(
        None,
        description="The raw review text, as a user wrote it (HTML such as <br /> is fine): the "
        "model's own preprocessing runs on it. Rejected when missing, not a string, "
        "undecodable, holding a NUL byte, empty after light cleaning, without any letter, or "
        "longer than score.max_chars.",
        examples=["A wonderful film, the best I have seen this year."],
    )


class PredictRequest(BaseModel):
    """1 to ``serve.max_reviews`` reviews (more: 422; a body over ``serve.max_body_bytes``:
    413)."""

    reviews: list[ReviewIn] = Field(
        ..., min_length=1, description="The reviews to score, answered in this order."
    )


class ReviewOut(BaseModel):
    """The answer for one review: a probability and label, or a reject reason."""

    row: int = Field(..., description="The review's 0-based position in the request.")
    id: str | None = Field(..., description="The id as text (null when it was not valid).")
    probability: float | None = Field(
        ..., description="P(positive) from the champion's predict_proba (null when rejected)."
    )
    label: int | None = Field(
        ..., description="1 positive, 0 negative: probability >= serve.threshold (null when "
        "rejected).",
    )  # fmt: skip
    reject: str | None = Field(
        ..., description="Why the review was not scored (score's reasons), else null."
    )


class ModelRef(BaseModel):
    """The model that answered the whole request (a swap never splits one)."""

    model_id: str = Field(..., description="The model folder's id, e.g. ensemble.")
    registry_version: int | None = Field(
        ..., description="Registered version behind @champion (null: select_champion's model)."
    )
    model_version: str = Field(..., description="First 12 hex of the model files' digest.")


class PredictResponse(BaseModel):
    model: ModelRef
    accepted: int = Field(..., description="Reviews scored.")
    rejected: int = Field(..., description="Reviews rejected (each with its reason).")
    results: list[ReviewOut]


class Detail(BaseModel):
    detail: str = Field(..., description="One line: what was wrong and how to fix it.")
