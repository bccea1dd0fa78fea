"""The automatic assignment as a min-cost flow (OR-Tools' ``SimpleMinCostFlow``), independent of
Django: indexes in, pairs out.

Every submission ``s`` still needs ``need[s]`` reviewers; reviewer ``r`` already carries
``load[r]`` assignments. The network is source → submission (capacity ``need[s]``) → reviewer
(capacity 1 per pair, never a conflicted or already assigned pair; cost 0 for an expert of the
submission's topic, 1 otherwise) → sink. Each reviewer has three arcs to the sink: up to the even
share ``floor(L)`` at cost 0, one more at cost ``balance``, and any more at cost ``overload``,
where ``L`` is the mean load once everything is assigned. The solver sends the most flow possible
(every submission gets its ``k`` wherever the conflicts allow it), then at the least cost. The
costs are convex per reviewer and ``balance`` exceeds any total saving in experts (``overload``
any total of ``balance``), so the plan is first as even as it can be (largest minus smallest load
at most one wherever that is feasible), then has as many experts as possible.

Large problems do not offer every pair: each submission gets ``candidates`` reviewers (experts
first, spread evenly over the experts of its topic, then a sample of the others). When that
network cannot carry all the flow the full one could, the candidates are doubled and the problem
solved again, up to every pair.
"""

from dataclasses import dataclass

import numpy as np

FULL_NETWORK_PAIRS = 2_000_000  # below this many pairs every pair is offered
START_CANDIDATES = 48
MAX_SAMPLED_PAIRS = 20_000_000  # a larger network is not tried: the best plan so far is kept


@dataclass(frozen=True)
class Problem:
    """``need``: reviewers still needed per submission; ``topic``: each submission's topic index
    (-1: none); ``expert``: boolean matrix reviewer × topic; ``load``: current load per reviewer;
    ``blocked``: sorted int64 keys ``s * n_reviewers + r`` of pairs that must not be assigned
    (conflicts and existing assignments)."""

    need: np.ndarray
    topic: np.ndarray
    expert: np.ndarray
    load: np.ndarray
    blocked: np.ndarray

    @property
    def n_submissions(self):
        return len(self.need)

    @property
    def n_reviewers(self):
        return len(self.load)


@dataclass(frozen=True)
class Plan:
    submissions: np.ndarray  # submission index of each new pair
    reviewers: np.ndarray  # reviewer index of each new pair
    experts: int  # how many new pairs match the topic

    def loads(self, problem):
        return problem.load + np.bincount(self.reviewers, minlength=problem.n_reviewers)

    def counts(self, problem):
        return np.bincount(self.submissions, minlength=problem.n_submissions)


def blocked_keys(pairs, n_reviewers):
    """Sorted unique keys of ``(submission index, reviewer index)`` pairs."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    array = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return np.unique(array[:, 0] * n_reviewers + array[:, 1])


def solve(problem, *, seed=0):
    """The best plan for ``problem`` (see the module)."""
    n_s, n_r = problem.n_submissions, problem.n_reviewers
    if n_s == 0 or n_r == 0 or int(problem.need.sum()) == 0:
        return Plan(np.zeros(0, np.int64), np.zeros(0, np.int64), 0)
    full = n_s * n_r <= FULL_NETWORK_PAIRS
    candidates = n_r if full else min(n_r, START_CANDIDATES)
    rng = np.random.default_rng(seed)
    best = None
    while True:
        rows, cols = _pairs(problem, candidates, rng)
        plan, flow = _solve_network(problem, rows, cols)
        if best is None or flow > best[1]:
            best = (plan, flow)
        if candidates >= n_r or flow == _full_flow(problem) and _balanced(problem, plan):
            return best[0]
        candidates = min(n_r, candidates * 2)
        if (
            candidates < n_r
            and n_s * candidates > MAX_SAMPLED_PAIRS
            or candidates >= n_r
            and not full
            and (n_s * n_r > MAX_SAMPLED_PAIRS)
        ):
            return best[0]


def _full_flow(problem):
    """The flow every submission's need asks for (more is never possible)."""
    return int(problem.need.sum())


def _balanced(problem, plan):
    loads = plan.loads(problem)
    return int(loads.max() - loads.min()) <= 1


def _pairs(problem, candidates, rng):
    """Candidate ``(submission, reviewer)`` index arrays, blocked pairs removed."""
    n_r = problem.n_reviewers
    wanted = np.flatnonzero(problem.need > 0)
    if candidates >= n_r:
        rows = np.repeat(wanted, n_r)
        cols = np.tile(np.arange(n_r, dtype=np.int64), len(wanted))
    else:
        rows, cols = _sampled_pairs(problem, wanted, candidates, rng)
    keys = rows * n_r + cols
    keys = np.unique(keys)
    keep = ~np.isin(keys, problem.blocked)
    keys = keys[keep]
    return keys // n_r, keys % n_r


def _sampled_pairs(problem, wanted, candidates, rng):
    """Experts of each submission's topic (a window that moves from one submission to the next,
    so every expert is offered about equally often), then random reviewers."""
    n_r = problem.n_reviewers
    half = candidates // 2
    rows, cols = [], []
    topics = problem.topic[wanted]
    for topic in np.unique(topics):
        members = wanted[topics == topic]
        experts = np.flatnonzero(problem.expert[:, topic]) if topic >= 0 else np.zeros(0, np.int64)
        if len(experts) == 0:
            continue
        width = min(half, len(experts))
        offsets = (np.arange(len(members))[:, None] * width + np.arange(width)[None, :]) % len(experts)
        rows.append(np.repeat(members, width))
        cols.append(experts[offsets].ravel())
    others = candidates - half
    rows.append(np.repeat(wanted, others))
    cols.append(rng.integers(0, n_r, size=len(wanted) * others, dtype=np.int64))
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def _solve_network(problem, rows, cols):
    """Solve for the flow every submission needs; when the conflicts make that impossible, solve
    again with the even share of the flow that is possible, so that the loads are still even."""
    plan, flow = _solve_network_for(problem, rows, cols, _full_flow(problem))
    if flow < _full_flow(problem):
        plan, flow = _solve_network_for(problem, rows, cols, flow)
    return plan, flow


def _solve_network_for(problem, rows, cols, flow):
    from ortools.graph.python import min_cost_flow

    n_s, n_r = problem.n_submissions, problem.n_reviewers
    source, sink = 0, n_s + n_r + 1
    submission_node = 1 + np.arange(n_s, dtype=np.int64)
    reviewer_node = 1 + n_s + np.arange(n_r, dtype=np.int64)
    total = int(problem.load.sum()) + flow
    floor = total // n_r
    floor_cap = np.clip(floor - problem.load, 0, None)
    extra_cap = np.clip(floor + 1 - problem.load, 0, None) - floor_cap
    expert = problem.topic[rows] >= 0
    expert &= problem.expert[cols, np.maximum(problem.topic[rows], 0)]
    balance = flow + 1  # more than all the experts' savings together
    overload = balance * (flow + 1)  # more than any number of "one more" arcs
    sinks = np.full(n_r, sink)
    tails = np.concatenate([np.full(n_s, source), submission_node[rows], reviewer_node, reviewer_node, reviewer_node])
    heads = np.concatenate([submission_node, reviewer_node[cols], sinks, sinks, sinks])
    capacities = np.concatenate(
        [problem.need, np.ones(len(rows), np.int64), floor_cap, extra_cap, np.full(n_r, flow, np.int64)]
    )
    costs = np.concatenate(
        [
            np.zeros(n_s, np.int64),
            np.where(expert, 0, 1),
            np.zeros(n_r, np.int64),
            np.full(n_r, balance),
            np.full(n_r, overload),
        ]
    )
    network = min_cost_flow.SimpleMinCostFlow()
    arcs = network.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64), costs.astype(np.int64)
    )
    network.set_node_supply(source, flow)
    network.set_node_supply(sink, -flow)
    status = network.solve_max_flow_with_min_cost()
    if status != network.OPTIMAL:
        raise RuntimeError(f"the assignment network could not be solved (status {status})")
    flows = network.flows(arcs[n_s : n_s + len(rows)])
    chosen = flows > 0
    plan = Plan(rows[chosen], cols[chosen], int(expert[chosen].sum()))
    return plan, int(chosen.sum())
