"""The matching and planning engine of Rencontres entre Pairs.

A pure Python package (numpy/scipy, no Django): plain data in, ranked and
explained results out, so it can be run, tested and benchmarked without the
web application. The Django apps only translate their models to and from the
engine's types. See docs/algorithms/ for the models in prose.
"""

__all__: list[str] = []
