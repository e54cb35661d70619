#!/usr/bin/env python3
"""Benchmark of the matching engine (pairs_engine.matching) on a synthetic population.

    .venv/bin/python bench/matching.py                         # 300,000 members in one delegation
    .venv/bin/python bench/matching.py --members 20000         # quick run (< 1 minute)
    .venv/bin/python bench/matching.py --national              # + 1,000,000 members, 12 delegations, 1/2/3 workers
    .venv/bin/python bench/matching.py --national-only --national-members 200000   # only that part, smaller

One run prints, side by side:
- index build time; batch top-k for every member (time, peak RSS) and its recall@k against the exact blended
  score by brute force on `--sample` members;
- anchors on the same candidate-then-rescore pipeline, over the engine's dense vector part: faiss-cpu IndexFlatIP
  (exact inner product) and hnswlib (time, recall) — benchmark-only libraries, never imported by the product;
- fairness: coverage and Gini of exposure, plain and with MMR diversity + exposure cap;
- on-demand suggestions for one member (p50 / p95);
- quality: NDCG@10 against the generator's hidden benefit model, for the engine, random pairing (Donut-style),
  pure undirected similarity (cosine on a profile vector) and the engine without reciprocity (forward score only);
- with --national: one job per delegation (index + batch) in 1, 2 and 3 worker processes.
The machine is shared: timings are taken under contention from other processes (load average printed).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# The engine runs its own threads (one batch: `threads`, default the cores); BLAS threads on top of them would
# fight for the same two cores. Set before numpy loads; spawned national workers inherit it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pairs_engine import synthetic  # noqa: E402
from pairs_engine.matching import Weights, build_index, pair_scores, suggest_batch, suggest_people  # noqa: E402
from pairs_engine.matching.batch import default_threads  # noqa: E402
from pairs_engine.matching.ranking import proxies, ranked_lists, rescore  # noqa: E402

K = 20


def rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def exact_top(index: Any, row: int, weights: Weights, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact scores of `row` against every other recommendable row: (candidate rows, scores, kth best)."""
    candidates = np.flatnonzero(index.recommendable)
    candidates = candidates[candidates != row]
    score, _f, _b = pair_scores(index, np.full(candidates.size, row, dtype=np.int64), candidates, weights)
    wanted = min(k, int((score > 0).sum()))
    kth = np.sort(score)[-wanted] if wanted else np.inf
    return candidates, score, np.asarray([kth, wanted])


def recall_of(
    found_rows: list[int], candidates: np.ndarray, score: np.ndarray, kth_wanted: np.ndarray
) -> float | None:
    kth, wanted = float(kth_wanted[0]), int(kth_wanted[1])
    if wanted == 0:
        return None
    found_scores = (
        score[np.searchsorted(candidates, np.asarray(found_rows, dtype=np.int64))] if found_rows else []
    )
    return min(1.0, float(np.sum(np.asarray(found_scores) >= kth - 1e-6)) / wanted)


def dcg(gains: np.ndarray) -> float:
    return float(np.sum(gains / np.log2(np.arange(2, gains.size + 2))))


def profile_vectors(index: Any) -> np.ndarray:
    """Undirected profile vector for the "pure similarity" baseline: who looks alike, not who helps whom."""
    n = index.size
    parts = []
    sit = np.zeros((n, 4), np.float32)
    sit[np.arange(n), np.maximum(index.situation, 0)] = index.situation >= 0
    phase = np.zeros((n, 3), np.float32)
    phase[np.arange(n), np.maximum(index.phase, 0)] = index.phase >= 0
    domain = np.zeros((n, max(len(index.domains.codes), 1)), np.float32)
    domain[np.arange(n), np.maximum(index.job_domain, 0)] = index.job_domain >= 0
    topics = np.zeros((n, max(len(index.topics.codes), 1)), np.float32)
    for t in range(len(index.topics.codes)):
        bit = np.uint64(1 << (t % 64))
        topics[:, t] = ((index.sought[:, t // 64] | index.offered[:, t // 64]) & bit) > 0
    text = index.seek_vec + index.offer_vec
    parts = [sit, phase, domain, topics / np.sqrt(np.maximum(topics.sum(1, keepdims=True), 1)), text]
    vectors = np.concatenate(parts, axis=1)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return vectors.astype(np.float32)


def national_job(args: tuple[str, int, int, int, int]) -> dict[str, float]:
    delegation, members, seed, k, threads = args
    t0 = time.perf_counter()
    population = synthetic.generate(members=members, seed=seed, delegations=(delegation,))
    t1 = time.perf_counter()
    index = build_index(population.profiles, rome=population.rome)
    t2 = time.perf_counter()
    batch = suggest_batch(index, k=k, threads=threads)
    t3 = time.perf_counter()
    return {
        "members": members,
        "generate": t1 - t0,
        "index": t2 - t1,
        "batch": t3 - t2,
        "coverage": batch.coverage,
        "rss_gb": rss_gb(),
    }


def run_national(total: int, workers: list[int], seed: int) -> None:
    shares = dict(synthetic.DELEGATION_SHARES)
    names = [name for name, _s in synthetic.DELEGATION_SHARES]
    sizes = [round(total * shares[name]) for name in names]
    cores = os.cpu_count() or 1
    jobs = sorted(
        [(name, size, seed + i, K, 1) for i, (name, size) in enumerate(zip(names, sizes, strict=True))],
        key=lambda job: -job[1],
    )
    print(
        f"\n## National batch: {sum(sizes):,} members over {len(names)} delegations (one job per delegation)"
    )
    print(f"largest delegation: {jobs[0][0]} ({jobs[0][1]:,} members)")
    print(
        "| workers | wall (s) | engine time summed over jobs (s) | generation summed (s) | speed-up | peak RSS / worker (GB) |"
    )
    print("|---|---|---|---|---|---|")
    base = None
    print(f"each worker runs its batch on max(1, {cores} cores // workers) threads")
    for w in workers:
        threads = max(1, cores // w)
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=w, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(national_job, [(*job[:4], threads) for job in jobs]))
        wall = time.perf_counter() - t
        engine = sum(r["index"] + r["batch"] for r in results)
        generation = sum(r["generate"] for r in results)
        base = base or wall
        print(
            f"| {w} | {wall:.1f} | {engine:.1f} | {generation:.1f} | {base / wall:.2f}× | "
            f"{max(r['rss_gb'] for r in results):.2f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--sample", type=int, default=200, help="members whose recall and NDCG are measured")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pool-size", type=int, default=12_000)
    parser.add_argument("--per-member", type=int, default=None)
    parser.add_argument("--on-demand", type=int, default=200, help="on-demand queries timed")
    parser.add_argument("--no-anchors", action="store_true", help="skip faiss / hnswlib")
    parser.add_argument(
        "--hnsw-members", type=int, default=None, help="build hnswlib on at most this many rows"
    )
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--national-members", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--national-only", action="store_true", help="only the national part")
    options = parser.parse_args()
    if options.national_only:
        load = os.getloadavg()
        print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores, shared machine)")
        run_national(options.national_members, [int(w) for w in options.workers.split(",")], options.seed)
        return
    weights = Weights()
    load = os.getloadavg()
    print(f"# Matching benchmark — {options.members:,} members, one delegation, k = {K}, seed {options.seed}")
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores, shared machine)")
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")

    t = time.perf_counter()
    population = synthetic.generate(
        members=options.members, seed=options.seed, delegations=("ile-de-france",)
    )
    generation = time.perf_counter() - t
    t = time.perf_counter()
    index = build_index(population.profiles, rome=population.rome)
    build = time.perf_counter() - t
    rss_index = rss_gb()

    t = time.perf_counter()
    batch = suggest_batch(
        index, k=K, weights=weights, pool_size=options.pool_size, per_member=options.per_member
    )
    batch_time = time.perf_counter() - t
    rss_batch = rss_gb()

    rng = np.random.default_rng(options.seed)
    sample = rng.choice(index.size, size=min(options.sample, index.size), replace=False)
    exact: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    t = time.perf_counter()
    for row in sample.tolist():
        exact[row] = exact_top(index, row, weights, K)
    brute_per_member = (time.perf_counter() - t) / sample.size
    recalls = []
    for row in sample.tolist():
        found = [index.row_of[i] for i in batch.suggestion_ids[row].tolist() if i >= 0]
        r = recall_of(found, *exact[row])
        if r is not None:
            recalls.append(r)
    engine_recall = float(np.mean(recalls))

    rows = []
    rows.append(
        (
            "engine (harmonic proxy + ROME and peer blocking + exact re-scoring)",
            batch_time,
            engine_recall,
            f"{default_threads()} threads, BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS')}",
        )
    )
    rows.append(
        (
            "exact brute force (extrapolated from the sample)",
            brute_per_member * index.size,
            1.0,
            f"{brute_per_member * 1000:.0f} ms per member",
        )
    )

    if not options.no_anchors:
        left, right = proxies(index, weights)
        per_member = options.per_member or max(6 * K, 100)
        recommendable = np.flatnonzero(index.recommendable)
        queries = np.ascontiguousarray(left[sample])
        base = np.ascontiguousarray(right[recommendable])
        try:
            import faiss

            t = time.perf_counter()
            flat = faiss.IndexFlatIP(base.shape[1])
            flat.add(base)
            _d, found = flat.search(queries, per_member + 1)
            faiss_time = time.perf_counter() - t
            recall_faiss = anchor_recall(index, weights, sample, recommendable[found], exact)
            rows.append(
                (
                    "faiss IndexFlatIP on the dense vector part + exact re-scoring",
                    faiss_time * index.size / sample.size,
                    recall_faiss,
                    f"extrapolated from {sample.size} queries ({faiss_time:.2f} s)",
                )
            )
        except ImportError:
            rows.append(("faiss (not installed)", float("nan"), float("nan"), ""))
        try:
            import hnswlib

            limit = options.hnsw_members or base.shape[0]
            t = time.perf_counter()
            graph = hnswlib.Index(space="ip", dim=base.shape[1])
            graph.init_index(max_elements=min(limit, base.shape[0]), ef_construction=100, M=16, random_seed=1)
            graph.add_items(base[:limit], np.arange(min(limit, base.shape[0])))
            hnsw_build = time.perf_counter() - t
            graph.set_ef(max(200, per_member + 1))
            t = time.perf_counter()
            labels, _d = graph.knn_query(queries, k=per_member + 1)
            hnsw_query = time.perf_counter() - t
            recall_hnsw = anchor_recall(index, weights, sample, recommendable[labels.astype(np.int64)], exact)
            rows.append(
                (
                    "hnswlib (M=16, ef=200) on the dense vector part + exact re-scoring",
                    hnsw_build + hnsw_query * index.size / sample.size,
                    recall_hnsw,
                    f"build {hnsw_build:.1f} s on {min(limit, base.shape[0]):,} rows + queries extrapolated",
                )
            )
        except ImportError:
            rows.append(("hnswlib (not installed)", float("nan"), float("nan"), ""))

    print(
        f"\ngeneration {generation:.1f} s; index build {build:.1f} s ({index.size:,} profiles, RSS {rss_index:.2f} GB)"
    )
    print(f"engine timings: {', '.join(f'{k} {v:.1f} s' for k, v in batch.timings.items())}")
    print(
        f"\n## Top-{K} for every member ({index.size:,}), recall@{K} on {sample.size} members vs exact brute force"
    )
    print("| method | time for all members (s) | recall@20 | note |")
    print("|---|---|---|---|")
    for name, seconds, recall, note in rows:
        print(f"| {name} | {seconds:.1f} | {recall:.3f} | {note} |")
    print(f"peak RSS after the batch: {rss_batch:.2f} GB (whole run so far: {rss_gb():.2f} GB)")

    # Fairness.
    t = time.perf_counter()
    fair = suggest_batch(
        index, k=K, weights=weights, pool_size=options.pool_size, exposure_cap=3 * K, diversity=0.2
    )
    fair_time = time.perf_counter() - t
    print("\n## Fairness")
    print("| batch | time (s) | coverage (≥ 20) | Gini of exposure | max exposure |")
    print("|---|---|---|---|---|")
    print(
        f"| plain | {batch_time:.1f} | {batch.coverage:.3f} | {batch.gini:.3f} | {int(batch.exposure.max())} |"
    )
    print(
        f"| MMR diversity 0.2 + exposure cap {3 * K} | {fair_time:.1f} | {fair.coverage:.3f} | {fair.gini:.3f} | "
        f"{int(fair.exposure.max())} |"
    )

    # On demand.
    ids = index.ids[rng.choice(index.size, size=options.on_demand + 5, replace=False)]
    suggest_people(index, member_id=int(ids[0]), k=K)  # warm-up (proxy matrices are cached)
    latencies = []
    for member_id in ids[5:].tolist():
        t = time.perf_counter()
        suggest_people(index, member_id=member_id, k=K)
        latencies.append((time.perf_counter() - t) * 1000)
    print(f"\n## On demand, one member against {index.size:,} (with reasons)")
    print(
        f"p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms, max {max(latencies):.1f} ms"
    )

    # Quality against the hidden benefit model.
    vectors = profile_vectors(index)
    recommendable = np.flatnonzero(index.recommendable)
    scores = {
        "engine (reciprocal)": [],
        "engine without reciprocity (forward only)": [],
        "pure similarity (cosine)": [],
        "random pairing": [],
    }
    for row in sample.tolist()[: min(sample.size, 200)]:
        candidates = recommendable[recommendable != row]
        gains = synthetic.benefit(population, np.full(candidates.size, row, dtype=np.int64), candidates)
        ideal = dcg(np.sort(gains)[::-1][:10])
        if ideal <= 0:
            continue
        position = {int(c): i for i, c in enumerate(candidates.tolist())}

        def ndcg(
            chosen: list[int],
            gains: np.ndarray = gains,
            position: dict[int, int] = position,
            ideal: float = ideal,
        ) -> float:
            return dcg(np.asarray([gains[position[c]] for c in chosen[:10]], dtype=np.float64)) / ideal

        engine_rows = [index.row_of[i] for i in batch.suggestion_ids[row].tolist() if i >= 0]
        scores["engine (reciprocal)"].append(ndcg(engine_rows))
        _s, forward, _b = pair_scores(
            index, np.full(candidates.size, row, dtype=np.int64), candidates, weights
        )
        scores["engine without reciprocity (forward only)"].append(
            ndcg(candidates[np.argsort(-forward)[:10]].tolist())
        )
        cosine = vectors[candidates] @ vectors[row]
        scores["pure similarity (cosine)"].append(ndcg(candidates[np.argsort(-cosine)[:10]].tolist()))
        scores["random pairing"].append(ndcg(rng.choice(candidates, size=10, replace=False).tolist()))
    print(f"\n## Quality: NDCG@10 against the hidden benefit model ({len(scores['random pairing'])} members)")
    print("| method | NDCG@10 |")
    print("|---|---|")
    for name, values in scores.items():
        print(f"| {name} | {np.mean(values):.3f} |")
    print(f"\npeak RSS of the whole run: {rss_gb():.2f} GB")

    if options.national:
        del index, batch, fair, population
        run_national(options.national_members, [int(w) for w in options.workers.split(",")], options.seed)


def anchor_recall(
    index: Any, weights: Weights, sample: np.ndarray, found: np.ndarray, exact: dict[int, Any]
) -> float:
    """Re-score the anchor's candidates exactly (as the engine does) and measure recall@K."""
    q = np.repeat(sample.astype(np.int64), found.shape[1])
    c = found.ravel().astype(np.int64)
    keep = c != q
    q, c = q[keep], c[keep]
    score, _f, _b = rescore(index, weights, q, c)
    lists, _s = ranked_lists(index, sample.astype(np.int64), q, c, score, length=K)
    recalls = []
    for i, row in enumerate(sample.tolist()):
        r = recall_of([int(x) for x in lists[i] if x >= 0], *exact[row])
        if r is not None:
            recalls.append(r)
    return float(np.mean(recalls))


if __name__ == "__main__":
    main()
