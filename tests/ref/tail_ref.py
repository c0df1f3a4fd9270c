#!/usr/bin/env python3
# Reference values for the bounded-cost tails (tests/test_stats.c, [MP]): term-by-term sums in
# 30-digit arithmetic (mpmath 1.3.0), independent of bench/stats.c. Takes a few minutes.
import mpmath as m
m.mp.dps = 30
def lhyp(x, n1, n0, K):
    N = n1 + n0
    return (m.loggamma(K+1)-m.loggamma(x+1)-m.loggamma(K-x+1) + m.loggamma(N-K+1)-m.loggamma(n1-x+1)-m.loggamma(N-K-n1+x+1) - (m.loggamma(N+1)-m.loggamma(n1+1)-m.loggamma(n0+1)))
def fisher_greater(k1,n1,k0,n0):
    K=k1+k0; xhi=min(n1,K)
    t=m.exp(lhyp(k1,n1,n0,K)); s=t; x=k1
    while x<xhi:
        t*= m.mpf(K-x)*(n1-x)/((x+1)*(n0-K+x+1)); s+=t; x+=1
        if t < s*m.mpf(10)**-25: break
    return s
def binom_cdf(k,n,p):
    p=m.mpf(p); t=m.exp(m.loggamma(n+1)-m.loggamma(k+1)-m.loggamma(n-k+1)+k*m.log(p)+(n-k)*m.log(1-p)); s=t; j=k
    while j>0:
        t*= m.mpf(j)/(n-j+1)*(1-p)/p; s+=t; j-=1
        if t < s*m.mpf(10)**-25: break
    return s
print(m.nstr(fisher_greater(50000000,100000000,49990000,100000000),17))
print(m.nstr(fisher_greater(5000000,10000000,4995000,10000000),17))
print(m.nstr(binom_cdf(49990000,100000000,0.5),17))
print(m.nstr(fisher_greater(2**39+300000, 2**40, 2**39, 2**40),17))
