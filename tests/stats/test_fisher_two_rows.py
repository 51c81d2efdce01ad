"""Fisher's test of a 2 x c table by listing every table: the network's p-value, no numba.

The R agreement of 2 x c tables is in ``test_contingency.py`` (tea tasting, convictions, a
4 x 2 table); here the listing is checked against the network algorithm, which is checked
against R in ``test_fisher_network.py``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from painresponse.stats import _fisher_two_rows as listing
from painresponse.stats._fisher_network import exact_pvalue
from painresponse.stats.contingency import FISHER_MAX_WORK, fisher_exact


def _random_tables(count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    tables = []
    while len(tables) < count:
        table = rng.integers(0, int(rng.choice([3, 10, 30])), size=(2, int(rng.integers(2, 7))))
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
            continue
        if listing.tables_to_list(table) > listing.LISTING_MAX_TABLES:
            continue
        tables.append(table if rng.random() < 0.5 else table.T)
    return tables


def test_listing_is_the_network() -> None:
    tables = _random_tables(300, seed=4)
    tables += [
        np.array([[2, 2, 2], [2, 2, 2]]),
        np.array([[3, 0], [0, 3]]),
        np.array([[1, 1], [1, 1]]),
    ]
    for table in tables:
        listed = listing.listed_pvalue(table, 1e-7)
        network = exact_pvalue(table.astype(np.int64), FISHER_MAX_WORK, workers=1)
        assert network is not None
        assert listed == pytest.approx(network, rel=1e-12)


def test_which_tables_are_listed() -> None:
    demo = np.array([[26, 27], [8, 15], [4, 0], [3, 1]])  # Table 1 of the demo, 4 x 2
    assert listing.tables_to_list(demo) == 32 * 24 * 5
    assert fisher_exact(demo).details["algorithm"] == "every table listed"
    job = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
    assert listing.tables_to_list(np.array(job)) == float("inf")
    assert fisher_exact(job).details["algorithm"] == "network (Mehta-Patel)"
    wide = np.full((2, 12), 40)  # 41**11 tables: the network
    assert listing.tables_to_list(wide) > listing.LISTING_MAX_TABLES


def test_a_two_group_report_never_loads_numba_for_fisher() -> None:
    code = (
        "import sys\n"
        "from painresponse.stats.contingency import fisher_exact\n"
        "p = fisher_exact([[1, 1], [3, 4], [37, 38]]).pvalue\n"
        "assert 'numba' not in sys.modules, 'numba imported'\n"
        "print(p)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
