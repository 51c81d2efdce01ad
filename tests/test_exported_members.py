"""The public API: ``__all__`` and the lazily exported names agree."""

from __future__ import annotations

import painresponse


def test_all_is_sorted_and_resolves() -> None:
    assert painresponse.__all__ == sorted(painresponse.__all__)
    for name in painresponse.__all__:
        assert getattr(painresponse, name) is not None


def test_errors_share_one_base() -> None:
    for name in ("InputError", "OutputError", "StatisticsError", "StudyDefinitionError",
                 "ValidationError"):  # fmt: skip
        assert issubclass(getattr(painresponse, name), painresponse.PainresponseError)


def test_stats_exports() -> None:
    import painresponse.stats as stats

    assert stats.__all__ == sorted(stats.__all__)
    for name in stats.__all__:
        assert callable(getattr(stats, name)) or name == "REGISTRY"


def test_lazy_exports_and_all_agree() -> None:
    """Every lazily exported name is in ``__all__`` and every name of ``__all__`` is exported."""
    exports = painresponse._EXPORTS  # type: ignore[attr-defined]
    assert set(exports) | {"__version__"} == set(painresponse.__all__)
    for name, module in exports.items():
        assert module.startswith("painresponse."), name
