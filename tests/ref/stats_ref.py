#!/usr/bin/python3
"""Reference values for tests/test_stats.c, computed independently of bench/stats.c.

Run with Debian's system python and SciPy (apt-get install python3-scipy):
    /usr/bin/python3 tests/ref/stats_ref.py
Deterministic, stdlib + scipy (+ numpy) only. Prints every value as the shortest decimal that
round-trips to the same double, in the order and grouping used by tests/test_stats.c, where
they are pasted by hand.

Methods (none shares code or algorithm with stats.c):
  * exact rational arithmetic (fractions.Fraction) for binomial, hypergeometric, McNemar,
    Holm and order-statistic coverages at small and medium n (floats converted exactly);
  * 60-digit decimal arithmetic (decimal.Decimal; log-factorials by exact sums below 2000 and
    by the Stirling series with 8 Bernoulli terms above) for Wilson intervals, the zero-failure
    bound, binomial and hypergeometric values at n up to 1e9, and Clopper-Pearson limits
    (Newton's method on their defining tail equations);
  * SciPy (Boost.Math underneath) as a second opinion: each value above is asserted to agree
    with scipy to 1e-9 relative up to n = 1e6-1e7; at n = 1e9 only to 1e-6 (binomial, Fisher)
    or 1e-2 (Clopper-Pearson), because Boost itself drifts there (its binomial pmf at
    n = 1e9, k = 500010000 is off by 2.2e-8, confirmed by an exact ratio sum from the central
    term). SciPy is the only source for the Mann-Whitney p-values.
"""
import math
import sys
import warnings
from decimal import Decimal as D, getcontext
from fractions import Fraction as F

import numpy as np
import scipy
from scipy import stats

getcontext().prec = 60
PI = D("3.14159265358979323846264338327950288419716939937510582097494459")
Z95 = 1.959963984540054  # STATS_Z95
_lf_cache = {}


def lfact(n):
    """ln(n!) to ~55 digits."""
    n = int(n)
    if n in _lf_cache:
        return _lf_cache[n]
    if n < 2000:
        s = sum((D(i).ln() for i in range(2, n + 1)), D(0))
    else:
        dn = D(n)
        s = dn * dn.ln() - dn + (2 * PI * dn).ln() / 2
        bern = [F(1, 6), F(-1, 30), F(1, 42), F(-1, 30), F(5, 66), F(-691, 2730), F(7, 6),
                F(-3617, 510)]
        for k, b in enumerate(bern, 1):
            s += D(b.numerator) / D(b.denominator) / (2 * k * (2 * k - 1) * dn ** (2 * k - 1))
    _lf_cache[n] = s
    return s


def g(x):
    """Shortest decimal that round-trips to the same double (Python's repr), C syntax."""
    x = float(x)
    if math.isnan(x):
        return "NAN"
    return repr(x)


def close(a, b, tol=1e-9):
    a, b = float(a), float(b)
    assert abs(a - b) <= tol * max(abs(a), abs(b)) + 1e-30, (a, b)


# ---------------------------------------------------------------- binomial
def binom_logpmf_dec(k, n, p):
    p = D(p)
    r = lfact(n) - lfact(k) - lfact(n - k)
    if k:
        r += k * p.ln()
    if n - k:
        r += (n - k) * (1 - p).ln()
    return r


def binom_tail_dec(k, n, p, lower):
    """P(X<=k) (lower) or P(X>=k), decimal: short tail summed, long tail by complement."""
    p = D(p)
    q = 1 - p
    mode = (n + 1) * p
    if lower:
        short = D(k) < mode
        start, step = (k, -1) if short else (k + 1, +1)
    else:
        short = D(k) > mode - 1
        start, step = (k, +1) if short else (k - 1, -1)
    t = binom_logpmf_dec(start, n, p).exp()
    s, j = t, start
    while 0 <= j + step <= n:
        if step > 0:
            t = t * (n - j) / (j + 1) * p / q
        else:
            t = t * j / (n - j + 1) * q / p
        j += step
        s += t
        if t < s * D("1e-40"):
            break
    return s if short else 1 - s


def binom_tail_frac(k, n, p, lower):
    p = F(p)
    js = range(0, k + 1) if lower else range(k, n + 1)
    return sum((math.comb(n, j) * p ** j * (1 - p) ** (n - j) for j in js), F(0))


def binom_cases():
    print("/* binomial: {k, n, p, logpmf, cdf, sf} */")
    small = [(3, 20, 0.3), (0, 20, 0.3), (20, 20, 0.3), (0, 1, 0.25), (1, 1, 0.25),
             (100, 1000, 0.5), (7, 10, 0.999), (500, 1000, 0.5), (1, 3, 0.5)]
    big = [(500010000, 10**9, 0.5), (900, 10**9, 1e-6), (1100, 10**9, 1e-6),
           (299000, 10**6, 0.3), (5, 10**9, 1e-9), (999999990, 10**9, 1 - 1e-8)]
    print("\t/* Fraction, exact */")
    for k, n, p in small:
        pmf = F(math.comb(n, k)) * F(p) ** k * (1 - F(p)) ** (n - k)
        lp = D(pmf.numerator).ln() - D(pmf.denominator).ln()
        cdf = binom_tail_frac(k, n, p, True)
        sf = binom_tail_frac(k, n, p, False)
        close(cdf, stats.binom.cdf(k, n, p))
        close(sf, stats.binom.sf(k - 1, n, p))
        print("\t{ %d, %d, %s, %s, %s, %s }," % (k, n, g(p), g(lp), g(cdf), g(sf)))
    print("\t/* Decimal(60) */")
    for k, n, p in big:
        lp = binom_logpmf_dec(k, n, p)
        cdf = binom_tail_dec(k, n, p, True)
        sf = binom_tail_dec(k, n, p, False)
        # Boost (scipy) loses ~log10(n) digits here: at n=1e9, k=500010000 its pmf is off by
        # 2.2e-8 relative (checked against log C(2m,m) asymptotics + exact ratio sums), so
        # scipy is only a 1e-6 sanity check of the Decimal values at large n.
        close(lp.exp(), stats.binom.pmf(k, n, p), 1e-6)
        close(cdf, stats.binom.cdf(k, n, p), 1e-6)
        close(sf, stats.binom.sf(k - 1, n, p), 1e-6)
        print("\t{ %d, %d, %s, %s, %s, %s }," % (k, n, g(p), g(lp), g(cdf), g(sf)))


# ---------------------------------------------------------------- intervals
def wilson_dec(k, n, z=Z95):
    z, k, n = D(z), D(k), D(n)
    z2 = z * z
    c = (2 * k + z2) / (2 * (n + z2))
    h = z / (2 * (n + z2)) * (z2 + 4 * k * (n - k) / n).sqrt()
    return (c - h if k else D(0)), (c + h if k < n else D(1))  # exact 0 / 1 at the ends


CI_CASES = [(81, 263), (15, 148), (0, 20), (1, 29), (5, 25), (0, 1), (1, 1), (1, 2),
            (0, 10**6), (10**6, 10**6), (1, 10**9), (300000000, 10**9), (999999999, 10**9),
            (500000, 10**6), (500000000, 10**9)]


def cp_dec(k, n, alpha, lower):
    """Clopper-Pearson limit by Newton's method in 60-digit decimal on its defining equation
    P(X >= k | p) = alpha/2 (lower) or P(X <= k | p) = alpha/2 (upper); the derivative of the
    tail is n * pmf(k-1 | n-1, p) (lower) or -n * pmf(k | n-1, p) (upper). Started from the
    Wilson limit; the answer depends only on the equation."""
    a2 = D(alpha) / 2
    w = wilson_dec(k, n)
    p = w[0] if lower else w[1]
    for _ in range(200):
        if lower:
            f = binom_tail_dec(k, n, p, False) - a2
            d = n * binom_logpmf_dec(k - 1, n - 1, p).exp()
        else:
            f = binom_tail_dec(k, n, p, True) - a2
            d = -n * binom_logpmf_dec(k, n - 1, p).exp()
        step = f / d
        while not (0 < p - step < 1):
            step /= 2
        p -= step
        if abs(step) < p * D("1e-30"):
            return p
    raise RuntimeError("no convergence")


def ci_cases():
    print("/* intervals at 95%: {k, n, wilson lo, hi, clopper-pearson lo, hi}, Decimal(60) */")
    for k, n in CI_CASES:
        wl, wh = wilson_dec(k, n)
        r = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
        close(wl, r.low, 1e-8)
        close(wh, r.high, 1e-9)
        e = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
        lo = cp_dec(k, n, 0.05, True) if k > 0 else D(0)
        hi = cp_dec(k, n, 0.05, False) if k < n else D(1)
        # scipy (Boost ibeta_inv) agrees to 1e-9 up to n = 1e6; at n = 1e9 it is off by up
        # to 1.4e-3 relative (k = 1: scipy's lower tail at its own limit is 0.025035)
        tol = 1e-9 if n <= 10**6 else 1e-2
        close(lo, e.low, tol)
        close(hi, e.high, tol)
        print("\t{ %d, %d, %s, %s, %s, %s }," % (k, n, g(wl), g(wh), g(lo), g(hi)))


def zero_upper_cases():
    print("/* zero_upper: {n, alpha, 1 - alpha^(1/n)} Decimal(60) */")
    for n, a in [(20, 0.05), (1, 0.05), (300, 0.05), (10**9, 0.05), (1000, 0.01)]:
        v = 1 - (D(a).ln() / n).exp()
        print("\t{ %d, %s, %s }," % (n, g(a), g(v)))


# ---------------------------------------------------------------- mcnemar
def mcnemar_frac(b, c):
    n, m = b + c, min(b, c)
    if n == 0:
        return F(1), F(1)
    cdf, t = F(0), 1
    for j in range(m + 1):
        if j:
            t = t * (n - j + 1) // j
        cdf += t
    pm = F(t, 2 ** n)
    cdf = F(cdf, 2 ** n)
    return min(F(1), 2 * cdf), min(F(1), 2 * (cdf - pm / 2))


def mcnemar_cases():
    print("/* mcnemar: {b, c, exact p, mid-p} Fraction (exact) unless marked */")
    for b, c in [(0, 0), (5, 5), (150, 86), (0, 10), (10, 0), (3, 20), (1, 1), (0, 1),
                 (50000, 50600)]:
        e, m = mcnemar_frac(b, c)
        if b + c:
            close(e, min(1, 2 * stats.binom.cdf(min(b, c), b + c, 0.5)))
        print("\t{ %d, %d, %s, %s }," % (b, c, g(e), g(m)))
    # large n: 60-digit decimal tail sum (2 P(X <= m) and 2 P(X < m) + P(X = m))
    for b, c in [(400000000, 400050000)]:
        n, m = b + c, min(b, c)
        cdf = binom_tail_dec(m, n, D("0.5"), True)
        pm = binom_logpmf_dec(m, n, D("0.5")).exp()
        close(2 * cdf, 2 * stats.binom.cdf(m, n, 0.5), 1e-6)
        print("\t/* Decimal(60) */")
        print("\t{ %d, %d, %s, %s }," % (b, c, g(2 * cdf), g(2 * cdf - pm)))


# ---------------------------------------------------------------- fisher
def fisher_frac(k1, n1, k0, n0):
    N, K = n1 + n0, k1 + k0
    hi = min(n1, K)
    num = sum(math.comb(K, x) * math.comb(N - K, n1 - x) for x in range(k1, hi + 1))
    return F(num, math.comb(N, n1))


def fisher_dec(k1, n1, k0, n0):
    N, K = n1 + n0, k1 + k0
    hi = min(n1, K)
    lc = lfact(N - n1) + lfact(n1) - lfact(N)

    def lpmf(x):
        return (lfact(K) - lfact(x) - lfact(K - x) + lfact(N - K) - lfact(n1 - x)
                - lfact(N - K - n1 + x) + lc)
    s = D(0)
    t = lpmf(k1).exp()
    x = k1
    while True:
        s += t
        if x == hi or t < s * D("1e-40"):
            break
        t = t * (K - x) * (n1 - x) / ((x + 1) * (N - K - n1 + x + 1))
        x += 1
    return s


def fisher_cases():
    print("/* fisher greater: {k1, n1, k0, n0, p} */")
    print("\t/* Fraction, exact */")
    for args in [(3, 4, 1, 4), (1, 4, 3, 4), (10, 100, 2, 100), (0, 10, 5, 10), (5, 5, 3, 3),
                 (0, 0, 3, 7), (4, 9, 0, 0), (0, 10, 0, 10), (2, 100, 10, 100)]:
        v = fisher_frac(*args)
        k1, n1, k0, n0 = args
        if n1 and n0:
            close(v, stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]], "greater")[1])
        print("\t{ %d, %d, %d, %d, %s }," % (args + (g(v),)))
    print("\t/* Decimal(60) */")
    for args in [(1200, 10**6, 1000, 10**6), (60, 10**9, 30, 10**9), (520, 1000, 480, 1000),
                 (500000000, 10**9, 500000000, 10**9), (500000000, 10**9, 499900000, 10**9)]:
        v = fisher_dec(*args)
        k1, n1, k0, n0 = args
        # scipy (Boost hypergeometric) drifts by ~7e-8 relative at n = 1e9, so 1e-6 there
        close(v, stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]], "greater")[1],
              1e-9 if n1 + n0 <= 10**7 else 1e-6)
        print("\t{ %d, %d, %d, %d, %s }," % (args + (g(v),)))


# ---------------------------------------------------------------- holm
def holm_frac(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    adj, run = [None] * m, F(0)
    for r, i in enumerate(order):
        run = max(run, (m - r) * F(p[i]))
        adj[i] = min(F(1), run)
    return adj


def holm_cases():
    print("/* holm: p -> adj, Fraction */")
    for p in [[0.01, 0.04, 0.03, 0.005], [0.5, 0.5, 0.01], [0.04, 0.001, 0.03], [0.2]]:
        print("\t{ %s }, /* %s */" % (", ".join(g(a) for a in holm_frac(p)), p))


# ---------------------------------------------------------------- median ci
def median_ranks(n, alpha):
    half = F(1, 2 ** n)
    cdf, t, best = F(0), 1, None
    for l in range(1, (n + 1) // 2 + 1):
        # cdf = P(B <= l-1)
        if l > 1:
            t = t * (n - l + 2) // (l - 1)
        cdf += t * half
        if 2 * cdf <= F(alpha):
            best = (l, n + 1 - l, 1 - 2 * cdf)
        else:
            break
    if best is None:
        return 0, 1, n, 1 - 2 * half
    return 1, best[0], best[1], best[2]


def median_cases():
    print("/* median ci ranks: {n, alpha, met, l, u, coverage} Fraction, exact */")
    for n, a in [(10, 0.05), (20, 0.05), (5, 0.05), (6, 0.05), (1, 0.05), (2, 0.05),
                 (100, 0.05), (100, 0.01), (1000, 0.05), (9, 0.1)]:
        met, l, u, cov = median_ranks(n, a)
        if met:
            # scipy cross-check of the rank choice
            assert 2 * stats.binom.cdf(l - 1, n, 0.5) <= a < 2 * stats.binom.cdf(l, n, 0.5)
        print("\t{ %d, %s, %d, %d, %d, %s }," % (n, g(a), met, l, u, g(cov)))


# ---------------------------------------------------------------- mann-whitney
def mw_data():
    # Hollander & Wolfe (1973) p. 69, as in R's ?wilcox.test
    hx = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    hy = [1.15, 0.88, 0.90, 0.74, 1.21]
    # integer-valued data with heavy ties, generated identically in the C test
    tx = [float((i * 37) % 101 // 10) for i in range(300)]
    ty = [float((i * 53) % 103 // 10 + 1) for i in range(250)]
    return [("hw", hx, hy), ("ties", tx, ty), ("ties_rev", ty, tx),
            ("small", [1.0, 2.0], [3.0]), ("allties", [2.0] * 4, [2.0] * 3)]


def mw_cases():
    print("/* mann-whitney: {U by pair counting, p scipy.mannwhitneyu asymptotic+continuity} */")
    for name, x, y in mw_data():
        u = sum((a > b) + 0.5 * (a == b) for a in x for b in y)
        r = stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided",
                               method="asymptotic")
        assert r.statistic == u
        print("\t{ %s, %s }, /* %s */" % (g(u), g(r.pvalue), name))


def cost_cases():
    print("/* cost compare: a_i = 100 + (i*37)%11, b_i = a_i*f + d; {f, d, median ratio, p} */")
    a = [100.0 + (i * 37) % 11 for i in range(60)]
    for f, d in [(1.10, 0.0), (0.90, 0.0), (1.0, 0.5), (1.0, 0.0), (1.03, 0.0)]:
        b = [v * f + d for v in a]
        ratio = np.median(b) / np.median(a)
        p = stats.mannwhitneyu(a, b, use_continuity=True, alternative="two-sided",
                               method="asymptotic").pvalue
        print("\t{ %s, %s, %s, %s }," % (g(f), g(d), g(ratio), g(p)))


if __name__ == "__main__":
    # Boost warns about 0 * inf inside binomtest's own root search at n = 1e9; harmless here
    warnings.simplefilter("ignore", RuntimeWarning)
    print("/* generated by tests/ref/stats_ref.py, python %s, scipy %s, numpy %s */"
          % (sys.version.split()[0], scipy.__version__, np.__version__))
    binom_cases()
    ci_cases()
    zero_upper_cases()
    mcnemar_cases()
    fisher_cases()
    holm_cases()
    median_cases()
    mw_cases()
    cost_cases()
