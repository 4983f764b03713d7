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
  peer_pandas.py trend ARRAYS.h5 OUT.csv|OUT.h5
      read every indicator back and, for every series with >= 3 values,
      silkstat's trend columns: OLS (slope, se, 95% interval, r2, p,
      intercept, residual sd; vectorised over all series), Mann-Kendall
      (S, Var(S) with the tie correction, z, p, tau-b) and Sen's slope with
      its 95% interval and intercept, vectorised over blocks of series
      with the same number of values through the pairwise differences
      y[j] - y[i] (i < j); Sen's ranks from one np.partition and a sort of
      the slopes between the interval's ranks.  Writes one row per series:
      to_csv (floats exact), or for .h5 a table results/all as silkstat's
      --save writes it (h5py, the same filters).  Prints the time of each
      phase.
  peer_pandas.py compare SILK PEER
      silkstat's trend results (its CSV, or a store after --save all)
      against ours (CSV or .h5), series by series: how many differ by more
      than 1e-9 relative in n, OLS slope, MK S and Var(S), Sen's slope and
      interval, and the largest difference in every column.
  peer_pandas.py holt ARRAYS.h5 INDICATORS ORIGINS|'*' OUT.csv
      statsmodels' ExponentialSmoothing(trend="add", damped_trend=True),
      default fit, on every series of the selection with >= 4 values (gaps
      closed up, as silkstat's holt), one series after the other.
  peer_pandas.py holt-compare SILK.csv PEER.csv
      silkstat's holt columns against those fits: one-step SSE and the
      next-period forecast.

The last line on stdout is "rows N" or "series N".  Needs pandas, numpy and
h5py (Debian's /usr/bin/python3); trend also scipy (scipy.special for the t
and normal tails and quantiles), holt statsmodels.  No numba or C
extensions beyond what these packages ship: the stack as an analyst has it.
"""

import sys
import time

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


# --- trend ------------------------------------------------------------------
#
# What silkstat computes per series (src/stats/trend.c), column for column:
# OLS with Student's t interval and p, Mann-Kendall with the tie-corrected
# Var(S), the continuity-corrected z, its two-sided p and tau-b, Sen's
# slope with the Hipel-McLeod interval (ranks rounded half to even, as R
# and silkstat) and the intercept median(y - slope t).  Everything is
# vectorised: over all series of an indicator for OLS, over blocks of
# series for MK and Sen, whose work is per pair.  scipy.special gives the
# t and normal tails and quantiles.

TREND_TEXT = ["indicator", "origin", "destination"]
TREND_NUMBERS = ["ols_slope", "ols_se", "ols_ci_low", "ols_ci_high", "ols_r2",
                 "ols_p", "ols_intercept", "ols_resid_sd",
                 "mk_s", "mk_var_s", "mk_z", "mk_p", "mk_tau",
                 "sen_slope", "sen_ci_low", "sen_ci_high", "sen_intercept"]
PAIRS_PER_BLOCK = 1 << 22  # elements of one block's pair arrays (32 MiB)


def ols(t, Y):
    """OLS of every row of Y (NaN = missing) on t."""
    from scipy import special
    M = np.isfinite(Y)
    n = M.sum(1).astype(float)
    tm = np.where(M, t, 0.0).sum(1) / n
    ym = np.where(M, Y, 0.0).sum(1) / n
    dt = np.where(M, t - tm[:, None], 0.0)
    dy = np.where(M, Y - ym[:, None], 0.0)
    stt = (dt * dt).sum(1)
    syy = (dy * dy).sum(1)
    slope = (dt * dy).sum(1) / stt
    e = dy - slope[:, None] * dt
    sse = (e * e).sum(1)
    df = n - 2.0
    s2 = sse / df
    se = np.sqrt(s2 / stt)
    tcrit = special.stdtrit(df, 0.975)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.minimum(1.0, 2.0 * special.stdtr(df, -np.abs(slope / se)))
        r2 = np.where(syy > 0, np.maximum(0.0, 1.0 - sse / syy), 0.0)
    # An exact fit: se 0, p 0 unless the slope is 0 too (as silkstat).
    p = np.where(se > 0, p, np.where(slope != 0, 0.0, 1.0))
    return {"ols_slope": slope, "ols_se": se,
            "ols_ci_low": slope - tcrit * se, "ols_ci_high": slope + tcrit * se,
            "ols_r2": r2, "ols_p": p, "ols_intercept": ym - slope * tm,
            "ols_resid_sd": np.sqrt(s2)}


_PAIRS = {}


def pairs(T):
    """The index pairs i < j of T values (cached by T)."""
    if T not in _PAIRS:
        _PAIRS[T] = np.triu_indices(T, 1)
    return _PAIRS[T]


def mk_sen(t, Y, zq):
    """Mann-Kendall and Sen for a block of series with the same number of
    values (rows of Y, NaN = missing, trimmed to the block's span)."""
    from scipy import special
    first, second = pairs(Y.shape[1])
    D = Y[:, second] - Y[:, first]          # y_j - y_i per pair, NaN = missing
    fin = np.isfinite(Y)
    n = fin.sum(1).astype(float)
    n0 = n * (n - 1) / 2                    # the pairs of observed values
    S = (D > 0).sum(1) - (D < 0).sum(1).astype(float)
    tied = (D == 0).sum(1)
    # Var(S) with ties: sum over tie groups of g(g-1)(2g+5) = the sum over
    # values of (g-1)(2g+5), g = how many values equal it (itself too).
    g = (Y[:, :, None] == Y[:, None, :]).sum(2)
    ties = np.where(fin, (g - 1) * (2 * g + 5), 0).sum(1)
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((S != 0) & (var_s > 0), (S - np.sign(S)) / np.sqrt(var_s), 0.0)
        tau = np.where(n0 - tied > 0, S / (np.sqrt(n0 - tied) * np.sqrt(n0)), 0.0)
    p = np.minimum(1.0, 2.0 * special.ndtr(-np.abs(z)))
    # Sen: the median and the interval's two ranks of the N pairwise
    # slopes.  Every row has the same N, so one np.partition puts the
    # lowest and highest wanted rank of the block in place (missing pairs
    # as +inf, last), and only the slopes between them are sorted.
    slopes = D / (t[second] - t[first])
    slopes[np.isnan(slopes)] = np.inf
    N = int(n0[0])
    C = np.where(var_s > 0, zq * np.sqrt(np.maximum(var_s, 0.0)), 0.0)
    lo = np.clip(np.round((N - C) / 2.0), 1, N).astype(np.int64) - 1
    hi = np.clip(np.round((N + C) / 2.0 + 1.0), 1, N).astype(np.int64) - 1
    kmin = min(int(lo.min()), (N - 1) // 2)
    kmax = max(int(hi.max()), N // 2)
    window = np.partition(slopes, [kmin, kmax], axis=1)[:, kmin:kmax + 1]
    window.sort(axis=1)

    def at(k):
        k = np.broadcast_to(np.asarray(k) - kmin, (len(Y),))
        return np.take_along_axis(window, k[:, None], 1)[:, 0]

    lower, upper = at((N - 1) // 2), at(N // 2)
    med = (lower if N % 2 == 1 else (lower + upper) / 2.0) + 0.0
    intercept = np.nanmedian(Y - med[:, None] * t[None, :], axis=1) + 0.0
    return {"mk_s": S, "mk_var_s": var_s, "mk_z": z, "mk_p": p, "mk_tau": tau,
            "sen_slope": med, "sen_ci_low": at(lo) + 0.0,
            "sen_ci_high": at(hi) + 0.0, "sen_intercept": intercept}


def mk_sen_all(t, Y, fin, zq):
    """mk_sen over every row of Y: rows grouped by their number of values,
    each group in blocks of about PAIRS_PER_BLOCK pair slots, each block
    cut to the periods its rows span (late starters need fewer pairs)."""
    n = fin.sum(1)
    start = fin.argmax(1)
    end = Y.shape[1] - fin[:, ::-1].argmax(1)
    order = np.argsort(n, kind="stable")
    bounds = np.flatnonzero(np.diff(n[order])) + 1
    out = {}
    for rows in np.split(order, bounds):
        # within a group, blocks of rows with similar spans
        rows = rows[np.argsort(start[rows], kind="stable")]
        s0, e0 = start[rows].min(), end[rows].max()
        P = (e0 - s0) * (e0 - s0 - 1) // 2
        block = max(1, PAIRS_PER_BLOCK // max(P, 1))
        for b in range(0, len(rows), block):
            r = rows[b:b + block]
            s, e = start[r].min(), end[r].max()
            res = mk_sen(t[s:e], Y[r, s:e], zq)
            for k, v in res.items():
                if k not in out:
                    out[k] = np.empty(len(Y))
                out[k][r] = v
    return out


def write_table(path, name, df):
    """df as the result table results/NAME of a new HDF5 file, one dataset a
    column with silkstat's settings (src/store/table_h5.c): float64 in
    chunks of up to 65536 rows, shuffle + gzip 1 + fletcher32; text as
    variable-length UTF-8."""
    with h5py.File(path, "w") as h5:
        g = h5.create_group("results").create_group(name)
        chunk = (max(1, min(len(df), 65536)),)
        for col in df.columns:
            data = df[col].to_numpy()
            if data.dtype == object:
                g.create_dataset(col, data=data.astype(str).astype(object),
                                 dtype=h5py.string_dtype())
            else:
                g.create_dataset(col, data=data.astype(float), chunks=chunk,
                                 shuffle=True, compression="gzip",
                                 compression_opts=GZIP_LEVEL, fletcher32=True)


def read_table(path):
    """A trend table as a DataFrame: a CSV (silkstat's text output or
    ours), or an HDF5 file's results/all (a silkstat store after --save
    all, or write_table's)."""
    if path.endswith(".h5"):
        with h5py.File(path, "r") as h5:
            names = list(h5["results"])
            g = h5["results"]["all" if "all" in names else names[0]]
            data = {}
            for col in g:
                if col == "row":
                    continue
                d = g[col]
                data[col] = d.asstr()[...] if d.dtype == object else d[...]
            return pd.DataFrame(data)
    text = {k: str for k in TREND_TEXT + ["first", "last"]}
    # round_trip: pandas' default parser is not correctly rounded (off by
    # up to a few units in the last place); silkstat prints 17 digits.
    df = pd.read_csv(path, keep_default_na=False, dtype=text, low_memory=False,
                     float_precision="round_trip")
    for col in df.columns:
        if col not in text:
            df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def trend(h5_path, out_path):
    from scipy import special
    zq = special.ndtri(0.975)
    clock = dict.fromkeys(["read", "ols", "mk+sen", "frame", "write"], 0.0)
    frames = []
    with h5py.File(h5_path, "r") as h5:
        for name in sorted(h5["indicators"]):
            c0 = time.perf_counter()
            g = h5["indicators"][name]
            value = g["value"][...]
            origins = g["origin"][...].astype(str)
            dests = g["destination"][...].astype(str)
            labels = g["period_label"][...].astype(str)
            t = g["period"][...].astype(float)
            c1 = time.perf_counter()
            no, nd, T = value.shape
            Y = value.reshape(no * nd, T)
            fin = np.isfinite(Y)
            idx = np.flatnonzero(fin.sum(1) >= 3)
            if len(idx) == 0:
                clock["read"] += c1 - c0
                continue
            Y, fin = Y[idx], fin[idx]
            cols = ols(t, Y)
            c2 = time.perf_counter()
            cols.update(mk_sen_all(t, Y, fin, zq))
            c3 = time.perf_counter()
            frame = pd.DataFrame({
                "indicator": name,
                "origin": origins[idx // nd], "destination": dests[idx % nd],
                "segment": 1, "n": fin.sum(1),
                "first": labels[fin.argmax(1)],
                "last": labels[T - 1 - fin[:, ::-1].argmax(1)]})
            for k in TREND_NUMBERS:
                frame[k] = cols[k]
            frames.append(frame)
            c4 = time.perf_counter()
            clock["read"] += c1 - c0
            clock["ols"] += c2 - c1
            clock["mk+sen"] += c3 - c2
            clock["frame"] += c4 - c3
    c0 = time.perf_counter()
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out_path.endswith(".h5"):
        write_table(out_path, "all", out)
    else:
        out.to_csv(out_path, index=False)  # floats as repr: exact
    clock["write"] = time.perf_counter() - c0
    print("phases: " + ", ".join("%s %.2f s" % kv for kv in clock.items()))
    print("series %d" % len(out))


# --- does silkstat agree? -----------------------------------------------------

# Checked columns: relative difference |a - b| / max(|a|, |b|) must be at
# most 1e-9; for OLS slopes the denominator is at least the slope's
# standard error (a slope of 0 comes out as 1e-17 from other rounding).
CHECKED = ["n", "ols_slope", "mk_s", "mk_var_s", "sen_slope", "sen_ci_low",
           "sen_ci_high"]
TOLERANCE = 1e-9


def differences(m, col):
    """Relative (absolute for p-values and r2) differences of col between
    the _silk and _peer columns of m; 0 where both are NaN, inf where one
    is."""
    x = m[col + "_silk"].to_numpy(float)
    y = m[col + "_peer"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if col.endswith("_p") or col == "ols_r2":
            d = np.abs(x - y)
        else:
            scale = np.maximum(np.abs(x), np.abs(y))
            if col.startswith("ols_slope") or col.startswith("ols_ci"):
                scale = np.maximum(scale, m["ols_se_peer"].to_numpy(float))
            d = np.where(x == y, 0.0, np.abs(x - y) / scale)
    both_nan = np.isnan(x) & np.isnan(y)
    one_nan = np.isnan(x) != np.isnan(y)
    return np.where(both_nan, 0.0, np.where(one_nan, np.inf, d))


def compare(silk_path, peer_path, label="numpy"):
    """Prints how far silkstat's trend results are from ours, series by
    series: counts of checked columns off by more than TOLERANCE, and the
    largest difference of every column both have."""
    a = read_table(silk_path)
    b = read_table(peer_path)
    key = TREND_TEXT + (["segment"] if "segment" in a and "segment" in b else [])
    m = a.merge(b, on=key, suffixes=("_silk", "_peer"))
    print("agreement silkstat (%s) vs %s (%s): %d series in both, %d only "
          "silkstat, %d only %s" % (silk_path, label, peer_path, len(m),
                                    len(a) - len(m), len(b) - len(m), label))
    offs, worst = [], []
    total_off = 0
    for col in ["n"] + TREND_NUMBERS:
        if col + "_silk" not in m or col + "_peer" not in m:
            continue
        d = differences(m, col)
        if col in CHECKED:
            off = int(np.sum(~(d <= TOLERANCE)))
            total_off += off
            offs.append("%s %d" % (col, off))
        worst.append("%s %.1e" % (col, np.max(d) if len(d) else 0.0))
    print("  off by more than %g relative (%d series): %s" %
          (TOLERANCE, len(m), ", ".join(offs)))
    print("  largest difference (p-values and r2 absolute): " + ", ".join(worst))
    print("  %s" % ("all agree" if total_off == 0 and len(a) == len(b) == len(m)
                    else "DISAGREEMENTS: %d" % total_off))


# --- Holt's damped trend with statsmodels -------------------------------------

def holt(h5_path, indicators, origins, out_csv, min_n=4):
    """ExponentialSmoothing(trend="add", damped_trend=True) with its default
    fit (initial level and trend estimated with the smoothing parameters)
    on every series of the selection with at least min_n values, one fit a
    series on one core, as an analyst would loop over them; the observed
    values in period order, gaps closed up (as silkstat's holt).  Writes
    key, n, sse, alpha, beta, phi and the next-period forecast."""
    import warnings
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    warnings.simplefilter("ignore")  # ConvergenceWarning on short series
    wanted = None if origins == "*" else set(origins.split(","))
    rows, failed = [], 0
    with h5py.File(h5_path, "r") as h5:
        for name in indicators.split(","):
            g = h5["indicators"][name]
            value = g["value"][...]
            names_o = g["origin"][...].astype(str)
            names_d = g["destination"][...].astype(str)
            for o, origin in enumerate(names_o):
                if wanted is not None and origin not in wanted:
                    continue
                for d, dest in enumerate(names_d):
                    y = value[o, d]
                    y = y[np.isfinite(y)]
                    if len(y) < min_n:
                        continue
                    try:
                        fit = ExponentialSmoothing(
                            y, trend="add", damped_trend=True,
                            initialization_method="estimated").fit()
                        p = fit.params
                        rows.append((name, origin, dest, len(y), fit.sse,
                                     p["smoothing_level"], p["smoothing_trend"],
                                     p["damping_trend"], fit.forecast(1)[0]))
                    except (ValueError, np.linalg.LinAlgError):
                        failed += 1
                        rows.append((name, origin, dest, len(y)) + (np.nan,) * 5)
    out = pd.DataFrame(rows, columns=TREND_TEXT + ["n", "sse", "alpha", "beta",
                                                   "phi", "next"])
    out.to_csv(out_csv, index=False)
    print("failed %d" % failed)
    print("series %d" % len(out))


def holt_compare(silk_csv, peer_csv):
    """silkstat's holt (SSE = holt_sigma^2 n: sigma^2 is SSE / n there)
    against statsmodels' fit: who has the lower one-step SSE and how far
    the next-period forecasts are apart, over all series and those with
    at least 10 values."""
    a = pd.read_csv(silk_csv, keep_default_na=False, low_memory=False,
                    dtype={k: str for k in TREND_TEXT + ["first", "last"]})
    for col in ["n", "holt_sigma", "holt_next", "holt_phi"]:
        a[col] = pd.to_numeric(a[col], errors="coerce")
    a = a[np.isfinite(a["holt_sigma"])]
    b = pd.read_csv(peer_csv, keep_default_na=False, low_memory=False,
                    dtype={k: str for k in TREND_TEXT})
    for col in ["n", "sse", "next", "phi"]:
        b[col] = pd.to_numeric(b[col], errors="coerce")
    b = b[np.isfinite(b["sse"])]
    m = a.merge(b, on=TREND_TEXT, suffixes=("_silk", "_peer"))
    print("holt agreement silkstat vs statsmodels: %d series fitted by both "
          "(%d with >= 10 values), %d only silkstat, %d only statsmodels"
          % (len(m), int((m["n_silk"] >= 10).sum()), len(a) - len(m),
             len(b) - len(m)))
    for label, part in (("all", m), (">= 10 values", m[m["n_silk"] >= 10])):
        if len(part) == 0:
            continue
        silk = part["holt_sigma"].to_numpy(float) ** 2 * part["n_silk"].to_numpy(float)
        peer = part["sse"].to_numpy(float)
        scale = np.maximum(np.maximum(silk, peer), 1e-300)
        rel = (silk - peer) / scale
        lower = np.mean(rel < -1e-6) * 100
        same = np.mean(np.abs(rel) <= 1e-6) * 100
        fs = part["holt_next"].to_numpy(float)
        fp = part["next"].to_numpy(float)
        frel = np.abs(fs - fp) / np.maximum(np.maximum(np.abs(fs), np.abs(fp)), 1e-300)
        print("  %s (%d): SSE silkstat lower on %.1f%%, within 1e-6 on %.1f%%, "
              "higher on %.1f%%; |SSE difference| / larger SSE: median %.2g, "
              "90th percentile %.2g; next-period forecast |difference| / "
              "larger: median %.2g, 90th percentile %.2g; phi at silkstat's "
              "bound 0.98 on %.0f%%, statsmodels' phi above 0.98 on %.0f%%"
              % (label, len(part), lower, same, 100 - lower - same,
                 np.median(np.abs(rel)), np.percentile(np.abs(rel), 90),
                 np.median(frel), np.percentile(frel, 90),
                 np.mean(part["holt_phi"].to_numpy(float) >= 0.98 - 1e-12) * 100,
                 np.mean(part["phi"].to_numpy(float) > 0.98) * 100))


def main(argv):
    if len(argv) == 4 and argv[1] == "compare":
        compare(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "ingest":
        ingest(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "ingest-unhcr":
        ingest_unhcr(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "trend":
        trend(argv[2], argv[3])
    elif len(argv) == 6 and argv[1] == "holt":
        holt(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 4 and argv[1] == "holt-compare":
        holt_compare(argv[2], argv[3])
    else:
        print("usage: peer_pandas.py ingest FILE.csv OUT.h5 | ingest-unhcr FILE.csv OUT.h5 |\n"
              "       trend ARRAYS.h5 OUT.csv|OUT.h5 | compare SILK PEER |\n"
              "       holt ARRAYS.h5 INDICATORS ORIGINS|'*' OUT.csv | holt-compare SILK.csv PEER.csv",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
