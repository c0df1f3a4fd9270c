// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for bench/stats.c against independently computed reference values.
 *
 * Sources, cited next to each value:
 *  [N98]  Newcombe RG (1998), Two-sided confidence intervals for the single proportion: comparison
 *         of seven methods, Stat Med 17:857-872, Table I (4 decimals; methods 3 = Wilson score,
 *         5 = Clopper-Pearson exact).
 *  [C99]  Conover WJ (1999), Practical Nonparametric Statistics, 3rd ed., exact binomial table:
 *         5 of 25 -> 0.068 to 0.407 (3 decimals; quoted in influentialpoints.com's worked example).
 *  [F35]  Fisher's lady tasting tea, 3 of 4 cups right: one-sided p = 17/70 = 0.2429
 *         (Agresti 2002, Categorical Data Analysis, 2nd ed., §3.5.2).
 *  [A07]  Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Table 8.1:
 *         presidential approval, discordant counts 150 and 86.
 *  [HW73] Hollander & Wolfe (1973) p. 69, the data of R's ?wilcox.test: W = 35.
 *  [WIKI] Wikipedia, "Holm-Bonferroni method", worked example with p = .01, .04, .03, .005.
 *  [MP]   tests/ref/tail_ref.py: term-by-term sums in 30-digit arithmetic (mpmath 1.3.0), for
 *         tails too wide to sum term by term in bench/stats.c (its Euler-Maclaurin remainder).
 *  [REF]  tests/ref/stats_ref.py (python 3.11.2, scipy 1.10.1, numpy 1.24.2): exact rational
 *         arithmetic (Fraction) or 60-digit decimal arithmetic (Decimal), cross-checked against
 *         scipy; SciPy alone for the Mann-Whitney p-values. Values pasted as the shortest
 *         decimal that round-trips to the same double.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "stats.h"

#define TOL 1e-9 /* relative, for [REF] values */

/*
 * |got - want| <= tol * |want|, or <= tol when want == 0; NaN only matches NaN. assert_rel_i()
 * names the table row on failure.
 */
#define assert_rel(got, want, tol) check_rel((got), (want), (tol), #got, -1, __FILE__, __LINE__)
#define assert_rel_i(got, want, tol, i)                                                            \
	check_rel((got), (want), (tol), #got, (long)(i), __FILE__, __LINE__)

static void check_rel(double got, double want, double tol, const char *expr, long row,
		      const char *file, int line)
{
	double err = fabs(got - want), lim = want == 0 ? tol : tol * fabs(want);

	if (isnan(want) && isnan(got))
		return;
	if (isinf(want) && got == want)
		return;
	if (!(err <= lim)) {
		if (row >= 0)
			print_error("row %ld: ", row);
		print_error("%s = %.17g, want %.17g (rel err %.3g > %.3g)\n", expr, got, want,
			    want == 0 ? err : err / fabs(want), tol);
		_fail(file, line);
	}
}

/* to the printed precision of a published table: |got - want| <= half a unit of the last digit */
#define assert_printed(got, want, decimals)                                                        \
	assert_rel_abs((got), (want), 0.5 * pow(10, -(decimals)) + 1e-12, #got, __FILE__, __LINE__)

static void assert_rel_abs(double got, double want, double abstol, const char *expr,
			   const char *file, int line)
{
	if (!(fabs(got - want) <= abstol)) {
		print_error("%s = %.17g, published %.*g\n", expr, got, 6, want);
		_fail(file, line);
	}
}

/* ------------------------------------------------------------------ binomial */

static const struct {
	uint64_t k, n;
	double p, logpmf, cdf, sf;
} binom_ref[] = {
	/* [REF] binom_cases(): {k, n, p, log P(X=k), P(X<=k), P(X>=k)} */
	/* Fraction, exact */
	{3, 20, 0.3, -2.6366089185477173, 0.10708680450373102, 0.9645168677015313},
	{0, 20, 0.3, -7.133498878774647, 0.0007979226629761202, 1.0},
	{20, 20, 0.3, -24.07945608651872, 1.0, 3.4867844009999975e-11},
	{0, 1, 0.25, -0.2876820724517809, 0.75, 1.0},
	{1, 1, 0.25, -1.3862943611198906, 1.0, 0.25},
	{100, 1000, 0.5, -371.23389312668075, 6.701717790006296e-162, 1.0},
	{7, 10, 0.999, -15.942777596499447, 1.1937150990179938e-07, 0.999999999791006},
	{500, 1000, 0.5, -3.6799189920941293, 0.5126125090891804, 0.5126125090891804},
	{1, 3, 0.5, -0.9808292530117262, 0.5, 0.875},
	/* Decimal(60) */
	{500010000, 1000000000, 0.5, -10.787424271181266, 0.7364657002845625, 0.26355495737733486},
	{900, 1000000000, 1e-06, -9.495768965416566, 0.0006977635693257484, 0.9993774056321745},
	{1100, 1000000000, 1e-06, -9.26174925493379, 0.9991323637860203, 0.0009626252337001542},
	{299000, 1000000, 0.3, -9.427882009770949, 0.014568219219937685, 0.9855122301907485},
	{5, 1000000000, 1e-09, -5.787491748282045, 0.9994058151885497, 0.0036598468043512484},
	{999999990, 1000000000, 0.99999999, -2.0785616381350587, 0.5420702924401761,
	 0.5830397439065074},
};

static void test_binom_ref(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(binom_ref) / sizeof(binom_ref[0]); i++) {
		assert_rel_i(stats_binom_logpmf(binom_ref[i].k, binom_ref[i].n, binom_ref[i].p),
			     binom_ref[i].logpmf, TOL, i);
		assert_rel_i(stats_binom_cdf(binom_ref[i].k, binom_ref[i].n, binom_ref[i].p),
			     binom_ref[i].cdf, TOL, i);
		assert_rel_i(stats_binom_sf(binom_ref[i].k, binom_ref[i].n, binom_ref[i].p),
			     binom_ref[i].sf, TOL, i);
	}
}

static void test_binom_edges(void **state)
{
	double s = 0;
	uint64_t k;

	(void)state;
	/* degenerate p: all mass at 0 or at n */
	assert_rel(stats_binom_logpmf(0, 7, 0.0), 0.0, 0);
	assert_true(stats_binom_logpmf(1, 7, 0.0) == -INFINITY);
	assert_rel(stats_binom_logpmf(7, 7, 1.0), 0.0, 0);
	assert_true(stats_binom_logpmf(6, 7, 1.0) == -INFINITY);
	assert_rel(stats_binom_cdf(0, 7, 0.0), 1.0, 0);
	assert_rel(stats_binom_cdf(6, 7, 1.0), 0.0, 0);
	assert_rel(stats_binom_sf(1, 7, 0.0), 0.0, 0);
	assert_rel(stats_binom_sf(7, 7, 1.0), 1.0, 0);
	/* n = 0: X == 0 surely */
	assert_rel(stats_binom_logpmf(0, 0, 0.3), 0.0, 0);
	assert_rel(stats_binom_cdf(0, 0, 0.3), 1.0, 0);
	assert_rel(stats_binom_sf(0, 0, 0.3), 1.0, 0);
	assert_rel(stats_binom_sf(1, 0, 0.3), 0.0, 0);
	/* out of range k */
	assert_true(stats_binom_logpmf(8, 7, 0.5) == -INFINITY);
	assert_rel(stats_binom_cdf(8, 7, 0.5), 1.0, 0);
	assert_rel(stats_binom_sf(8, 7, 0.5), 0.0, 0);
	/* invalid p */
	assert_true(isnan(stats_binom_logpmf(1, 7, -0.1)));
	assert_true(isnan(stats_binom_cdf(1, 7, 1.5)));
	assert_true(isnan(stats_binom_sf(1, 7, NAN)));
	/* pmf sums to 1 and P(X<=k) + P(X>=k+1) == 1 at every k (n = 57, p = 0.37) */
	for (k = 0; k <= 57; k++) {
		s += exp(stats_binom_logpmf(k, 57, 0.37));
		assert_rel(stats_binom_cdf(k, 57, 0.37) + stats_binom_sf(k + 1, 57, 0.37), 1.0,
			   1e-14);
		assert_rel(stats_binom_cdf(k, 57, 0.37), s, 1e-13);
	}
	assert_rel(s, 1.0, 1e-14);
}

/* ------------------------------------------------------------------ intervals */

static const struct {
	uint64_t k, n;
	double wlo, whi, cplo, cphi;
} ci_ref[] = {
	/* [REF] ci_cases(), 95%: {k, n, Wilson lo, hi, Clopper-Pearson lo, hi} */
	{81, 263, 0.2552885198782742, 0.36620957698280004, 0.25273674558527115,
	 0.36762192260135135},
	{15, 148, 0.06238639953073628, 0.16048724172330803, 0.05784401008344856, 0.161650490349479},
	{0, 20, 0.0, 0.16112515805281935, 0.0, 0.16843347098308534},
	{1, 29, 0.006113214292762661, 0.17175521879320285, 0.000872646883579922,
	 0.17764429548872293},
	{5, 25, 0.08860584686802574, 0.39130950369540335, 0.06831146401248402, 0.4070374322786772},
	{0, 1, 0.0, 0.7934506856227626, 0.0, 0.975},
	{1, 1, 0.20654931437723742, 1.0, 0.025, 1.0},
	{1, 2, 0.09453120573423072, 0.9054687942657693, 0.01257911709342505, 0.9874208829065749},
	{0, 1000000, 0.0, 3.841444063944942e-06, 0.0, 3.688872650206489e-06},
	{1000000, 1000000, 0.999996158555936, 1.0, 0.9999963111273498, 1.0},
	{1, 1000000000, 1.7652455495696316e-10, 5.6649342432974385e-09, 2.5317807983969383e-11,
	 5.571643378203115e-09},
	{300000000, 1000000000, 0.299971598191827, 0.30002840334475656, 0.29997159750239666,
	 0.30002840365535277},
	{999999999, 1000000000, 0.9999999943350658, 0.9999999998234754, 0.9999999944283566,
	 0.9999999999746821},
	{500000, 1000000, 0.4990200198900048, 0.5009799801099952, 0.49901951919531184,
	 0.5009804808046882},
	{500000000, 1000000000, 0.4999690102484443, 0.5000309897515557, 0.4999690097484223,
	 0.5000309902515777},
};

static void test_ci_ref(void **state)
{
	struct stats_ci w, c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ci_ref) / sizeof(ci_ref[0]); i++) {
		w = stats_wilson(ci_ref[i].k, ci_ref[i].n, STATS_Z95);
		c = stats_clopper_pearson(ci_ref[i].k, ci_ref[i].n, 0.05);
		assert_rel_i(w.lo, ci_ref[i].wlo, TOL, i);
		assert_rel_i(w.hi, ci_ref[i].whi, TOL, i);
		assert_rel_i(c.lo, ci_ref[i].cplo, TOL, i);
		assert_rel_i(c.hi, ci_ref[i].cphi, TOL, i);
	}
}

static void test_ci_published(void **state)
{
	struct stats_ci w, c;

	(void)state;
	/* [N98] Table I: 81/263 method 3 (Wilson) 0.2553-0.3662, method 5 (exact) 0.2527-0.3676 */
	w = stats_wilson(81, 263, STATS_Z95);
	c = stats_clopper_pearson(81, 263, 0.05);
	assert_printed(w.lo, 0.2553, 4);
	assert_printed(w.hi, 0.3662, 4);
	assert_printed(c.lo, 0.2527, 4);
	assert_printed(c.hi, 0.3676, 4);
	/* [N98] 15/148: Wilson 0.0624-0.1605, exact 0.0578-0.1617 */
	w = stats_wilson(15, 148, STATS_Z95);
	c = stats_clopper_pearson(15, 148, 0.05);
	assert_printed(w.lo, 0.0624, 4);
	assert_printed(w.hi, 0.1605, 4);
	assert_printed(c.lo, 0.0578, 4);
	assert_printed(c.hi, 0.1617, 4);
	/* [N98] 0/20: Wilson 0.0000-0.1611, exact 0.0000-0.1684 */
	w = stats_wilson(0, 20, STATS_Z95);
	c = stats_clopper_pearson(0, 20, 0.05);
	assert_true(w.lo == 0 && c.lo == 0);
	assert_printed(w.hi, 0.1611, 4);
	assert_printed(c.hi, 0.1684, 4);
	/* [N98] 1/29: Wilson 0.0061-0.1718, exact 0.0009-0.1776 */
	w = stats_wilson(1, 29, STATS_Z95);
	c = stats_clopper_pearson(1, 29, 0.05);
	assert_printed(w.lo, 0.0061, 4);
	assert_printed(w.hi, 0.1718, 4);
	assert_printed(c.lo, 0.0009, 4);
	assert_printed(c.hi, 0.1776, 4);
	/* [C99] 5/25: exact 0.068-0.407 */
	c = stats_clopper_pearson(5, 25, 0.05);
	assert_printed(c.lo, 0.068, 3);
	assert_printed(c.hi, 0.407, 3);
}

static void test_ci_edges(void **state)
{
	struct stats_ci c;
	uint64_t k;

	(void)state;
	/* n == 0, k > n, bad z / alpha -> NaN */
	c = stats_wilson(0, 0, STATS_Z95);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = stats_wilson(3, 2, STATS_Z95);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = stats_wilson(1, 2, -1.0);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = stats_clopper_pearson(0, 0, 0.05);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = stats_clopper_pearson(3, 2, 0.05);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = stats_clopper_pearson(1, 2, 0.0);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = stats_clopper_pearson(1, 2, 1.0);
	assert_true(isnan(c.lo) && isnan(c.hi));
	/* exact ends: k == 0 -> lo 0, k == n -> hi 1 */
	c = stats_wilson(0, 1000000000, STATS_Z95);
	assert_true(c.lo == 0.0 && c.hi > 0);
	c = stats_wilson(1000000000, 1000000000, STATS_Z95);
	assert_true(c.hi == 1.0 && c.lo < 1);
	/* z = 0 collapses Wilson onto k/n */
	c = stats_wilson(3, 8, 0.0);
	assert_rel(c.lo, 0.375, 1e-15);
	assert_rel(c.hi, 0.375, 1e-15);
	/* the Clopper-Pearson limits solve their defining equations, and mirror k <-> n-k */
	for (k = 1; k < 40; k += 3) {
		c = stats_clopper_pearson(k, 40, 0.05);
		assert_rel(stats_binom_sf(k, 40, c.lo), 0.025, 1e-12);
		assert_rel(stats_binom_cdf(k, 40, c.hi), 0.025, 1e-12);
		assert_rel(1 - stats_clopper_pearson(40 - k, 40, 0.05).hi, c.lo, 1e-12);
	}
	/* k == n of n closed form: lo = (alpha/2)^(1/n); n = 1: 0.025 [REF: exact] */
	assert_rel(stats_clopper_pearson(1, 1, 0.05).lo, 0.025, 1e-15);
	assert_rel(stats_clopper_pearson(0, 1, 0.05).hi, 0.975, 1e-15);
}

static void test_zero_upper(void **state)
{
	static const struct {
		uint64_t n;
		double alpha, v;
	} ref[] = {
		/* [REF] zero_upper_cases(): 1 - alpha^(1/n), Decimal(60) */
		{20, 0.05, 0.1391083406682652},	    {1, 0.05, 0.95},
		{300, 0.05, 0.009936081944457713},  {1000000000, 0.05, 2.995732269066785e-09},
		{1000, 0.01, 0.004594582648473037},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++)
		assert_rel_i(stats_zero_upper(ref[i].n, ref[i].alpha), ref[i].v, TOL, i);
	/* rule of three: ~3/n for large n */
	assert_rel(stats_zero_upper(1000000, 0.05) * 1000000, 2.995732273553991 /* -ln 0.05 */,
		   2e-6);
	/* the one-sided bound equals the two-sided Clopper-Pearson hi at twice alpha */
	assert_rel(stats_zero_upper(37, 0.05), stats_clopper_pearson(0, 37, 0.10).hi, 1e-15);
	assert_true(isnan(stats_zero_upper(0, 0.05)));
	assert_true(isnan(stats_zero_upper(10, 0.0)));
	assert_true(isnan(stats_zero_upper(10, 1.0)));
}

/* ------------------------------------------------------------------ McNemar */

static void test_mcnemar(void **state)
{
	static const struct {
		uint64_t b, c;
		double exact, midp;
	} ref[] = {
		/* [REF] mcnemar_cases(), Fraction (exact); (150, 86) is [A07] Table 8.1 */
		{0, 0, 1.0, 1.0},
		{5, 5, 1.0, 1.0},
		{150, 86, 3.715936139571442e-05, 2.89338951761549e-05},
		{0, 10, 0.001953125, 0.0009765625},
		{10, 0, 0.001953125, 0.0009765625},
		{3, 20, 0.00048828125, 0.0002771615982055664},
		{1, 1, 1.0, 1.0},
		{0, 1, 1.0, 0.5},
		{50000, 50600, 0.05895199586854771, 0.058531680327902166},
		/* Decimal(60) */
		{400000000, 400050000, 0.0771150244079773, 0.07710911098726768},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		assert_rel_i(stats_mcnemar_exact(ref[i].b, ref[i].c), ref[i].exact, TOL, i);
		assert_rel_i(stats_mcnemar_midp(ref[i].b, ref[i].c), ref[i].midp, TOL, i);
	}
	/* mid-p is never larger than the exact p, and strictly smaller when b != c */
	assert_true(stats_mcnemar_midp(7, 19) < stats_mcnemar_exact(7, 19));
	/* large discordant counts stay finite and symmetric */
	assert_rel(stats_mcnemar_exact(400000000, 400050000),
		   stats_mcnemar_exact(400050000, 400000000), 0);
	assert_true(stats_mcnemar_exact(400000000, 400050000) > 0 &&
		    stats_mcnemar_exact(400000000, 400050000) < 1);
}

/* ------------------------------------------------------------------ Fisher */

static void test_fisher(void **state)
{
	static const struct {
		uint64_t k1, n1, k0, n0;
		double p;
	} ref[] = {
		/* [REF] fisher_cases(); (3,4,1,4) is [F35] = 17/70 */
		/* Fraction, exact */
		{3, 4, 1, 4, 0.24285714285714285},
		{1, 4, 3, 4, 0.9857142857142858},
		{10, 100, 2, 100, 0.016520054662092488},
		{0, 10, 5, 10, 1.0},
		{5, 5, 3, 3, 1.0},
		{0, 0, 3, 7, 1.0},
		{4, 9, 0, 0, 1.0},
		{0, 10, 0, 10, 1.0},
		{2, 100, 10, 100, 0.9975091413663075},
		/* Decimal(60) */
		{1200, 1000000, 1000, 1000000, 1.0795513964348431e-05},
		{60, 1000000000, 30, 1000000000, 0.001030132603949223},
		{520, 1000, 480, 1000, 0.04055503028956669},
		{500000000, 1000000000, 500000000, 1000000000, 0.5000178412411549},
		{500000000, 1000000000, 499900000, 1000000000, 3.872917818414278e-06},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		assert_rel_i(stats_fisher_greater(ref[i].k1, ref[i].n1, ref[i].k0, ref[i].n0),
			     ref[i].p, TOL, i);
	}
	/* [F35] printed: 0.2429 */
	assert_printed(stats_fisher_greater(3, 4, 1, 4), 0.2429, 4);
	assert_rel(stats_fisher_greater(3, 4, 1, 4), 17.0 / 70.0, 1e-14);
	/* invalid counts */
	assert_true(isnan(stats_fisher_greater(5, 4, 1, 4)));
	assert_true(isnan(stats_fisher_greater(1, 4, 5, 4)));
}

/* tails wider than TERMS_MAX terms: the Euler-Maclaurin remainder, against [MP] */
static void test_wide_tails(void **state)
{
	(void)state;
	assert_rel(stats_fisher_greater(50000000, 100000000, 49990000, 100000000),
		   0.078670359851292967, TOL);
	assert_rel(stats_fisher_greater(5000000, 10000000, 4995000, 10000000), 0.012688301264520867,
		   TOL);
	assert_rel(stats_binom_cdf(49990000, 100000000, 0.5), 0.022755531314807857, TOL);
	assert_rel(stats_fisher_greater((1ull << 39) + 300000, 1ull << 40, 1ull << 39, 1ull << 40),
		   0.34288269263038242, TOL);
}

/* the cost does not grow with n: summed term by term, each of these took minutes to hours */
static void test_bounded_cost(void **state)
{
	struct timespec a, b;
	double sum = 0, ms;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 100; i++) {
		uint64_t n = (1ull << 40) - (uint64_t)i;

		sum += stats_fisher_greater(n / 2 + (uint64_t)i, n, n / 2, n);
		sum += stats_binom_cdf(n / 2, n, 0.5);
		sum += stats_mcnemar_exact(n / 2, n / 2 + 1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	assert_true(isfinite(sum));
	if (ms > 5000)
		fail_msg("300 tail computations at n = 2^40 took %.0f ms", ms);
}

/* design effect of block counts: [FR] = exact rational arithmetic (python3 fractions) of
 * max(1, B/(B-1) sum (k_b - p n_b)^2 / N^2 / (p (1-p) / N)) */
static void test_deff(void **state)
{
	static const uint64_t b1[][2] = {{50, 10}, {50, 20}, {50, 30}, {50, 25}};
	static const uint64_t b2[][2] = {{40, 5}, {60, 20}, {50, 9}, {30, 15}, {70, 14}};
	static const uint64_t b3[][2] = {{100, 50}, {100, 49}, {100, 51}};
	struct stats_blocks a = {0}, b = {0}, c = {0}, d = {0}, e = {0};

	(void)state;
	for (size_t i = 0; i < 4; i++)
		stats_blocks_add(&a, b1[i][0], b1[i][1]);
	for (size_t i = 0; i < 5; i++)
		stats_blocks_add(&b, b2[i][0], b2[i][1]);
	for (size_t i = 0; i < 3; i++)
		stats_blocks_add(&c, b3[i][0], b3[i][1]);
	assert_rel(stats_deff(&a), 5.967604433077579, 1e-12); /* [FR] */
	assert_rel(stats_deff(&b), 3.479755538579068, 1e-12); /* [FR] */
	assert_rel(stats_deff(&c), 1.0, 0);		      /* less spread than binomial */
	/* running totals: the same blocks by close() */
	for (size_t i = 0, n = 0, k = 0; i < 5; i++) {
		n += b2[i][0];
		k += b2[i][1];
		stats_blocks_close(&d, n, k);
	}
	stats_blocks_close(&d, d.at_n, d.at_k); /* an empty block adds nothing */
	assert_int_equal(d.count, 5);
	assert_rel(stats_deff(&d), stats_deff(&b), 1e-15);
	/* fewer than 2 blocks, or no failure, or all: 1 */
	stats_blocks_add(&e, 100, 30);
	assert_rel(stats_deff(&e), 1.0, 0);
	e = (struct stats_blocks){0};
	stats_blocks_add(&e, 100, 0);
	stats_blocks_add(&e, 50, 0);
	assert_rel(stats_deff(&e), 1.0, 0);
	/* the adjusted test: deff 1 is Fisher itself, deff 4 is Fisher on a quarter of the counts
	 */
	assert_rel(stats_fisher_greater_deff(120, 1000, 1, 100, 1000, 0.5),
		   stats_fisher_greater(120, 1000, 100, 1000), 0);
	assert_rel(stats_fisher_greater_deff(120, 1000, 4, 100, 1000, 4),
		   stats_fisher_greater(30, 250, 25, 250), 0);
	assert_true(stats_fisher_greater_deff(120, 1000, 4, 100, 1000, 4) >
		    stats_fisher_greater(120, 1000, 100, 1000));
	assert_true(isnan(stats_fisher_greater_deff(5, 4, 1, 1, 4, 1)));
}

/* ------------------------------------------------------------------ Holm */

static void test_holm(void **state)
{
	/* [WIKI] p = .01 .04 .03 .005 -> reject H4 (.02) and H1 (.03) at .05; [REF] holm_cases() */
	static const double p1[] = {0.01, 0.04, 0.03, 0.005};
	static const double a1[] = {0.03, 0.06, 0.06, 0.02};
	/* ties and the cap at 1 */
	static const double p2[] = {0.5, 0.5, 0.01};
	static const double a2[] = {1.0, 1.0, 0.03};
	/* monotonicity: the third-smallest product (.04) is raised to the second (.06) */
	static const double p3[] = {0.04, 0.001, 0.03};
	static const double a3[] = {0.06, 0.003, 0.06};
	static const double p4[] = {0.01, NAN, 0.02};
	double adj[4], adjq[4], pr[200], ar[200], aq[200];
	size_t i;

	(void)state;
	stats_holm(p1, 4, adj);
	stats_holm_quadratic(p1, 4, adjq);
	for (i = 0; i < 4; i++) {
		assert_rel_i(adj[i], a1[i], 1e-15, i);
		assert_rel_i(adjq[i], a1[i], 1e-15, i);
	}
	stats_holm(p2, 3, adj);
	stats_holm_quadratic(p2, 3, adjq);
	for (i = 0; i < 3; i++) {
		assert_rel_i(adj[i], a2[i], 1e-15, i);
		assert_rel_i(adjq[i], a2[i], 1e-15, i);
	}
	stats_holm(p3, 3, adj);
	stats_holm_quadratic(p3, 3, adjq);
	for (i = 0; i < 3; i++) {
		assert_rel_i(adj[i], a3[i], 1e-15, i);
		assert_rel_i(adjq[i], a3[i], 1e-15, i);
	}
	/* m == 1: unchanged [REF] */
	stats_holm((const double[]){0.2}, 1, adj);
	assert_rel(adj[0], 0.2, 0);
	/* m == 0: no access at all */
	stats_holm(NULL, 0, NULL);
	/* NaN sorts last, stays NaN, still counts in m: .01*3, NaN, .02*2 */
	stats_holm(p4, 3, adj);
	stats_holm_quadratic(p4, 3, adjq);
	assert_rel(adj[0], 0.03, 1e-15);
	assert_true(isnan(adj[1]) && isnan(adjq[1]));
	assert_rel(adj[2], 0.04, 1e-15);
	assert_rel(adjq[0], 0.03, 1e-15);
	assert_rel(adjq[2], 0.04, 1e-15);
	/* both algorithms agree on 200 values with many ties; adjusted >= raw, order preserved */
	for (i = 0; i < 200; i++)
		pr[i] = (double)((i * 7919) % 97) / 5000.0;
	stats_holm(pr, 200, ar);
	stats_holm_quadratic(pr, 200, aq);
	for (i = 0; i < 200; i++) {
		assert_rel_i(ar[i], aq[i], 0, i);
		assert_true(ar[i] >= pr[i] && ar[i] <= 1);
		if (i && pr[i] < pr[i - 1])
			assert_true(ar[i] <= ar[i - 1]);
	}
}

/* ------------------------------------------------------------------ median */

static void test_median_ranks(void **state)
{
	static const struct {
		size_t n;
		double alpha;
		int met;
		size_t l, u;
		double coverage;
	} ref[] = {
		/* [REF] median_cases(), Fraction; n = 10 -> (2, 9), n = 20 -> (6, 15),
		 * n = 100 -> (40, 61) as in Conover's and Hahn & Meeker's tables */
		{10, 0.05, 1, 2, 9, 0.978515625},
		{20, 0.05, 1, 6, 15, 0.9586105346679688},
		{5, 0.05, 0, 1, 5, 0.9375},
		{6, 0.05, 1, 1, 6, 0.96875},
		{1, 0.05, 0, 1, 1, 0.0},
		{2, 0.05, 0, 1, 2, 0.5},
		{100, 0.05, 1, 40, 61, 0.9647997997822951},
		{100, 0.01, 1, 37, 64, 0.9933628794840739},
		{1000, 0.05, 1, 469, 532, 0.9537088026395019},
		{9, 0.1, 1, 2, 8, 0.9609375},
	};
	size_t i, l, u;
	double cov;

	(void)state;
	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		assert_int_equal(stats_median_ci_ranks(ref[i].n, ref[i].alpha, &l, &u, &cov),
				 ref[i].met);
		assert_int_equal(l, ref[i].l);
		assert_int_equal(u, ref[i].u);
		assert_rel_i(cov, ref[i].coverage, TOL, i);
	}
	assert_int_equal(stats_median_ci_ranks(0, 0.05, &l, &u, &cov), -EINVAL);
	assert_int_equal(stats_median_ci_ranks(10, 1.5, &l, &u, &cov), -EINVAL);
	/* large n is fast and sensible: ranks near n/2 -+ 1.96 sqrt(n)/2 */
	assert_int_equal(stats_median_ci_ranks(1000000, 0.05, &l, &u, &cov), 1);
	assert_true(l > 499000 && l < 499030 && u == 1000001 - l && cov >= 0.95 && cov < 0.9503);
}

static void test_median_ci(void **state)
{
	double x[] = {9, 1, 8, 2, 7, 3, 6, 4, 5, 10};
	double y[] = {4, -1, 3, 2.5, 11};
	double z[] = {1, NAN, 3};
	struct stats_median m;
	size_t i;

	(void)state;
	/* n = 10, 95%: ranks (2, 9) [REF], median between the 5th and 6th */
	assert_int_equal(stats_median_ci(x, 10, 0.05, &m), 0);
	assert_rel(m.median, 5.5, 0);
	assert_rel(m.ci.lo, 2, 0);
	assert_rel(m.ci.hi, 9, 0);
	assert_int_equal(m.exact_coverage_met, 1);
	for (i = 0; i < 10; i++) /* documented: sorted in place */
		assert_rel_i(x[i], (double)(i + 1), 0, i);
	/* n = 5 < 6: no rank pair reaches 95%, so [min, max] and the flag says so */
	assert_int_equal(stats_median_ci(y, 5, 0.05, &m), 0);
	assert_rel(m.median, 3, 0);
	assert_rel(m.ci.lo, -1, 0);
	assert_rel(m.ci.hi, 11, 0);
	assert_int_equal(m.exact_coverage_met, 0);
	/* n = 1 */
	assert_int_equal(stats_median_ci((double[]){42}, 1, 0.05, &m), 0);
	assert_true(m.median == 42 && m.ci.lo == 42 && m.ci.hi == 42 && !m.exact_coverage_met);
	/* errors */
	assert_int_equal(stats_median_ci(x, 0, 0.05, &m), -EINVAL);
	assert_int_equal(stats_median_ci(z, 3, 0.05, &m), -EINVAL);
	assert_int_equal(stats_median_ci(x, 10, 0.05, NULL), -EINVAL);
	assert_int_equal(stats_median_ci(x, 10, 0.0, &m), -EINVAL);
}

/* ------------------------------------------------------------------ Mann-Whitney */

/* integer-valued data with heavy ties, the same formulas as mw_data() in stats_ref.py */
static void tie_data(double *tx, double *ty)
{
	int i;

	for (i = 0; i < 300; i++)
		tx[i] = (double)((i * 37) % 101 / 10);
	for (i = 0; i < 250; i++)
		ty[i] = (double)((i * 53) % 103 / 10 + 1);
}

static void test_mann_whitney(void **state)
{
	/* [HW73] */
	static const double hx[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
	static const double hy[] = {1.15, 0.88, 0.90, 0.74, 1.21};
	/* [REF] mw_cases(): {U by pair counting, scipy p} */
	static const double ref[][2] = {
		{35.0, 0.24462360512698333},	  /* hw */
		{30372.0, 0.0001143604357659654}, /* ties */
		{44628.0, 0.0001143604357659654}, /* ties_rev */
		{0.0, 0.5402913746074199},	  /* small */
		{6.0, 1.0},			  /* allties */
	};
	double tx[300], ty[250], u, p;

	(void)state;
	tie_data(tx, ty);
	assert_int_equal(stats_mann_whitney(hx, 10, hy, 5, &u, &p), 0);
	assert_rel(u, 35, 0); /* [HW73] W = 35 */
	assert_rel(u, ref[0][0], 0);
	assert_rel(p, ref[0][1], TOL);
	assert_int_equal(stats_mann_whitney(tx, 300, ty, 250, &u, &p), 0);
	assert_rel(u, ref[1][0], 0);
	assert_rel(p, ref[1][1], TOL);
	assert_int_equal(stats_mann_whitney(ty, 250, tx, 300, &u, &p), 0);
	assert_rel(u, ref[2][0], 0);
	assert_rel(p, ref[2][1], TOL);
	assert_int_equal(stats_mann_whitney((double[]){1, 2}, 2, (double[]){3}, 1, &u, &p), 0);
	assert_rel(u, ref[3][0], 0);
	assert_rel(p, ref[3][1], TOL);
	/* all ties: zero variance -> p = 1, U = nx ny / 2 */
	assert_int_equal(
		stats_mann_whitney((double[]){2, 2, 2, 2}, 4, (double[]){2, 2, 2}, 3, &u, &p), 0);
	assert_rel(u, ref[4][0], 0);
	assert_rel(p, ref[4][1], 0);
	/* errors */
	assert_int_equal(stats_mann_whitney(hx, 0, hy, 5, &u, &p), -EINVAL);
	assert_int_equal(stats_mann_whitney(hx, 10, (double[]){NAN}, 1, &u, &p), -EINVAL);
	assert_int_equal(stats_mann_whitney(hx, 10, hy, 5, NULL, NULL), 0);
}

/* ------------------------------------------------------------------ cost compare */

static void test_cost_compare(void **state)
{
	/* [REF] cost_cases(): a_i = 100 + (i*37)%11, b_i = a_i*f + d; {f, d, ratio, p} */
	static const double ref[][4] = {
		{1.1, 0.0, 1.1, 3.242110278101764e-21},
		{0.9, 0.0, 0.9, 3.242110278101764e-21},
		{1.0, 0.5, 1.0047619047619047, 0.3874303081790529},
		{1.0, 0.0, 1.0, 1.0},
		{1.03, 0.0, 1.03, 6.200263872510918e-07},
	};
	double a[60], b[60], ratio, p;
	size_t i, j;
	int expect[] = {1, -1, 0, 0, 0};

	(void)state;
	for (i = 0; i < 60; i++)
		a[i] = 100.0 + (double)((i * 37) % 11);
	for (j = 0; j < 5; j++) {
		for (i = 0; i < 60; i++)
			b[i] = a[i] * ref[j][0] + ref[j][1];
		/* noise_frac 0.05: +10% slower, -10% faster, +0.5 not significant, equal, +3% noise
		 */
		assert_int_equal(stats_cost_compare(a, 60, b, 60, 0.05, 0.05, &ratio, &p),
				 expect[j]);
		assert_rel(ratio, ref[j][2], TOL);
		assert_rel(p, ref[j][3], TOL);
	}
	/* +3% is significant and beyond a 2% noise threshold, but not at alpha = 1e-7 */
	assert_int_equal(stats_cost_compare(a, 60, b, 60, 0.05, 0.02, &ratio, &p), 1);
	assert_int_equal(stats_cost_compare(a, 60, b, 60, 1e-7, 0.02, &ratio, &p), 0);
	/* inputs untouched (a was not sorted) */
	assert_rel(a[1], 100.0 + 37 % 11, 0);
	/* errors, all < -1 so they never read as "faster" */
	assert_int_equal(stats_cost_compare(a, 0, b, 60, 0.05, 0.05, &ratio, &p), -EINVAL);
	assert_int_equal(stats_cost_compare(a, 60, b, 60, 0.0, 0.05, &ratio, &p), -EINVAL);
	assert_int_equal(stats_cost_compare(a, 60, b, 60, 0.05, -1, &ratio, &p), -EINVAL);
	assert_int_equal(stats_cost_compare((double[]){0, 0, 1}, 3, b, 60, 0.05, 0.05, &ratio, &p),
			 -EDOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binom_ref),    cmocka_unit_test(test_binom_edges),
		cmocka_unit_test(test_ci_ref),	     cmocka_unit_test(test_ci_published),
		cmocka_unit_test(test_ci_edges),     cmocka_unit_test(test_zero_upper),
		cmocka_unit_test(test_mcnemar),	     cmocka_unit_test(test_fisher),
		cmocka_unit_test(test_wide_tails),   cmocka_unit_test(test_bounded_cost),
		cmocka_unit_test(test_deff),	     cmocka_unit_test(test_holm),
		cmocka_unit_test(test_median_ranks), cmocka_unit_test(test_median_ci),
		cmocka_unit_test(test_mann_whitney), cmocka_unit_test(test_cost_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
