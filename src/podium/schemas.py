"""The base for every API body: camelCase on the wire, snake_case in Python, and the bounds every
field of a request shares. A request is bounded in every dimension (string lengths, list sizes,
integer ranges, finite numbers), so input the server cannot store or loop over is a 422, never a
500 from SQLite or a request that ties the server up."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        from_attributes=True,
        allow_inf_nan=False,
    )


# SQLite integers are signed 64-bit; larger values overflow in the driver.
MAX_SQLITE_INT = 2**63 - 1
# Paging past this many rows is never a real request.
MAX_OFFSET = 1_000_000_000
MAX_ID = 100
MAX_NAME = 500
MAX_PATH = 4096
MAX_TEXT = 1_000_000
MAX_LIST = 1000

Id = Annotated[str, Field(max_length=MAX_ID)]
Name = Annotated[str, Field(max_length=MAX_NAME)]
PathText = Annotated[str, Field(max_length=MAX_PATH)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


def reject_null(value: Any) -> Any:
    """For optional fields of a patch that may be left out but never set to null."""
    if value is None:
        raise ValueError("must not be null")
    return value
