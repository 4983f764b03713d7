#!/usr/bin/python3
"""peer_pandas.py: the pandas/numpy/h5py peer for bench/run.sh.

Does the work silkstat does, the way an experienced analyst would with the
scientific Python stack, so the two timings can be compared:

  peer_pandas.py ingest FILE.csv OUT.h5
      read_csv of the tidy file, then per indicator: factorise the axes
      (sorted codes, chronological periods), reject duplicate keys, scatter
      the values and flag bitmasks into dense [origin][destination][period]
      arrays (NaN = missing) and write them with h5py using silkstat's
      storage settings (chunks of one origin x <=64 destinations x all
      periods, shuffle + gzip 1 + fletcher32, as src/store/commit.c).
  peer_pandas.py ingest-unhcr FILE.csv OUT.h5
      the same for a UNHCR population-type table (year, coo_name, coo,
      coo_iso, coa_name, coa, coa_iso, count columns): origin coo_iso,
      destination coa_iso (UNHCR's code where the ISO one is empty), period
      year, one cube per count column on the table's axes, '*' = missing
      with the redacted flag, empty = missing.
  peer_pandas.py trend OUT.h5 OUT.csv
      read every indicator back and, for every series with >= 3 values:
      OLS slope/se/p (vectorised over series), Mann-Kendall S, Var(S) with
      the tie correction, z and p, and Sen's slope with its 95% interval
      and intercept (vectorised over blocks of series through the pairwise
      difference tensor y[j] - y[i]); writes one CSV row per series.

The last line on stdout is "rows N" or "series N".  Needs pandas, numpy and
h5py (Debian's /usr/bin/python3); scipy is not assumed (the t and normal
tail probabilities are computed here).
"""

import math
import sys

import h5py
import numpy as np
import pandas as pd

FLAG_BITS = {chr(ord("a") + i): 1 << i for i in range(26)}
FLAG_BITS["*"] = 1 << 26


def flag_mask(text):
    mask = 0
    for ch in text:
        mask |= FLAG_BITS[ch]  # KeyError = a bad flag, as silkstat rejects it
    return mask


def period_ordinal(label):
    if len(label) == 4:
        return int(label)
    if len(label) == 7 and label[4] == "-":
        return int(label[:4]) * 12 + int(label[5:]) - 1
    raise ValueError("bad period '%s'" % label)


GZIP_LEVEL = 1  # silkstat's DEFLATE_LEVEL (src/store/commit.c)


def write_cube(top, name, origins, dests, periods, value, flags, unit, source):
    g = top.create_group(str(name))
    g.attrs["unit"] = unit
    g.attrs["source"] = source
    g["origin"] = np.array(origins, dtype="S3")
    g["destination"] = np.array(dests, dtype="S3")
    g["period"] = np.array([period_ordinal(p) for p in periods], dtype=np.int64)
    g["period_label"] = np.array(periods, dtype="S7")
    shape = value.shape
    chunks = (1, max(1, min(shape[1], 64)), max(1, shape[2]))
    for dname, data, fill in (("value", value, np.nan), ("flags", flags, 0)):
        g.create_dataset(dname, data=data, chunks=chunks, shuffle=True,
                         compression="gzip", compression_opts=GZIP_LEVEL,
                         fletcher32=True, fillvalue=fill)


UNHCR_KEYS = ["year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso"]


def ingest_unhcr(csv_path, h5_path):
    df = pd.read_csv(csv_path, dtype={k: "category" for k in UNHCR_KEYS[1:]},
                     keep_default_na=False, na_values=[""])
    counts = [c for c in df.columns if c not in UNHCR_KEYS]
    # origin/destination: the ISO column, UNHCR's code where it is empty
    origin = df["coo_iso"].astype(str).where(df["coo_iso"].astype(str) != "",
                                             df["coo"].astype(str))
    dest = df["coa_iso"].astype(str).where(df["coa_iso"].astype(str) != "",
                                           df["coa"].astype(str))
    year = df["year"].astype(str)
    if pd.DataFrame({"o": origin, "d": dest, "y": year}).duplicated().any():
        raise SystemExit("duplicate key (origin, destination, year)")
    oi, origins = pd.factorize(origin, sort=True)
    di, dests = pd.factorize(dest, sort=True)
    pi, periods = pd.factorize(year, sort=True)
    shape = (len(origins), len(dests), len(periods))
    with h5py.File(h5_path, "w") as h5:
        top = h5.create_group("indicators")
        for name in counts:
            col = df[name]
            flags = np.zeros(shape, dtype=np.uint32)
            if col.dtype == object:  # '*' (redacted) somewhere
                star = (col == "*").to_numpy()
                col = pd.to_numeric(col.where(~star))
                flags[oi[star], di[star], pi[star]] = 1 << 26
            value = np.full(shape, np.nan)
            value[oi, di, pi] = col.to_numpy(dtype=float)
            write_cube(top, name, origins, dests, list(periods), value, flags,
                       "persons",
                       "UNHCR Refugee Population Statistics Database (CC BY 4.0)")
    print("rows %d" % len(df))


def ingest(csv_path, h5_path):
    df = pd.read_csv(
        csv_path,
        dtype={"indicator": "category", "origin": "category",
               "destination": "category", "period": "category",
               "flag": "category", "unit": "category", "source": "category"},
        keep_default_na=False, na_values={"value": [""]})
    with h5py.File(h5_path, "w") as h5:
        top = h5.create_group("indicators")
        for name, part in df.groupby("indicator", observed=True, sort=True):
            if part.duplicated(["origin", "destination", "period"]).any():
                raise SystemExit("duplicate key in indicator '%s'" % name)
            oi, origins = pd.factorize(part["origin"].astype(str), sort=True)
            di, dests = pd.factorize(part["destination"].astype(str), sort=True)
            pi, periods = pd.factorize(part["period"].astype(str), sort=True)
            shape = (len(origins), len(dests), len(periods))
            value = np.full(shape, np.nan)
            value[oi, di, pi] = part["value"].to_numpy(dtype=float)
            fi, flag_texts = pd.factorize(part["flag"].astype(str))
            masks = np.array([flag_mask(t) for t in flag_texts], dtype=np.uint32)
            flags = np.zeros(shape, dtype=np.uint32)
            flags[oi, di, pi] = masks[fi]
            write_cube(top, name, origins, dests, list(periods), value, flags,
                       str(part["unit"].iloc[0]), str(part["source"].iloc[0]))
    print("rows %d" % len(df))


# --- tail probabilities without scipy ---------------------------------------

_lgamma = np.frompyfunc(math.lgamma, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _betacf(a, b, x, iters=300):
    """Continued fraction of the incomplete beta (modified Lentz), vectorised."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, iters + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h *= delta
        if np.all(np.abs(delta - 1.0) < 3e-16):
            break
    return h


def betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b), elementwise."""
    x = np.clip(x, 0.0, 1.0)
    lbeta = (_lgamma(a + b) - _lgamma(a) - _lgamma(b)).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        front = np.exp(lbeta + a * np.log(x) + b * np.log1p(-x))
        direct = x < (a + 1.0) / (a + b + 2.0)
        xs = np.where(direct, x, 1.0 - x)
        aa = np.where(direct, a, b)
        bb = np.where(direct, b, a)
        cf = _betacf(aa, bb, xs)
        res = np.where(direct, front * cf / a, 1.0 - front * cf / b)
    res = np.where(x == 0.0, 0.0, np.where(x == 1.0, 1.0, res))
    return res


def t_two_sided(t, df):
    """P(|T| > |t|) for Student's t with df degrees of freedom."""
    df = df.astype(float)
    return betainc(df / 2.0, np.full_like(df, 0.5), df / (df + t * t))


def norm_two_sided(z):
    return _erfc(np.abs(z) / math.sqrt(2.0)).astype(float)


# --- trend ------------------------------------------------------------------

def ols(t, Y):
    M = np.isfinite(Y)
    Yz = np.where(M, Y, 0.0)
    n = M.sum(1).astype(float)
    T = np.broadcast_to(t, Y.shape)
    tm = (T * M).sum(1) / n
    ym = Yz.sum(1) / n
    dt = np.where(M, T - tm[:, None], 0.0)
    sxx = (dt * dt).sum(1)
    sxy = (dt * (Yz - ym[:, None])).sum(1)
    slope = sxy / sxx
    intercept = ym - slope * tm
    resid = np.where(M, Yz - intercept[:, None] - slope[:, None] * T, 0.0)
    sse = (resid * resid).sum(1)
    df = n - 2
    slope_se = np.sqrt(sse / df / sxx)
    with np.errstate(divide="ignore", invalid="ignore"):
        tstat = slope / slope_se
        p = t_two_sided(np.where(slope_se > 0, tstat, 0.0), df)
    # A perfectly straight series: se 0, p 0 unless the slope is 0 too.
    p = np.where(slope_se > 0, p, np.where(slope != 0, 0.0, 1.0))
    return slope, slope_se, p, intercept


def mk_sen(t, Y, alpha=0.05):
    """Mann-Kendall and Sen for a block of series (rows of Y, NaN = missing)."""
    B, T = Y.shape
    D = Y[:, None, :] - Y[:, :, None]          # D[b, i, j] = y_j - y_i
    upper = np.triu(np.ones((T, T), dtype=bool), 1)
    sgn = np.sign(D)
    S = np.nansum(np.where(upper, sgn, np.nan), axis=(1, 2))
    finite = np.isfinite(Y)
    n = finite.sum(1).astype(float)
    # Tie correction: an element in a tie group of size g sees g equal
    # values (itself included), so sum_groups g(g-1)(2g+5) equals
    # sum_elements (c-1)(2c+5) with c the count of equal values.
    c = (D == 0).sum(2).astype(float)
    ties = np.where(finite, (c - 1) * (2 * c + 5), 0.0).sum(1)
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var_s > 0, (S - np.sign(S)) / np.sqrt(var_s), 0.0)
    p = norm_two_sided(z)
    tau = S / (n * (n - 1) / 2.0)
    # Sen: sorted pairwise slopes (NaN sorts last).
    dt = t[None, :] - t[:, None]
    slopes = np.where(upper, D / np.where(upper, dt, 1.0), np.nan)
    slopes = np.sort(slopes.reshape(B, T * T), axis=1)
    N = np.isfinite(slopes).sum(1)
    lo_i = np.maximum((N - 1) // 2, 0)
    hi_i = np.maximum(N // 2, 0)
    med = 0.5 * (np.take_along_axis(slopes, lo_i[:, None], 1)[:, 0] +
                 np.take_along_axis(slopes, hi_i[:, None], 1)[:, 0])
    C = 1.959963984540054 * np.sqrt(np.maximum(var_s, 0.0))
    m1 = np.clip(np.round((N - C) / 2.0).astype(int) - 1, 0, np.maximum(N - 1, 0))
    m2 = np.clip(np.round((N + C) / 2.0 + 1).astype(int) - 1, 0, np.maximum(N - 1, 0))
    ci_lo = np.take_along_axis(slopes, m1[:, None], 1)[:, 0]
    ci_hi = np.take_along_axis(slopes, m2[:, None], 1)[:, 0]
    intercept = np.nanmedian(Y - med[:, None] * t[None, :], axis=1)
    return S, var_s, z, p, tau, med, ci_lo, ci_hi, intercept


def trend(h5_path, out_csv):
    frames = []
    with h5py.File(h5_path, "r") as h5:
        for name in sorted(h5["indicators"]):
            g = h5["indicators"][name]
            value = g["value"][...]
            origins = g["origin"][...].astype(str)
            dests = g["destination"][...].astype(str)
            t = g["period"][...].astype(float)
            no, nd, T = value.shape
            Y = value.reshape(no * nd, T)
            keep = np.isfinite(Y).sum(1) >= 3
            idx = np.nonzero(keep)[0]
            Y = Y[idx]
            if len(idx) == 0:
                continue
            slope, se, p, icpt = ols(t, Y)
            block = max(1, int(4e6 // (T * T)))
            parts = [mk_sen(t, Y[s:s + block]) for s in range(0, len(idx), block)]
            mk = [np.concatenate([pt[k] for pt in parts]) for k in range(9)]
            frames.append(pd.DataFrame({
                "indicator": name,
                "origin": origins[idx // nd], "destination": dests[idx % nd],
                "n": np.isfinite(Y).sum(1),
                "ols_slope": slope, "ols_se": se, "ols_p": p, "ols_intercept": icpt,
                "mk_s": mk[0], "mk_var_s": mk[1], "mk_z": mk[2], "mk_p": mk[3],
                "mk_tau": mk[4], "sen_slope": mk[5], "sen_lo": mk[6],
                "sen_hi": mk[7], "sen_intercept": mk[8]}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out.to_csv(out_csv, index=False, float_format="%.10g")
    print("series %d" % len(out))


def compare(silk_csv, peer_csv):
    """Prints how far silkstat's trend output is from ours (sanity check)."""
    key = ["indicator", "origin", "destination"]
    text = {"first": str, "last": str, "origin": str, "destination": str}
    a = pd.read_csv(silk_csv, keep_default_na=False, dtype=text, low_memory=False)
    b = pd.read_csv(peer_csv, keep_default_na=False, dtype=text, low_memory=False)
    m = a.merge(b, on=key, suffixes=("_silk", "_peer"))
    print("agreement silkstat vs pandas: %d series in both, %d only silkstat, "
          "%d only pandas" % (len(m), len(a) - len(m), len(b) - len(m)))
    pairs = [("n", "n"), ("ols_slope", "ols_slope"), ("ols_se", "ols_se"),
             ("ols_p", "ols_p"), ("mk_s", "mk_s"), ("mk_var_s", "mk_var_s"),
             ("mk_p", "mk_p"), ("sen_slope", "sen_slope"),
             ("sen_ci_low", "sen_lo"), ("sen_ci_high", "sen_hi")]
    parts = []
    for sc, pc in pairs:
        cs = sc + "_silk" if sc == pc else sc
        cp = pc + "_peer" if sc == pc else pc
        if cs not in m or cp not in m:
            continue
        x = pd.to_numeric(m[cs], errors="coerce").to_numpy(float)
        y = pd.to_numeric(m[cp], errors="coerce").to_numpy(float)
        if sc.endswith("_p"):
            rel = np.abs(x - y)  # p-values: absolute difference
        elif "slope" in sc or "_ci_" in sc:
            # Relative to the slope's size or, for slopes near 0 (where
            # rounding leaves 1e-17 against 0), to its standard error.
            se = m["ols_se_peer"].to_numpy(float)
            rel = np.abs(x - y) / np.maximum(np.maximum(np.abs(y), se), 1e-12)
        else:
            rel = np.abs(x - y) / np.maximum(np.abs(y), 1e-12)
        off = np.sum(rel > 1e-6)
        parts.append("%s %s%s" % (sc, "max diff %.1e" % np.nanmax(rel) if len(rel) else "-",
                                  " (%d off)" % off if off else ""))
    print("  " + "; ".join(parts))


def main(argv):
    if len(argv) == 4 and argv[1] == "compare":
        compare(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "ingest":
        ingest(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "ingest-unhcr":
        ingest_unhcr(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "trend":
        trend(argv[2], argv[3])
    else:
        print("usage: peer_pandas.py ingest FILE.csv OUT.h5 | ingest-unhcr FILE.csv OUT.h5 | "
              "trend OUT.h5 OUT.csv",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
