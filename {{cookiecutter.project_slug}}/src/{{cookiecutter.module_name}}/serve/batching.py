"""Table models ready to answer request rows, and the Batcher that predicts concurrent requests together."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from ..models.features import row_features

ROWS_PREDICTED_IN_THE_LOOP = 100  # more rows at once are predicted in a thread (Batcher)

Rows = list[dict[str, Any]]
Answer = tuple[list[Any], list[dict[str, float]] | None]  # predictions, probabilities


@dataclass(frozen=True)
class Predictor:
    """A saved model ready to answer request rows: `prepare` turns them into what `estimator` takes."""

    prepare: Callable[[Rows], Any]
    estimator: Any

    def __call__(self, rows: Rows) -> Answer:
        """The predictions for `rows` and, for a classifier that has them, its class probabilities."""
        features = self.prepare(rows)
        values = self.estimator.predict(features).tolist()
        if not hasattr(self.estimator, "predict_proba"):
            return values, None
        classes = [str(label) for label in self.estimator.classes_]
        probabilities = self.estimator.predict_proba(features).tolist()
        return values, [dict(zip(classes, row, strict=True)) for row in probabilities]


def predictor(model: Any, frame: Callable[[Rows], pd.DataFrame], examples: pd.DataFrame) -> Predictor:
    """`model` as a Predictor; `frame` makes the model's input of request rows, as submit's would be.

    What a grid search or a pipeline would do on each call is done once here: take the refitted best
    estimator, and its feature preparation as numpy alone (RowFeatures, which fills missing values
    as the pipeline does) when that gives scikit-learn's numbers for `examples`: it was most of the
    time of a small request."""
    estimator = getattr(model, "best_estimator_", model)
    if not isinstance(estimator, Pipeline):
        return Predictor(frame, estimator)
    fast = row_features(estimator[0], examples) if len(estimator) == 2 else None
    if fast is not None:
        return Predictor(fast, estimator[-1])
    return Predictor(lambda rows: estimator[:-1].transform(frame(rows)), estimator[-1])


def predict_together(predictors: dict[str, Predictor], requests: list[tuple[str, Rows]]) -> list[Answer]:
    """Each request's (model name, rows) answer, from one prediction per model for all its requests' rows."""
    answers: list[Answer] = [([], None)] * len(requests)
    for name in dict.fromkeys(name for name, _ in requests):
        positions = [i for i, (asked, _) in enumerate(requests) if asked == name]
        rows = [row for i in positions for row in requests[i][1]]
        values, probabilities = predictors[name](rows)
        start = 0
        for i in positions:
            stop = start + len(requests[i][1])
            answers[i] = (values[start:stop], probabilities[start:stop] if probabilities else None)
            start = stop
    return answers


class Batcher:
    """Predicts the rows of requests that arrive together in one call per model.

    Most of a small request's time is the per-call work of the feature preparation and the model,
    whatever the rows, so eight one-row requests answered together cost little more than one.
    Nothing waits on purpose: the first request predicts at once; those arriving meanwhile are
    answered together in the next round, until none is waiting. A round of a few rows is predicted
    in the event loop (a millisecond or two: a hop to a thread cost more, and under load its hand-offs
    of the GIL with the loop added a third to the latency), a larger one in a thread, so the server
    keeps answering meanwhile. The rounds run in their own task, so a request whose client has gone
    cancels only its own wait.
    """

    def __init__(self, predictors: dict[str, Predictor]) -> None:
        self.predictors = predictors
        self.waiting: list[tuple[str, Rows, asyncio.Future]] = []
        self.rounds: asyncio.Task | None = None

    async def predict(self, model: str, rows: Rows) -> Answer:
        answer = asyncio.get_running_loop().create_future()
        self.waiting.append((model, rows, answer))
        if self.rounds is None or self.rounds.done():
            self.rounds = asyncio.create_task(self.answer_all())
        return await answer

    async def answer_all(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            await self.answer(batch)

    async def answer(self, batch: list[tuple[str, Rows, asyncio.Future]]) -> None:
        requests = [(model, rows) for model, rows, _ in batch]
        try:
            if sum(len(rows) for _, rows in requests) <= ROWS_PREDICTED_IN_THE_LOOP:
                answers = predict_together(self.predictors, requests)
            else:
                answers = await asyncio.to_thread(predict_together, self.predictors, requests)
        except Exception as error:  # every request of the round gets the error (FastAPI answers 500)
            answers = [error] * len(batch)
        for (*_, future), result in zip(batch, answers, strict=True):
            if future.cancelled():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
