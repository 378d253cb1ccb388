"""What both task families answer alike: /health, /models (the leaderboard), the field naming a model."""

# No `from __future__ import annotations`: FastAPI reads these types at run time.
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..results import Result, baseline_of, beats, costs, gain, lift
from .model_file import ModelFile


class ServedFile(BaseModel):
    file: str = Field(description="the saved model served, relative to the project's folder")
    modified: str = Field(description="when that file was written (UTC, ISO 8601)")
    sha256: str = Field(description="the file's SHA-256, to tell two builds apart")


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    task: str
    default_model: str = Field(description="the model used when a request names none")
    served: dict[str, ServedFile] = Field(description="each model's file as loaded at start-up, by name")
    newer_build: bool = Field(
        description="whether `make` has rebuilt or added a model since the start: restart the API to serve it"
    )
    rebuilt: list[str] = Field(description="the models whose files on disk are not the ones served")


class ModelCost(BaseModel):
    predict_seconds_per_unit: float | None = Field(
        description="the seconds its predictions took per held-out row (user, for recommendations)"
    )
    train_seconds: float | None = Field(
        description="the seconds make's train step took for it; null when it was trained by hand"
    )


class ModelScore(BaseModel):
    model: str
    primary_metric: str
    score: float = Field(description="the primary metric on the held-out test set")
    higher_is_better: bool
    lift_over_random: float | None = Field(
        description="the gain in the primary metric over the random baseline (positive is better); "
        "null for the baseline itself, or when there is none"
    )
    lift: str = Field(description="the lift as the leaderboard shows it, absolute and relative")
    better_than_random: bool | None = Field(
        description="whether the whole 95% interval of the gain over random is above zero (any gain, without "
        "intervals); null for the baseline itself, or when there is none"
    )
    metrics: dict[str, float] = Field(description="every metric on the held-out test set")
    intervals: dict[str, tuple[float, float]] = Field(
        description="each metric's 95% interval [low, high], from resampling the held-out rows (users, for "
        "recommendations); a metric without one (coverage) is left out"
    )
    cost: ModelCost
    default: bool = Field(description="whether requests that name no model use this one")
    served: ServedFile
    newer_build: bool = Field(description="whether the file on disk is newer than the one served")


def served_file(loaded: ModelFile) -> ServedFile:
    return ServedFile(file=loaded.file, modified=loaded.modified(), sha256=loaded.sha256)


def model_cost(result: Result) -> ModelCost:
    per_row, train = costs(result)
    return ModelCost(predict_seconds_per_unit=per_row, train_seconds=train)


def health(task: str, default: str, served: list[ModelFile], rebuilt: list[str]) -> Health:
    return Health(
        task=task,
        default_model=default,
        served={loaded.model: served_file(loaded) for loaded in served},
        newer_build=bool(rebuilt),
        rebuilt=rebuilt,
    )


def leaderboard(
    ranked: list[Result], default: str, served: list[ModelFile], rebuilt: list[str]
) -> list[ModelScore]:
    """The scored models in the leaderboard's order, each with the file served and whether it was rebuilt."""
    baseline = baseline_of(ranked)
    files = {loaded.model: served_file(loaded) for loaded in served}
    return [
        ModelScore(
            model=result["model"],
            primary_metric=result["primary_metric"],
            score=result["metrics"][result["primary_metric"]],
            higher_is_better=result["higher_is_better"],
            lift_over_random=gain(result, baseline) if baseline and result is not baseline else None,
            lift=lift(result, baseline),
            better_than_random=beats(result, baseline) if baseline and result is not baseline else None,
            metrics=result["metrics"],
            intervals=result.get("intervals", {}),
            cost=model_cost(result),
            default=result["model"] == default,
            served=files[result["model"]],
            newer_build=result["model"] in rebuilt,
        )
        for result in ranked
    ]


def model_choice(names: list[str], default: str) -> Any:
    """The request field naming a model: one of `names`, `default` when left out."""
    return (Literal[tuple(names)], Field(default=default, description=f"which model; default: {default}"))
