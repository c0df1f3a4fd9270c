// SPDX-License-Identifier: BSD-2-Clause
/*
 * Statistics for bpfault; see stats.h for the contract and references of each function.
 *
 * Numerical approach: log P(X = x) for the binomial uses Loader's saddle-point expansion
 * (stirlerr + bd0, as in R's dbinom_raw), which keeps full relative precision where
 * lgamma(n+1) - lgamma(k+1) - ... would lose ~log10(n) digits to cancellation. Tails are summed
 * from the requested point outwards, on the side away from the mode, as a sum of ratios relative
 * to the first term (so nothing underflows), and stop once the remainder, bounded by a geometric
 * series because the successive ratios decrease, is below 1e-17 of the sum. The opposite tail is
 * obtained as -expm1(log of the short tail), so no tail ever loses precision to 1 - x.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

#define LN_2PI	    1.837877066409345483560659472811 /* log(2 pi) */
#define LN_SQRT_2PI 0.918938533204672741780329736406 /* log(sqrt(2 pi)) */
#define TAIL_EPS    1e-17

static const struct stats_ci ci_nan = {NAN, NAN};

/* Stirling-formula error log(n!) - log(sqrt(2 pi n) (n/e)^n), n > 0 (Loader 2000) */
static double stirlerr(double n)
{
	const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680,
		     s4 = 1.0 / 1188;
	double nn;

	if (n <= 15.0)
		return lgamma(n + 1.0) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	nn = n * n;
	if (n > 500)
		return (s0 - s1 / nn) / n;
	if (n > 80)
		return (s0 - (s1 - s2 / nn) / nn) / n;
	if (n > 35)
		return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
	return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* deviance term x log(x/np) + np - x, accurate when x ~ np (Loader 2000) */
static double bd0(double x, double np)
{
	double ej, s, s1, v;
	int j;

	if (fabs(x - np) < 0.1 * (x + np)) {
		v = (x - np) / (x + np);
		s = (x - np) * v;
		ej = 2 * x * v;
		v = v * v;
		for (j = 1; j < 1000; j++) {
			ej *= v;
			s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

/* log P(X = x), X ~ Bin(n, p), q = 1 - p given separately for precision; 0 <= x <= n */
static double ldbinom(double x, double n, double p, double q)
{
	double lc, lf;

	if (p == 0)
		return x == 0 ? 0 : -INFINITY;
	if (q == 0)
		return x == n ? 0 : -INFINITY;
	if (x == 0)
		return n == 0 ? 0 : (p < 0.5 ? n * log1p(-p) : n * log(q));
	if (x == n)
		return q < 0.5 ? n * log1p(-q) : n * log(p);
	lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
	lf = LN_2PI + log(x / n * (n - x)); /* not log1p(-x/n): x/n near 1 loses digits */
	return lc - 0.5 * lf;
}

static int bad_prob(double p)
{
	return !(p >= 0 && p <= 1);
}

/*
 * Bounded cost. A tail is summed term by term for at most TERMS_MAX terms; a tail that has not
 * converged by then lies in a distribution so wide (sd > ~TERMS_MAX / 9) that its pmf is smooth
 * on the scale of one step, and the rest of it is the Euler-Maclaurin sum in midpoint form,
 *   sum_{x >= a} f(x) = int_{a-1/2}^{inf} f(t) dt + f'(a-1/2)/24 + O(f^(3)),
 * with the integral by 20-point Gauss-Legendre on panels of sd/2 until they no longer add to the
 * sum, and f' from the central difference of log f (relative error ~1/sd^4 < 1e-12). The cost is
 * then independent of n: at most TERMS_MAX terms and EM_PANELS panels.
 */
#define TERMS_MAX 4096
#define EM_PANELS 200

static const double gl20[10][2] = {
	{0.99312859918509492479, 0.017614007139152118312},
	{0.96397192727791379127, 0.040601429800386941331},
	{0.91223442825132590587, 0.06267204833410906357},
	{0.83911697182221882339, 0.083276741576704748725},
	{0.74633190646015079261, 0.10193011981724043504},
	{0.63605368072651502545, 0.11819453196151841731},
	{0.510867001950827098, 0.1316886384491766269},
	{0.37370608871541956067, 0.14209610931838205133},
	{0.22778585114164507808, 0.14917298647260374679},
	{0.076526521133497333755, 0.1527533871307258507},
};

/* a log-pmf extended to real x (Loader's form is), with its support [lo, hi] and sd */
struct lpmf {
	double (*f)(const struct lpmf *d, double x);
	double n, p, q; /* binomial */
	const void *h;	/* hypergeometric: struct hyper */
	double lo, hi, sd;
};

/* sum_{j >= 0} exp(lf(a + dir j) - l0): the tail from a, away from the mode (dir +1 or -1) */
static double em_tail(const struct lpmf *d, double a, int dir, double l0)
{
	double t0 = a - dir * 0.5, end = dir > 0 ? d->hi : d->lo, w = d->sd / 2, sum = 0;
	double la = d->f(d, a), lb = d->f(d, a - dir);

	for (int k = 0; k < EM_PANELS; k++) {
		double u0 = t0 + dir * w * k, u1 = u0 + dir * w, part = 0, mid, half;

		if (dir > 0 ? u0 >= end : u0 <= end)
			break;
		if (dir > 0 ? u1 > end : u1 < end)
			u1 = end;
		mid = (u0 + u1) / 2;
		half = fabs(u1 - u0) / 2;
		for (int i = 0; i < 10; i++)
			part += gl20[i][1] * (exp(d->f(d, mid - half * gl20[i][0]) - l0) +
					      exp(d->f(d, mid + half * gl20[i][0]) - l0));
		part *= half;
		sum += part;
		if (part <= TAIL_EPS * sum)
			break;
	}
	/* + f'(a - 1/2)/24, f' taken along dir: f(a - dir/2) (la - lb) per step */
	return sum + exp((la + lb) / 2 - l0) * (la - lb) / 24;
}

static double lpmf_binom(const struct lpmf *d, double x)
{
	return ldbinom(x, d->n, d->p, d->q);
}

/* log P(X <= k) summed downwards; requires k < (n+1)p so the ratios are < 1 and decreasing */
static double lbinom_down(uint64_t k, uint64_t n, double p, double q)
{
	double s = 1, t = 1, qp = q / p, r;
	uint64_t j;

	for (j = k; j > 0; j--) {
		r = (double)j / (double)(n - j + 1) * qp; /* pmf(j-1) / pmf(j) */
		t *= r;
		s += t;
		if (r < 1 && t * r <= TAIL_EPS * s * (1 - r))
			break;
		if (k - j + 1 >= TERMS_MAX && j > 1) { /* the rest, from j - 2 down: bounded cost */
			struct lpmf d = {lpmf_binom, (double)n, p,	   q,
					 NULL,	     0,		(double)n, sqrt((double)n * p * q)};

			s += em_tail(&d, (double)(j - 2), -1, ldbinom(k, n, p, q));
			break;
		}
	}
	return ldbinom(k, n, p, q) + log(s);
}

/* log P(X >= k) summed upwards; requires k > (n+1)p - 1 */
static double lbinom_up(uint64_t k, uint64_t n, double p, double q)
{
	double s = 1, t = 1, pq = p / q, r;
	uint64_t j;

	for (j = k; j < n; j++) {
		r = (double)(n - j) / (double)(j + 1) * pq; /* pmf(j+1) / pmf(j) */
		t *= r;
		s += t;
		if (r < 1 && t * r <= TAIL_EPS * s * (1 - r))
			break;
		if (j - k + 1 >= TERMS_MAX && j + 2 <= n) { /* the rest, from j + 2 up */
			struct lpmf d = {lpmf_binom, (double)n, p,	   q,
					 NULL,	     0,		(double)n, sqrt((double)n * p * q)};

			s += em_tail(&d, (double)(j + 2), +1, ldbinom(k, n, p, q));
			break;
		}
	}
	return ldbinom(k, n, p, q) + log(s);
}

double stats_binom_logpmf(uint64_t k, uint64_t n, double p)
{
	if (bad_prob(p))
		return NAN;
	if (k > n)
		return -INFINITY;
	return ldbinom(k, n, p, 1 - p);
}

double stats_binom_cdf(uint64_t k, uint64_t n, double p)
{
	double q = 1 - p;

	if (bad_prob(p))
		return NAN;
	if (k >= n || p == 0)
		return 1;
	if (p == 1)
		return 0;
	if ((double)k < ((double)n + 1) * p)
		return exp(lbinom_down(k, n, p, q));
	return -expm1(lbinom_up(k + 1, n, p, q));
}

double stats_binom_sf(uint64_t k, uint64_t n, double p)
{
	double q = 1 - p;

	if (bad_prob(p))
		return NAN;
	if (k == 0)
		return 1;
	if (k > n || p == 0)
		return 0;
	if (p == 1)
		return 1;
	if ((double)k > ((double)n + 1) * p - 1)
		return exp(lbinom_up(k, n, p, q));
	return -expm1(lbinom_down(k - 1, n, p, q));
}

struct stats_ci stats_wilson(uint64_t k, uint64_t n, double z)
{
	struct stats_ci ci, w;
	double dk = k, dn = n, z2 = z * z;

	if (n == 0 || k > n || !(z >= 0) || isinf(z))
		return ci_nan;
	if (2 * (double)k > dn) {
		/* mirror so the small root below never suffers cancellation */
		w = stats_wilson(n - k, n, z);
		ci.lo = 1 - w.hi;
		ci.hi = k == n ? 1 : 1 - w.lo;
		return ci;
	}
	ci.hi = (2 * dk + z2 + z * sqrt(z2 + 4 * dk * ((dn - dk) / dn))) / (2 * (dn + z2));
	/* the roots' product is k^2 / (n (n + z^2)) */
	ci.lo = k == 0 ? 0 : dk / dn * (dk / (dn + z2)) / ci.hi;
	return ci;
}

/* bisection to the last representable bit: the lower bound solves sf(k; n, p) = target (sf rises
 * with p), the upper bound cdf(k; n, p) = target (cdf falls with p) */
static double cp_bound(uint64_t k, uint64_t n, double target, bool upper)
{
	double lo = 0, hi = 1, mid;

	for (;;) {
		mid = 0.5 * (lo + hi);
		if (mid <= lo || mid >= hi)
			return mid;
		if (upper ? stats_binom_cdf(k, n, mid) > target
			  : stats_binom_sf(k, n, mid) < target)
			lo = mid;
		else
			hi = mid;
	}
}

struct stats_ci stats_clopper_pearson(uint64_t k, uint64_t n, double alpha)
{
	struct stats_ci ci;
	double a2 = alpha / 2;

	if (n == 0 || k > n || !(alpha > 0 && alpha < 1))
		return ci_nan;
	if (k == 0)
		ci.lo = 0;
	else if (k == n)
		ci.lo = exp(log(a2) / (double)n);
	else
		ci.lo = cp_bound(k, n, a2, false);
	if (k == n)
		ci.hi = 1;
	else if (k == 0)
		ci.hi = -expm1(log(a2) / (double)n);
	else
		ci.hi = cp_bound(k, n, a2, true);
	return ci;
}

double stats_zero_upper(uint64_t n, double alpha)
{
	if (n == 0 || !(alpha > 0 && alpha < 1))
		return NAN;
	return -expm1(log(alpha) / (double)n);
}

double stats_mcnemar_exact(uint64_t b, uint64_t c)
{
	uint64_t n = b + c, m = b < c ? b : c;
	double p;

	if (n == 0)
		return 1;
	p = 2 * stats_binom_cdf(m, n, 0.5);
	return p < 1 ? p : 1;
}

double stats_mcnemar_midp(uint64_t b, uint64_t c)
{
	uint64_t n = b + c, m = b < c ? b : c;
	double p;

	if (n == 0)
		return 1;
	/* 2 [P(X <= m) - P(X = m)/2] = 2 P(X <= m-1) + P(X = m): no cancellation */
	p = exp(stats_binom_logpmf(m, n, 0.5));
	if (m > 0)
		p += 2 * stats_binom_cdf(m - 1, n, 0.5);
	return p < 1 ? p : 1;
}

/* hypergeometric: N balls, K of them marked, draws d; x marked among the draws */
struct hyper {
	double N, K, d, p, q;
};

/* log P(K1 = x) as a ratio of binomial pmfs (Loader's dhyper, as in R) */
static double ldhyper(const struct hyper *h, double x)
{
	return ldbinom(x, h->K, h->p, h->q) + ldbinom(h->d - x, h->N - h->K, h->p, h->q) -
	       ldbinom(h->d, h->N, h->p, h->q);
}

static double lpmf_hyper(const struct lpmf *d, double x)
{
	return ldhyper(d->h, x);
}

double stats_fisher_greater(uint64_t k1, uint64_t n1, uint64_t k0, uint64_t n0)
{
	struct hyper h;
	struct lpmf d = {lpmf_hyper, 0, 0, 0, &h, 0, 0, 0};
	uint64_t N = n1 + n0, K = k1 + k0, x, xlo, xhi;
	double s = 1, t = 1, r, mode, dd;

	if (k1 > n1 || k0 > n0)
		return NAN;
	xlo = n1 > N - K ? n1 - (N - K) : 0;
	xhi = n1 < K ? n1 : K;
	if (k1 <= xlo)
		return 1; /* also every degenerate margin: N, K, n1 or n0 zero, or K == N */
	h.N = N;
	h.K = K;
	h.d = n1;
	h.p = (double)n1 / (double)N;
	h.q = (double)n0 / (double)N;
	dd = (double)(N - K) - (double)n1; /* may be negative; x + dd >= 0 on the support */
	mode = floor(((double)n1 + 1) * ((double)K + 1) / ((double)N + 2));
	d.lo = (double)xlo;
	d.hi = (double)xhi;
	d.sd = sqrt((double)n1 * ((double)K / (double)N) * ((double)(N - K) / (double)N) *
		    ((double)n0 / ((double)N - 1)));
	if ((double)k1 > mode) {
		for (x = k1; x < xhi; x++) {
			r = ((double)(K - x) * (double)(n1 - x)) /
			    ((double)(x + 1) * ((double)x + 1 + dd));
			t *= r;
			s += t;
			if (r < 1 && t * r <= TAIL_EPS * s * (1 - r))
				break;
			if (x - k1 + 1 >= TERMS_MAX && x + 2 <= xhi) { /* bounded cost */
				s += em_tail(&d, (double)(x + 2), +1, ldhyper(&h, k1));
				break;
			}
		}
		return exp(ldhyper(&h, k1) + log(s));
	}
	/* 1 - P(K1 <= k1 - 1), summed downwards from k1 - 1 > xlo - 1 */
	for (x = k1 - 1; x > xlo; x--) {
		r = ((double)x * ((double)x + dd)) / ((double)(K - x + 1) * (double)(n1 - x + 1));
		t *= r;
		s += t;
		if (r < 1 && t * r <= TAIL_EPS * s * (1 - r))
			break;
		if (k1 - x >= TERMS_MAX && x >= xlo + 2) {
			s += em_tail(&d, (double)(x - 2), -1, ldhyper(&h, k1 - 1));
			break;
		}
	}
	return -expm1(ldhyper(&h, k1 - 1) + log(s));
}

void stats_blocks_add(struct stats_blocks *b, uint64_t n, uint64_t k)
{
	if (n == 0)
		return;
	b->count++;
	b->n += n;
	b->k += k;
	b->sn2 += (double)n * (double)n;
	b->sk2 += (double)k * (double)k;
	b->skn += (double)k * (double)n;
}

void stats_blocks_close(struct stats_blocks *b, uint64_t n_total, uint64_t k_total)
{
	if (n_total < b->at_n || k_total < b->at_k)
		return;
	stats_blocks_add(b, n_total - b->at_n, k_total - b->at_k);
	b->at_n = n_total;
	b->at_k = k_total;
}

double stats_deff(const struct stats_blocks *b)
{
	double p, n, ss, v;

	if (b->k > b->n || !(b->sn2 >= 0 && b->sk2 >= 0 && b->skn >= 0))
		return NAN;
	if (b->count < 2 || b->k == 0 || b->k == b->n)
		return 1;
	n = (double)b->n;
	p = (double)b->k / n;
	ss = b->sk2 - 2 * p * b->skn + p * p * b->sn2; /* sum (k_b - p n_b)^2 */
	v = (double)b->count / (double)(b->count - 1) * fmax(ss, 0) / (n * n);
	return fmax(1, v / (p * (1 - p) / n));
}

static uint64_t deflate(uint64_t x, double deff)
{
	return deff > 1 ? (uint64_t)llround((double)x / deff) : x;
}

double stats_fisher_greater_deff(uint64_t k1, uint64_t n1, double deff1, uint64_t k0, uint64_t n0,
				 double deff0)
{
	uint64_t n1e = deflate(n1, deff1), n0e = deflate(n0, deff0);
	uint64_t k1e = deflate(k1, deff1), k0e = deflate(k0, deff0);

	if (k1 > n1 || k0 > n0)
		return NAN;
	return stats_fisher_greater(k1e < n1e ? k1e : n1e, n1e, k0e < n0e ? k0e : n0e, n0e);
}

struct holm_item {
	double p;
	size_t i;
};

/* ascending p, NaN last, ties by index */
static int holm_before(double pa, size_t ia, double pb, size_t ib)
{
	if (isnan(pa) || isnan(pb)) {
		if (isnan(pa) != isnan(pb))
			return isnan(pb);
		return ia < ib;
	}
	if (pa != pb)
		return pa < pb;
	return ia < ib;
}

static int holm_cmp(const void *a, const void *b)
{
	const struct holm_item *x = a, *y = b;

	if (x->i == y->i)
		return 0;
	return holm_before(x->p, x->i, y->p, y->i) ? -1 : 1;
}

void stats_holm(const double *p, size_t m, double *adj)
{
	struct holm_item *it;
	double run = 0, v;
	size_t i;

	if (m == 0)
		return;
	it = malloc(m * sizeof(*it));
	if (it) {
		for (i = 0; i < m; i++) {
			it[i].p = p[i];
			it[i].i = i;
		}
		qsort(it, m, sizeof(*it), holm_cmp);
		for (i = 0; i < m; i++) {
			if (isnan(it[i].p)) {
				adj[it[i].i] = NAN;
				continue;
			}
			v = (double)(m - i) * it[i].p;
			if (v > run)
				run = v;
			adj[it[i].i] = run < 1 ? run : 1;
		}
		free(it);
		return;
	}
	stats_holm_quadratic(p, m, adj);
}

void stats_holm_quadratic(const double *p, size_t m, double *adj)
{
	double v;
	size_t i, j, k, rj;

	/* from the definition: each p_j, scaled by its rank, pushed onto those it precedes */
	for (i = 0; i < m; i++)
		adj[i] = isnan(p[i]) ? NAN : 0;
	for (j = 0; j < m; j++) {
		if (isnan(p[j]))
			continue;
		for (rj = 0, k = 0; k < m; k++)
			rj += holm_before(p[k], k, p[j], j);
		v = (double)(m - rj) * p[j];
		v = v < 1 ? v : 1;
		for (i = 0; i < m; i++)
			if ((i == j || holm_before(p[j], j, p[i], i)) && v > adj[i])
				adj[i] = v;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int has_nan(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isnan(x[i]))
			return 1;
	return 0;
}

/* median of sorted x, n > 0 */
static double sorted_median(const double *x, size_t n)
{
	if (n % 2)
		return x[n / 2];
	return x[n / 2 - 1] + 0.5 * (x[n / 2] - x[n / 2 - 1]);
}

int stats_median_ci_ranks(size_t n, double alpha, size_t *l, size_t *u, double *coverage)
{
	size_t lo, hi, mid;
	double tail;
	int met;

	if (n == 0 || !(alpha > 0 && alpha < 1))
		return -EINVAL;
	/* largest l in [1, (n+1)/2] with 2 P(B <= l-1) <= alpha; the tail rises with l */
	tail = 2 * exp(stats_binom_logpmf(0, n, 0.5));
	met = tail <= alpha * (1 + 1e-12); /* tolerance: dyadic alphas hit 2^-n exactly */
	lo = 1;
	hi = (n + 1) / 2;
	while (met && lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (2 * stats_binom_cdf(mid - 1, n, 0.5) <= alpha * (1 + 1e-12))
			lo = mid;
		else
			hi = mid - 1;
	}
	if (l)
		*l = lo;
	if (u)
		*u = n + 1 - lo;
	if (coverage)
		*coverage = 1 - 2 * stats_binom_cdf(lo - 1, n, 0.5);
	return met;
}

int stats_median_ci(double *x, size_t n, double alpha, struct stats_median *out)
{
	size_t l, u;
	int met;

	if (!x || !out || n == 0 || has_nan(x, n))
		return -EINVAL;
	met = stats_median_ci_ranks(n, alpha, &l, &u, NULL);
	if (met < 0)
		return met;
	qsort(x, n, sizeof(*x), cmp_double);
	out->median = sorted_median(x, n);
	out->ci.lo = x[l - 1];
	out->ci.hi = x[u - 1];
	out->exact_coverage_met = met;
	return 0;
}

struct mw_item {
	double v;
	int first;
};

static int mw_cmp(const void *a, const void *b)
{
	const struct mw_item *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, double *u, double *p)
{
	struct mw_item *it;
	size_t n = nx + ny, i, j, k;
	double r1 = 0, ties = 0, t, rank, u1, umax, mu, s, z, pv;

	if (!x || !y || nx == 0 || ny == 0 || has_nan(x, nx) || has_nan(y, ny))
		return -EINVAL;
	it = malloc(n * sizeof(*it));
	if (!it)
		return -ENOMEM;
	for (i = 0; i < nx; i++)
		it[i] = (struct mw_item){x[i], 1};
	for (i = 0; i < ny; i++)
		it[nx + i] = (struct mw_item){y[i], 0};
	qsort(it, n, sizeof(*it), mw_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && it[j].v == it[i].v; j++)
			;
		t = (double)(j - i);
		rank = 0.5 * ((double)i + 1 + (double)j); /* midrank of 1-based ranks i+1..j */
		for (k = i; k < j; k++)
			if (it[k].first)
				r1 += rank;
		ties += t * t * t - t;
	}
	free(it);
	u1 = r1 - 0.5 * (double)nx * ((double)nx + 1);
	mu = 0.5 * (double)nx * (double)ny;
	umax = u1 > mu ? u1 : 2 * mu - u1;
	s = sqrt((double)nx * (double)ny / 12 *
		 (((double)n + 1) - ties / ((double)n * ((double)n - 1))));
	if (s > 0) {
		z = (umax - mu - 0.5) / s;
		pv = erfc(z / M_SQRT2); /* 2 * P(Z > z) */
		pv = pv < 1 ? pv : 1;
	} else {
		pv = 1; /* every value tied */
	}
	if (u)
		*u = u1;
	if (p)
		*p = pv;
	return 0;
}

int stats_cost_compare(const double *a, size_t na, const double *b, size_t nb, double alpha,
		       double noise_frac, double *ratio_median, double *p)
{
	double *tmp, ma, mb, ratio, pv;
	int ret;

	if (!a || !b || na == 0 || nb == 0 || !(alpha > 0 && alpha < 1) || !(noise_frac >= 0))
		return -EINVAL;
	ret = stats_mann_whitney(a, na, b, nb, NULL, &pv);
	if (ret < 0)
		return ret;
	tmp = malloc((na > nb ? na : nb) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, a, na * sizeof(*tmp));
	qsort(tmp, na, sizeof(*tmp), cmp_double);
	ma = sorted_median(tmp, na);
	memcpy(tmp, b, nb * sizeof(*tmp));
	qsort(tmp, nb, sizeof(*tmp), cmp_double);
	mb = sorted_median(tmp, nb);
	free(tmp);
	if (ma == 0)
		return -EDOM;
	ratio = mb / ma;
	if (ratio_median)
		*ratio_median = ratio;
	if (p)
		*p = pv;
	if (pv < alpha && fabs(ratio - 1) > noise_frac)
		return ratio > 1 ? 1 : -1;
	return 0;
}
