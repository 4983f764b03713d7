"""Agreement with R: silkstat trend against an independent implementation
in R (base R only: lm, cor(method = "kendall"), pnorm, median, rank) on a
few
hundred real series of ../shared/datasets/unhcr_population.csv (refugees
and asylum-seekers from the Silk Routes five to every host).

Compares, series by series, the OLS slope and its p-value, Mann-Kendall S,
Var(S), z, p and tau, Sen's slope and its 95% confidence limits, and
Pettitt's U*, K and p to 1e-9 relative.  R's lm and cor are not the formulas silkstat codes (QR
decomposition; tau-b from R's C code), so agreement is evidence, not an
echo.  Skipped (exit 77) without Rscript or the shared datasets; CI
installs R (scripts/install-deps.sh).
"""
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile

SHARED = os.path.join("..", "shared", "datasets", "unhcr_population.csv")

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c("character", "numeric", "numeric"))
out <- list()
for (id in unique(d$id)) {
  s <- d[d$id == id, ]
  t <- s$t; y <- s$y; n <- length(y)
  fit <- suppressWarnings(summary(lm(y ~ t)))$coefficients
  # Mann-Kendall, METHODS.md: S, tie-corrected Var(S), continuity z
  S <- 0
  for (k in 1:(n - 1)) S <- S + sum(sign(y[(k + 1):n] - y[k]))
  ties <- table(y)
  varS <- (n * (n - 1) * (2 * n + 5) - sum(ties * (ties - 1) * (2 * ties + 5))) / 18
  z <- if (S > 0) (S - 1) / sqrt(varS) else if (S < 0) (S + 1) / sqrt(varS) else 0
  p <- 2 * pnorm(-abs(z))
  tau <- if (length(ties) == 1) 0 else cor(t, y, method = "kendall")
  # Sen: median of pairwise slopes; CI by the rank rule of METHODS.md
  ij <- which(upper.tri(matrix(0, n, n)), arr.ind = TRUE)
  slopes <- sort((y[ij[, 2]] - y[ij[, 1]]) / (t[ij[, 2]] - t[ij[, 1]]))
  N <- length(slopes)
  C <- qnorm(0.975) * sqrt(varS)
  lo <- min(max(round((N - C) / 2), 1), N)
  hi <- min(max(round((N + C) / 2 + 1), 1), N)
  # Pettitt, METHODS.md: ranks with ties averaged (R's rank)
  U <- 2 * cumsum(rank(y)) - (1:n) * (n + 1)
  K <- which.max(abs(U))
  Ustar <- abs(U[K])
  out[[id]] <- data.frame(id = id, n = n,
    pettitt_u = Ustar, pettitt_k = t[K],
    pettitt_p = min(1, 2 * exp(-6 * Ustar^2 / (n^3 + n^2))),
    ols_slope = fit["t", "Estimate"], ols_p = fit["t", "Pr(>|t|)"],
    mk_s = S, mk_var_s = varS, mk_z = z, mk_p = p, mk_tau = tau,
    sen_slope = median(slopes), sen_ci_low = slopes[lo],
    sen_ci_high = slopes[hi])
}
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
"""

COMPARED = ["ols_slope", "ols_p", "mk_s", "mk_var_s", "mk_z", "mk_p",
            "mk_tau", "sen_slope", "sen_ci_low", "sen_ci_high", "pettitt_u",
            "pettitt_k", "pettitt_p"]


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or abs(a - b) < 1e-12


def main():
    cli = os.environ.get("SILKSTAT", "")
    if not cli or not os.access(cli, os.X_OK):
        print("SILKSTAT is not set to an executable silkstat binary: skipped")
        return 77
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript is not installed (Debian r-base-core): skipped")
        return 77
    if not os.path.exists(SHARED):
        print("%s is absent: skipped" % SHARED)
        return 77
    import h5py

    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok - " if ok else "not ok - ") + what)
        failures += 0 if ok else 1

    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "s.h5")
        run = subprocess.run([cli, "ingest", "--quiet", "--store", store,
                              SHARED], capture_output=True, text=True)
        check(run.returncode == 0, "ingest unhcr_population.csv")
        run = subprocess.run([cli, "trend", "--store", store, "--indicator",
                              "refugees,asylum_seekers", "--origin", "silk5",
                              "--method", "ols,mk,sen,pettitt"],
                             capture_output=True, text=True)
        check(run.returncode == 0, "silkstat trend exits 0 (%s)"
              % run.stderr.strip()[:200])
        ours = {}
        for r in csv.DictReader(run.stdout.splitlines()):
            ours["%s|%s|%s" % (r["indicator"], r["origin"],
                               r["destination"])] = r

        # the same series, straight from the store
        series = os.path.join(tmp, "series.csv")
        values = {}
        with h5py.File(store, "r") as f, open(series, "w") as out:
            out.write("id,t,y\n")
            for ind in ("refugees", "asylum_seekers"):
                g = f["indicators/" + ind]
                origins = [x.decode() for x in g["origin"][...]]
                dests = [x.decode() for x in g["destination"][...]]
                years = [int(x) for x in g["period"][...]]
                v = g["value"][...]
                for oi, o in enumerate(origins):
                    if o not in ("AFG", "BGD", "IRN", "IRQ", "PAK"):
                        continue
                    for di, d in enumerate(dests):
                        pts = [(years[p], v[oi, di, p])
                               for p in range(len(years))
                               if not math.isnan(v[oi, di, p])]
                        if len(pts) < 3:
                            continue
                        key = "%s|%s|%s" % (ind, o, d or "-")
                        values[key] = [y for _, y in pts]
                        for t, y in pts:
                            out.write("%s,%d,%r\n" % (key, t, float(y)))
        script = os.path.join(tmp, "ref.R")
        with open(script, "w") as f:
            f.write(R_SCRIPT)
        ref_csv = os.path.join(tmp, "ref.csv")
        run = subprocess.run([rscript, "--vanilla", script, series, ref_csv],
                             capture_output=True, text=True)
        check(run.returncode == 0, "R reference exits 0 (%s)"
              % run.stderr.strip()[-300:])
        if run.returncode != 0:
            return 1
        ref = {r["id"]: r for r in csv.DictReader(open(ref_csv))}
        check(len(ref) >= 300, "%d series (at least 300)" % len(ref))
        check(set(ref) == set(ours),
              "silkstat and R see the same series (%d and %d)"
              % (len(ours), len(ref)))
        # A constant series is an exact fit with slope 0: silkstat
        # documents p = 1; R's lm gives NA, or a p from rounding noise in
        # a slope of about 1e-17 (0.111 for the 13 fives of AFG -> NGA).
        constant = [k for k in ref if k in values and len(set(values[k])) == 1]
        check(all(k in ours and float(ours[k]["ols_slope"]) == 0 and
                  float(ours[k]["ols_p"]) == 1 for k in constant),
              "%d constant series have slope 0 and p 1" % len(constant))
        for col in COMPARED:
            bad = [k for k in ref if k in ours and ref[k][col] != "NA" and
                   not (col == "ols_p" and k in constant) and
                   not close(float(ours[k][col] or "nan"),
                             float(ref[k][col]))]
            check(not bad, "%s agrees with R to 1e-9 on every series%s"
                  % (col, "" if not bad else ": %d differ, e.g. %s: %s vs %s"
                     % (len(bad), bad[0], ours[bad[0]][col],
                        ref[bad[0]][col])))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
