"""Reference values for tests/unit/test_holt.c.

Run: /usr/bin/python3 tests/ref/holt_ref.py

Independent of src/stats/holt.c: the recursion as METHODS.md writes it
(level/trend form, not error-correction form), the forecast variance by
METHODS.md's closed form (holt.c sums c_j^2 instead), the start states by
an explicit least-squares line.  At the end statsmodels' ETSModel, given
the same parameters and states, is asked for its fitted values and
forecast variances as a second opinion.
"""
from statistics import NormalDist

Y = [112.0, 118.5, 121.0, 130.2, 133.9, 141.0, 139.5, 148.8, 151.2, 149.9,
     157.3, 160.1, 158.4, 163.0, 166.2, 164.9, 169.8, 171.0, 170.2, 174.5,
     175.1, 173.9, 177.6, 178.0]


def start_states(y, m):
    xs = list(range(1, m + 1))
    xm = sum(xs) / m
    ym = sum(y[:m]) / m
    sxx = sum((x - xm) ** 2 for x in xs)
    sxy = sum((x - xm) * (v - ym) for x, v in zip(xs, y))
    b = sxy / sxx
    return ym - b * xm, b


def recursion(y, a, bstar, phi, l0, b0):
    l, b, sse = l0, b0, 0.0
    for v in y:
        f = l + phi * b
        sse += (v - f) ** 2
        ln = a * v + (1 - a) * (l + phi * b)
        b = bstar * (ln - l) + (1 - bstar) * phi * b
        l = ln
    return sse, l, b


def variance(s2, a, bstar, phi, h):
    beta = a * bstar
    return s2 * (1 + a * a * (h - 1)
                 + beta * phi * h / (1 - phi) ** 2 * (2 * a * (1 - phi) + beta * phi)
                 - beta * phi * (1 - phi ** h) / ((1 - phi) ** 2 * (1 - phi * phi))
                 * (2 * a * (1 - phi * phi) + beta * phi * (1 + 2 * phi - phi ** h)))


def case(name, a, bstar, phi, l0=None, b0=None):
    if l0 is None:
        l0, b0 = start_states(Y, 10)
    n = len(Y)
    sse, lT, bT = recursion(Y, a, bstar, phi, l0, b0)
    s2 = sse / n
    print(f"{name}: alpha {a} beta* {bstar} phi {phi}")
    print(f"  level0 {l0!r} trend0 {b0!r}")
    print(f"  sse {sse!r} level {lT!r} trend {bT!r} s2 {s2!r}")
    z80, z95 = NormalDist().inv_cdf(0.9), NormalDist().inv_cdf(0.975)
    for h in (1, 2, 3, 5, 12):
        mean = lT + sum(phi ** i for i in range(1, h + 1)) * bT
        v = variance(s2, a, bstar, phi, h)
        print(f"  h {h}: mean {mean!r} var {v!r} lo80 {mean - z80 * v ** 0.5!r} "
              f"hi95 {mean + z95 * v ** 0.5!r}")
    return l0, b0, sse, s2


l0, b0, sse, s2 = case("A", 0.5, 0.3, 0.9)
case("B", 0.8, 0.05, 0.98, 110.0, 5.0)
print("start SSE (alpha 0.2, beta* 0.1, phi 0.9, regression start):",
      repr(recursion(Y, 0.2, 0.1, 0.9, l0, b0)[0]))

try:
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    model = ETSModel(pd.Series(Y), error="add", trend="add", damped_trend=True,
                     initialization_method="known", initial_level=l0,
                     initial_trend=b0)
    res = model.smooth([0.5, 0.5 * 0.3, 0.9], return_raw=False)
    print("statsmodels: sse", float(np.sum(res.resid ** 2)))
    fc = res.get_prediction(start=len(Y), end=len(Y) + 11)
    # statsmodels' sigma2 is also SSE / n (res.mse)
    print("statsmodels: s2", float(res.mse))
    print("statsmodels: mean h=1,2,3,5,12",
          [float(fc.predicted_mean.iloc[h - 1]) for h in (1, 2, 3, 5, 12)])
    print("statsmodels: var  h=1,2,3,5,12",
          [float(np.asarray(fc.var_pred_mean)[h - 1]) for h in (1, 2, 3, 5, 12)])
except Exception as e:  # the second opinion is optional
    print("statsmodels check skipped:", e)
