"""A TestResult is frozen, its details read-only, and it travels between processes."""

from __future__ import annotations

import copy
import pickle

import pytest

from painresponse.stats._result import TestResult
from painresponse.stats.contingency import fisher_exact


def test_pickled_results_are_equal_and_still_read_only() -> None:
    result = fisher_exact([[3, 1], [1, 3]])
    again = pickle.loads(pickle.dumps(result))
    assert again == result
    assert dict(again.details) == dict(result.details)
    with pytest.raises(TypeError):
        again.details["shape"] = [9, 9]  # type: ignore[index]
    assert copy.deepcopy(result) == result


def test_details_are_a_copy_of_what_was_given() -> None:
    given = {"seed": 1}
    result = TestResult("t", "m", 1.0, 0.5, details=given)
    given["seed"] = 2
    assert result.details["seed"] == 1
