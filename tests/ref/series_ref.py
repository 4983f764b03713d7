"""Reference values for tests/unit/test_hampel.c, test_fill.c,
test_movstat.c, test_pettitt.c and test_seasonal.c.

Run: /usr/bin/python3 tests/ref/series_ref.py  (standard library only)

Each method is written out here from its definition (METHODS.md, and
Steffen 1990 for the spline), independently of src/stats.  The Pettitt
and seasonal results are compared with the published values of
METHODS.md, so that a disagreement would point at this script's reading
of the definitions before anyone copies its numbers.
"""
import csv
import math
import os
from statistics import median

REF = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                   "reference")


def hampel(y, k, t0):
    out = []
    for i in range(len(y)):
        if i < k or i + k >= len(y):
            out.append((False, None, None))
            continue
        w = y[i - k:i + k + 1]
        x0 = median(w)
        s0 = 1.4826 * median([abs(v - x0) for v in w])
        out.append((abs(y[i] - x0) > t0 * s0, x0, s0))
    return out


print("hampel, k 3, t0 3")
H = [10.0, 10.5, 11.0, 50.0, 11.2, 10.8, 11.5, 12.0, 11.9, -30.0, 12.3, 12.1,
     12.4, 12.2, 12.5]
for i, (flag, x0, s0) in enumerate(hampel(H, 3, 3.0)):
    print(f"  {i}: {flag} x0 {x0!r} s0 {s0!r}")


def steffen(xs, ys):
    """Steffen (1990): interior slopes eq. 11, ends 'simplest
    possibility' (sec. 2.2, y'_0 = s_0, y'_N = s_{N-1}), cubic Hermite."""
    n = len(xs)
    h = [xs[i + 1] - xs[i] for i in range(n - 1)]
    s = [(ys[i + 1] - ys[i]) / h[i] for i in range(n - 1)]
    d = [0.0] * n
    d[0], d[-1] = s[0], s[-1]
    for i in range(1, n - 1):
        p = (s[i - 1] * h[i] + s[i] * h[i - 1]) / (h[i - 1] + h[i])
        sgn = (math.copysign(1, s[i - 1]) if s[i - 1] else 0) + \
              (math.copysign(1, s[i]) if s[i] else 0)
        d[i] = sgn * min(abs(s[i - 1]), abs(s[i]), 0.5 * abs(p))

    def at(x):
        i = max(j for j in range(n - 1) if xs[j] <= x)
        hh = h[i]
        t = (x - xs[i]) / hh
        h00 = 2 * t ** 3 - 3 * t ** 2 + 1
        h10 = t ** 3 - 2 * t ** 2 + t
        h01 = -2 * t ** 3 + 3 * t ** 2
        h11 = t ** 3 - t ** 2
        return h00 * ys[i] + h10 * hh * d[i] + h01 * ys[i + 1] + h11 * hh * d[i + 1]
    return at


print("steffen fill")
FT = [2000, 2001, 2002, 2003, 2004, 2006, 2007, 2008, 2009, 2010]
FY = [1.0, 2.0, None, 8.0, None, None, 9.0, 9.5, None, 20.0]
obs = [(t, v) for t, v in zip(FT, FY) if v is not None]
f = steffen([t for t, _ in obs], [v for _, v in obs])
for t, v in zip(FT, FY):
    if v is None:
        print(f"  t {t}: {f(t)!r}")

print("moving mean and median, 2 before, 1 after")
M = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, float("nan"), 2.0, 6.0, 5.0, 3.0, 5.0]
for i in range(len(M)):
    w = M[i - 2:i + 2] if i >= 2 and i + 1 < len(M) else None
    if w is None or any(math.isnan(v) for v in w):
        print(f"  {i}: nan")
    else:
        print(f"  {i}: mean {sum(w) / 4!r} median {median(w)!r}")


def ranks(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    a = 0
    while a < len(x):
        b = a
        while b + 1 < len(x) and x[order[b + 1]] == x[order[a]]:
            b += 1
        for q in range(a, b + 1):
            r[order[q]] = (a + b) / 2 + 1
        a = b + 1
    return r


def pettitt(x):
    n = len(x)
    r = ranks(x)
    best, K, cum = -1, 0, 0.0
    for k in range(1, n + 1):
        cum += r[k - 1]
        u = abs(2 * cum - k * (n + 1))
        if u > best:
            best, K = u, k
    return best, K, min(1.0, 2 * math.exp(-6 * best ** 2 / (n ** 3 + n ** 2)))


with open(os.path.join(REF, "pages_pettitt1979.csv")) as fh:
    pages = [float(r["x"]) for r in csv.DictReader(fh)]
print("pettitt pages (METHODS: U* 232, K 17, p 0.01456):", pettitt(pages))
print("pettitt ties [1,1,2,2,2,7,7,7]:", pettitt([1, 1, 2, 2, 2, 7, 7, 7]))


def mk(x):
    n = len(x)
    s = sum((x[j] > x[k]) - (x[j] < x[k]) for k in range(n) for j in range(k + 1, n))
    groups = {}
    for v in x:
        groups[v] = groups.get(v, 0) + 1
    var = (n * (n - 1) * (2 * n + 5) -
           sum(t * (t - 1) * (2 * t + 5) for t in groups.values())) / 18
    return s, var


with open(os.path.join(REF, "nottem.csv")) as fh:
    nottem = [float(r["temp"]) for r in csv.DictReader(fh)]
S = V = 0
slopes = []
for season in range(12):
    x = nottem[season::12]
    s, v = mk(x)
    S += s
    V += v
    slopes += [(x[j] - x[k]) / (j - k) for k in range(len(x)) for j in range(k + 1, len(x))]
z = (S - math.copysign(1, S)) / math.sqrt(V)
p = math.erfc(abs(z) / math.sqrt(2))
print("seasonal MK nottem (METHODS: S 224, Var 11364, z 2.0919, p 0.03645):",
      S, V, z, p)
print("seasonal Sen nottem (METHODS: 0.05):", median(slopes), len(slopes))
