"""GET /recommend/{user} and POST /recommend (a basket of items someone likes): the recommenders.

Ids keep the type they have in the training data both ways: a log of integer item ids answers
integers, and a request may send an id as a number or as text (`1` and `"1"` are the same item).
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' types (built at start-up) at run time.
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from fastapi import FastAPI, HTTPException, Query
from fastapi import Path as PathParameter
from pydantic import AfterValidator, BaseModel, Field, create_model

from ..errors import StepError
from ..item_table import REASONS, item_names, read_items
from ..models.registry import RECOMMENDATION
from ..results import Result
from ..sources.local import read_files
from .limits import MAX_TEXT, Id, valid_unicode
from .schemas import model_choice

MOST_ITEMS = 1000  # the longest recommendation list asked for at once, and the largest basket


class Reason(BaseModel):
    item: str | int | float
    title: str | None = Field(default=None, description="its title (or name) in the item table, if any")


class Recommended(BaseModel):
    item: str | int | float
    rank: int
    score: float
    details: dict[str, Any] | None = Field(
        default=None, description="the item's row of the item table ([data] items), when there is one"
    )
    because: list[Reason] = Field(
        default=[], description="the user's (or basket's) items that added most to the score, the most first"
    )
    reason: str | None = Field(
        default=None,
        description='why, in words, from a model no such items explain: "popular in Comedy over all time"',
    )


class Recommendations(BaseModel):
    model: str
    user: str | int | None = Field(default=None, description="the user's id, typed as in the training data")
    cold_start: bool = Field(
        description="the user (or every item of the basket) is unknown, so these are the most popular items"
    )
    unknown_items: list[str | int] = Field(
        default=[], description="basket items not in the training data (ignored)"
    )
    items: list[Recommended]


class Ids:
    """Training ids (users or items) and their positions, looked up whatever JSON type a request used."""

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = ids
        self.positions = pd.Index(pd.Series(ids).astype(str))  # 1 and "1" both read "1"

    def find(self, asked: list[Any]) -> np.ndarray:
        """The position of each asked id (-1 when unknown)."""
        return self.positions.get_indexer([str(id_) for id_ in asked])

    def typed(self, position: int) -> Any:
        """The id at `position` as the training data has it (an int stays an int)."""
        value = self.ids[position]
        return value.item() if hasattr(value, "item") else value


def item_details(items: pd.DataFrame | None, item: str) -> dict[Any, dict[str, Any]]:
    """Each item's row of the item table by id (missing values as null); empty without a table."""
    if items is None or item not in items.columns:
        return {}
    table = items.drop_duplicates(item).set_index(item)
    return table.astype(object).where(table.notna(), None).to_dict(orient="index")


def as_items(
    found: pd.DataFrame, details: dict[Any, dict[str, Any]], names: dict[Any, Any]
) -> list[Recommended]:
    """The found recommendations as the API returns them, with the item table's details and titles."""
    reasons = [
        [Reason(item=item, title=None if item not in names else str(names[item])) for item in why]
        for why in found["because"]
    ]
    return [
        Recommended(
            item=item, rank=position, score=score, details=details.get(item), because=why, reason=words
        )
        for item, position, score, why, words in zip(
            found["item"].tolist(),
            found["rank"].tolist(),
            found["score"].tolist(),
            reasons,
            found["reason"].tolist(),
            strict=True,
        )
    ]


def scores_baskets(model: Any) -> bool:
    """Whether `model` can score someone it was not trained on (from the items they like)."""
    try:
        model.basket_scores(np.array([], dtype=np.int64))
    except StepError:
        return False
    return True


def add_routes(app: FastAPI, root: Path, models: dict[str, Any], default: str, best: Result) -> None:
    """GET /recommend/{user} over `models` and, when one can score a basket, POST /recommend."""
    fitted = models[default].interactions_  # every model learned from the same training interactions
    # [data] items is relative to the project's folder
    table = read_items({"items": best["items"] and str(root / best["items"])}, read_files)
    details = item_details(table, best["columns"]["item"])
    names = item_names(table, best["columns"]["item"])
    k = best["k"]
    users, items = Ids(fitted.users), Ids(fitted.items)
    basket_models = [name for name, model in models.items() if scores_baskets(model)]
    # the popularity rules answer someone unknown with what is popular (models named as in the registry)
    popular = next((name for name in models if RECOMMENDATION.models.get(name) == "popularity"), None)
    cold_start = popular or (basket_models[0] if basket_models else None)
    how_many = Query(k, ge=1, le=MOST_ITEMS, description="how many items")

    # The recommendation endpoints are async: their work (a millisecond) costs less than a hop to a thread.
    @app.get("/recommend/{user}", response_model=Recommendations, tags=["recommend"])
    async def recommend_user(
        user: Annotated[str, PathParameter(max_length=MAX_TEXT), AfterValidator(valid_unicode)],
        k: int = how_many,
        model: Literal[tuple(models)] = default,  # type: ignore[valid-type]
    ) -> Recommendations:
        """A user's top k items, none they had in training; an unknown user gets the most popular ones."""
        row = users.find([user])[0]
        if row >= 0:
            found = models[model].recommend_batch(np.array([row]), k, REASONS)
            return Recommendations(
                model=model, user=users.typed(row), cold_start=False, items=as_items(found, details, names)
            )
        if cold_start is None:
            raise HTTPException(404, "no such user in the training data, and no model for a new user")
        found = models[cold_start].recommend_basket(np.array([], dtype=np.int64), k, REASONS)
        return Recommendations(
            model=cold_start, user=user, cold_start=True, items=as_items(found, details, names)
        )

    if not basket_models:
        return
    request = create_model(
        "BasketRequest",
        items=(
            list[Id],
            Field(
                min_length=1,
                max_length=MOST_ITEMS,
                description="ids of items the person likes, as numbers or text",
            ),
        ),
        k=(int, Field(k, ge=1, le=MOST_ITEMS, description="how many items")),
        model=model_choice(basket_models, default if default in basket_models else basket_models[0]),
    )

    @app.post("/recommend", response_model=Recommendations, tags=["recommend"])
    async def recommend_basket(body: request) -> Recommendations:  # type: ignore[valid-type]
        """The top k items for someone new, from the items they like (scored without retraining)."""
        columns = items.find(body.items)
        unknown = [item for item, column in zip(body.items, columns, strict=True) if column < 0]
        known = np.unique(columns[columns >= 0])
        found = models[body.model].recommend_basket(known, body.k, REASONS)
        return Recommendations(
            model=body.model,
            cold_start=not len(known),
            unknown_items=unknown,
            items=as_items(found, details, names),
        )
