/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Statistics for bpfault: binomial intervals and tests, paired and unpaired comparisons of failure
 * rates, multiplicity adjustment, and distribution-free comparisons of cost figures.
 *
 * Every function is pure and thread-safe (no globals, no static state); the only side effects are
 * the documented writes to output arguments and, for stats_median_ci(), the in-place sort of x.
 * Functions returning double report invalid input as NaN; functions returning int report it as a
 * negative errno. Binomial probabilities use Loader's saddle-point form of the pmf (C. Loader,
 * "Fast and accurate computation of binomial probabilities", 2000; the algorithm of R's dbinom),
 * and tails are summed outwards from the requested point with a rigorous remainder bound, so the
 * results keep ~1e-13 relative accuracy for n up to 2^53 (tested at 1e9).
 */
#ifndef BPFAULT_STATS_H
#define BPFAULT_STATS_H

#include <stddef.h>
#include <stdint.h>

#define STATS_Z95 1.959963984540054 /* qnorm(0.975) */

struct stats_ci {
	double lo, hi;
};

/*
 * Wilson score interval (Wilson 1927; Newcombe 1998 method 3) for k successes in n trials at
 * normal quantile z (two-sided). lo is exactly 0 when k == 0, hi exactly 1 when k == n.
 * n == 0, k > n, z < 0 or z NaN -> {NAN, NAN}.
 */
struct stats_ci stats_wilson(uint64_t k, uint64_t n, double z);

/*
 * Clopper-Pearson "exact" two-sided interval at level 1 - alpha (Clopper & Pearson 1934; Newcombe
 * 1998 method 5): lo solves P(X >= k | lo) = alpha/2, hi solves P(X <= k | hi) = alpha/2, found by
 * bisection on the binomial tails to double precision; closed forms at k == 0 and k == n.
 * n == 0, k > n or alpha outside (0,1) -> {NAN, NAN}.
 */
struct stats_ci stats_clopper_pearson(uint64_t k, uint64_t n, double alpha);

/*
 * Exact one-sided upper 1 - alpha bound for a rate when k == 0 of n: 1 - alpha^(1/n), computed as
 * -expm1(log(alpha)/n) (the exact form of the "rule of three", Hanley & Lippman-Hand 1983).
 * n == 0 or alpha outside (0,1) -> NAN.
 */
double stats_zero_upper(uint64_t n, double alpha);

/*
 * Binomial helpers, X ~ Bin(n, p). p outside [0,1] or NaN -> NAN.
 * logpmf: log P(X = k) by Loader's saddle-point formula; -INFINITY when k > n or P is exactly 0.
 * cdf: P(X <= k) (1 when k >= n). sf: P(X >= k) (note: >=, not >; 1 when k == 0, 0 when k > n).
 */
double stats_binom_logpmf(uint64_t k, uint64_t n, double p);
double stats_binom_cdf(uint64_t k, uint64_t n, double p); /* P(X <= k) */
double stats_binom_sf(uint64_t k, uint64_t n, double p);  /* P(X >= k) */

/*
 * McNemar's test on the discordant pairs of a paired design: b (a failed, b did not) and c (the
 * reverse). Exact conditional form: p = min(1, 2 * P(X <= min(b,c))), X ~ Bin(b+c, 1/2)
 * (McNemar 1947; Agresti, Categorical Data Analysis, 3rd ed., §11.1). p = 1 when b + c == 0.
 */
double stats_mcnemar_exact(uint64_t b, uint64_t c);

/*
 * Mid-p McNemar (Fagerland, Lydersen & Laake 2013, BMC Med Res Methodol 13:91):
 * p = 2 * [P(X <= min) - P(X = min) / 2], computed as 2 * P(X < min) + P(X = min). p = 1 when
 * b + c == 0 (and whenever b == c).
 */
double stats_mcnemar_midp(uint64_t b, uint64_t c);

/*
 * One-sided Fisher exact test (Fisher 1935; Agresti §3.5) that the failure rate of the run (k1 of
 * n1) is GREATER than the baseline's (k0 of n0): P(K1 >= k1 | both margins), K1 hypergeometric.
 * Equals scipy.stats.fisher_exact([[k1, n1-k1], [k0, n0-k0]], alternative='greater').pvalue.
 * k1 > n1 or k0 > n0 -> NAN. An empty row or column (zero margin) gives p = 1.
 */
double stats_fisher_greater(uint64_t k1, uint64_t n1, uint64_t k0, uint64_t n0);

/*
 * Clustered trials (Rao & Scott 1981, JASA 76:221-230; Kish, Survey Sampling, 1965, §8.2). A run
 * takes its trials in blocks (rounds of --block trials per cell, shuffled), and graded states
 * drift between blocks more than the binomial model allows. stats_blocks keeps the sufficient
 * statistics of the per-block counts of one arm; stats_deff() is the design effect
 *   deff = max(1, V_blocks / V_binomial),  p = K/N,  V_binomial = p(1-p)/N,
 *   V_blocks = B/(B-1) * sum_b (k_b - p n_b)^2 / N^2   (the ratio estimator's variance),
 * 1 when there are fewer than 2 blocks or p is 0 or 1. Dividing a sample's counts by its deff
 * (its effective size N/deff) before a test is Rao and Scott's first-order correction.
 */
struct stats_blocks {
	uint64_t count;	      /* blocks */
	uint64_t n, k;	      /* their totals */
	double sn2, sk2, skn; /* sums over blocks of n_b^2, k_b^2, k_b n_b */
	uint64_t at_n, at_k;  /* the arm's totals when the open block began (not a record) */
};
/* add a block of n trials with k failures (n == 0: nothing) */
void stats_blocks_add(struct stats_blocks *b, uint64_t n, uint64_t k);
/* close the open block: the counts since the last close, from the arm's running totals */
void stats_blocks_close(struct stats_blocks *b, uint64_t n_total, uint64_t k_total);
/* the design effect (>= 1); NAN for inconsistent sums */
double stats_deff(const struct stats_blocks *b);
/*
 * stats_fisher_greater() on Rao-Scott-adjusted counts: each sample's k and n divided by its design
 * effect (rounded to the nearest integer; a deff below 1 or NaN counts as 1).
 */
double stats_fisher_greater_deff(uint64_t k1, uint64_t n1, double deff1, uint64_t k0, uint64_t n0,
				 double deff0);

/*
 * Holm-Bonferroni step-down adjusted p-values (Holm 1979, Scand J Statist 6:65-70):
 * adj_(i) = min(1, max_{j<=i} (m - j + 1) p_(j)) over the ascending order (ties broken by index).
 * adj[i] corresponds to p[i]; adj must not overlap p. m == 0 is a no-op. A NaN p-value sorts
 * last and its adjusted value is NaN (m still counts it). Allocates O(m) scratch; if that fails
 * it falls back to stats_holm_quadratic(), so it cannot fail.
 */
void stats_holm(const double *p, size_t m, double *adj);
/* The same, allocation-free in O(m^2) time (what stats_holm() falls back to without memory). */
void stats_holm_quadratic(const double *p, size_t m, double *adj);

/*
 * Median of x and a distribution-free confidence interval for the population median at level
 * 1 - alpha from order statistics (Conover, Practical Nonparametric Statistics, 3rd ed., §3.2;
 * Hahn & Meeker, Statistical Intervals, §5.2): [x_(l), x_(n+1-l)] with the largest l such that
 * the coverage 1 - 2 P(B <= l-1), B ~ Bin(n, 1/2), is >= 1 - alpha.
 * SORTS x IN PLACE (ascending). If no rank pair reaches the coverage (n small: 2 * 2^-n > alpha,
 * e.g. n <= 5 at alpha = 0.05) the interval is {x_min, x_max} and exact_coverage_met = 0;
 * otherwise exact_coverage_met = 1. Even n: median is the mean of the two middle values.
 * Returns 0, or -EINVAL (x or out NULL, n == 0, NaN in x, alpha outside (0,1)).
 */
struct stats_median {
	double median;
	struct stats_ci ci;
	int exact_coverage_met;
};
int stats_median_ci(double *x, size_t n, double alpha, struct stats_median *out);

/*
 * The ranks behind stats_median_ci(): 1-based l <= u = n + 1 - l and the exact coverage
 * 1 - 2 P(B <= l-1). Returns 1 if the coverage reaches 1 - alpha, 0 if not (then l = 1, u = n and
 * the coverage is that of [x_min, x_max]), -EINVAL for n == 0 or alpha outside (0,1).
 */
int stats_median_ci_ranks(size_t n, double alpha, size_t *l, size_t *u, double *coverage);

/*
 * Mann-Whitney U (Wilcoxon rank-sum) two-sided test, normal approximation with midranks, tie
 * correction of the variance and continuity correction (Conover §5.1; same as
 * scipy.stats.mannwhitneyu(x, y, use_continuity=True, method='asymptotic')).
 * *u is U for x (number of pairs with x > y, ties counting 1/2); *p the two-sided p-value in
 * [0,1] (1 when all values tie). Either output may be NULL.
 * Returns 0, -EINVAL (nx or ny == 0, NULL data, NaN values) or -ENOMEM.
 */
int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, double *u,
		       double *p);

/*
 * Cost comparison with a noise threshold: a is the baseline, b the candidate.
 * *ratio_median = median(b) / median(a), *p = Mann-Whitney two-sided p (either may be NULL).
 * Returns +1 (b slower) or -1 (b faster) when p < alpha AND |ratio - 1| > noise_frac, 0 for no
 * significant change. Errors are negative errno values that are never -1: -EINVAL (empty input,
 * NaN, alpha outside (0,1), noise_frac < 0) and -EDOM (median(a) == 0): test with ret < -1.
 * Inputs are not modified (medians are taken on a copy; -ENOMEM if it cannot be allocated).
 */
int stats_cost_compare(const double *a, size_t na, const double *b, size_t nb, double alpha,
		       double noise_frac, double *ratio_median, double *p);

#endif
