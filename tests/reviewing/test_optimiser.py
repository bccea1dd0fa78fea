"""The automatic assignment's optimiser, property-tested: never a blocked pair, every submission
gets its k wherever that is possible, and the loads differ by at most one wherever that is
possible — checked against every possible assignment of small problems."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewing.services import optimiser
from reviewing.services.optimiser import Problem, blocked_keys, solve


@st.composite
def problems(draw, max_submissions=30, max_reviewers=12):
    n_s = draw(st.integers(1, max_submissions))
    n_r = draw(st.integers(1, max_reviewers))
    n_t = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    topic = np.array(draw(st.lists(st.integers(-1, n_t - 1), min_size=n_s, max_size=n_s)), dtype=np.int64)
    expert = np.array(
        draw(st.lists(st.lists(st.booleans(), min_size=n_t, max_size=n_t), min_size=n_r, max_size=n_r)), dtype=bool
    )
    pairs = [(s, r) for s in range(n_s) for r in range(n_r)]
    share = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5]))
    blocked = [pair for pair in pairs if draw(st.floats(0, 1)) < share] if share else []
    existing = draw(st.lists(st.sampled_from(pairs), max_size=min(6, len(pairs)), unique=True))
    existing = [pair for pair in existing if pair not in set(blocked)]
    load = np.zeros(n_r, dtype=np.int64)
    need = np.full(n_s, k, dtype=np.int64)
    for s, r in existing:
        load[r] += 1
        need[s] = max(0, need[s] - 1)
    problem = Problem(need=need, topic=topic, expert=expert, load=load, blocked=blocked_keys(blocked + existing, n_r))
    return problem, k, set(blocked), existing


def check_invariants(problem, plan):
    keys = plan.submissions * problem.n_reviewers + plan.reviewers
    assert not np.isin(keys, problem.blocked).any(), "a blocked pair was assigned"
    assert len(set(keys.tolist())) == len(keys), "a pair was assigned twice"
    assert (plan.counts(problem) <= problem.need).all(), "a submission got more than it needs"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_never_a_blocked_pair_and_never_more_than_needed(case):
    problem, _k, _blocked, _existing = case

    plan = solve(problem)

    check_invariants(problem, plan)


def brute_force(problem):
    """``(most pairs possible, smallest spread among the plans with that many pairs)``."""
    n_s, n_r = problem.n_submissions, problem.n_reviewers
    blocked = set(problem.blocked.tolist())
    choices = []
    for s in range(n_s):
        free = [r for r in range(n_r) if s * n_r + r not in blocked]
        size = min(int(problem.need[s]), len(free))
        choices.append(list(itertools.combinations(free, size)))
    best = (-1, None)
    for combination in itertools.product(*choices):
        loads = problem.load.copy()
        for reviewers in combination:
            for r in reviewers:
                loads[r] += 1
        pairs = sum(len(reviewers) for reviewers in combination)
        spread = int(loads.max() - loads.min())
        if pairs > best[0] or pairs == best[0] and spread < best[1]:
            best = (pairs, spread)
    return best


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_submissions=4, max_reviewers=4))
def test_every_submission_gets_k_and_loads_are_even_wherever_possible(case):
    problem, _k, _blocked, _existing = case
    most_pairs, best_spread = brute_force(problem)

    plan = solve(problem)

    check_invariants(problem, plan)
    assert len(plan.submissions) == most_pairs
    loads = plan.loads(problem)
    spread = int(loads.max() - loads.min())
    if best_spread <= 1:
        assert spread <= 1
    assert spread == best_spread or best_spread > 1


def test_experts_are_preferred_when_the_loads_allow_it():
    # Two topics; each reviewer is an expert of one; four submissions per topic, k = 1.
    problem = Problem(
        need=np.ones(8, dtype=np.int64),
        topic=np.array([0, 0, 0, 0, 1, 1, 1, 1]),
        expert=np.array([[True, False], [True, False], [False, True], [False, True]]),
        load=np.zeros(4, dtype=np.int64),
        blocked=blocked_keys([], 4),
    )

    plan = solve(problem)

    assert plan.experts == 8
    assert plan.loads(problem).tolist() == [2, 2, 2, 2]


def test_large_problems_use_sampled_candidates_and_still_meet_the_targets(monkeypatch):
    monkeypatch.setattr(optimiser, "FULL_NETWORK_PAIRS", 1_000)  # force the sampled network
    monkeypatch.setattr(optimiser, "START_CANDIDATES", 6)
    rng = np.random.default_rng(7)
    n_s, n_r, n_t = 400, 60, 5
    expert = np.zeros((n_r, n_t), dtype=bool)
    for r in range(n_r):
        expert[r, rng.choice(n_t, 2, replace=False)] = True
    blocked = [(s, int(r)) for s in range(n_s) for r in rng.choice(n_r, 3, replace=False)]
    problem = Problem(
        need=np.full(n_s, 3, dtype=np.int64),
        topic=rng.integers(0, n_t, n_s),
        expert=expert,
        load=np.zeros(n_r, dtype=np.int64),
        blocked=blocked_keys(blocked, n_r),
    )

    plan = solve(problem)

    check_invariants(problem, plan)
    assert plan.counts(problem).min() == 3
    loads = plan.loads(problem)
    assert loads.max() - loads.min() <= 1
    assert plan.experts >= 0.95 * len(plan.submissions)  # a sample of the experts is offered, not all


@pytest.mark.parametrize("n_reviewers", [0, 3])
def test_nothing_to_do_gives_an_empty_plan(n_reviewers):
    problem = Problem(
        need=np.zeros(2 if n_reviewers else 0, dtype=np.int64),
        topic=np.zeros(2 if n_reviewers else 0, dtype=np.int64),
        expert=np.zeros((n_reviewers, 1), dtype=bool),
        load=np.zeros(n_reviewers, dtype=np.int64),
        blocked=blocked_keys([], max(n_reviewers, 1)),
    )

    assert len(solve(problem).submissions) == 0
