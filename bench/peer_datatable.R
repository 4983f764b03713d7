#!/usr/bin/env Rscript
# peer_datatable.R: the R data.table peer for bench/run.sh.
#
#   Rscript bench/peer_datatable.R ingest FILE.csv OUT.rds
#       fread of the tidy file, a duplicate-key check, then per indicator a
#       dcast to the dense [origin][destination][period] shape (factor axes,
#       drop = FALSE, values and flags), and saveRDS (uncompressed) of the
#       cubes plus the long table.  R has no HDF5 writer installed here, so
#       RDS stands in for the store.
#   Rscript bench/peer_datatable.R trend OUT.rds OUT.csv
#       readRDS, then per series (by = .(indicator, origin, destination))
#       closed-form OLS slope, its standard error and two-sided p from
#       Student's t, for every series with >= 3 values; fwrite of the
#       result.  Only OLS: no Mann-Kendall or Sen here (see bench/README.md).
#
# The last line on stdout is "rows N" or "series N".  data.table's default
# thread count is used, as an analyst would.
suppressPackageStartupMessages(library(data.table))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3 || !(args[1] %in% c("ingest", "trend"))) {
  cat("usage: peer_datatable.R ingest FILE.csv OUT.rds | trend OUT.rds OUT.csv\n",
      file = stderr())
  quit(status = 2)
}

if (args[1] == "ingest") {
  dt <- fread(args[2], colClasses = list(character = c("period", "flag",
                                                        "destination")),
              showProgress = FALSE)
  if (anyDuplicated(dt, by = c("indicator", "origin", "destination", "period")))
    stop("duplicate key")
  cubes <- list()
  for (ind in sort(unique(dt$indicator))) {
    sub <- dt[indicator == ind]
    sub[, `:=`(origin = factor(origin), destination = factor(destination),
               period = factor(period))]
    wide <- dcast(sub, origin + destination ~ period,
                  value.var = c("value", "flag"), drop = FALSE)
    no <- nlevels(sub$origin); nd <- nlevels(sub$destination)
    np <- nlevels(sub$period)
    # Rows come origin-major, destination fastest: fill [period, dest, origin]
    # and permute to [origin, destination, period].
    vals <- as.matrix(wide[, 3:(2 + np)])
    cube <- aperm(array(t(vals), dim = c(np, nd, no)), c(3, 2, 1))
    flags <- as.matrix(wide[, (3 + np):(2 + 2 * np)])
    fcube <- aperm(array(t(flags), dim = c(np, nd, no)), c(3, 2, 1))
    cubes[[ind]] <- list(value = cube, flag = fcube,
                         origin = levels(sub$origin),
                         destination = levels(sub$destination),
                         period = levels(sub$period))
  }
  saveRDS(list(long = dt, cubes = cubes), args[3], compress = FALSE)
  cat("rows", nrow(dt), "\n")
} else {
  x <- readRDS(args[2])
  dt <- x$long
  # Period ordinal: the year, or year * 12 + month - 1 for YYYY-MM.
  dt[, t := {
    year <- as.numeric(substr(period, 1L, 4L))
    month <- as.numeric(substr(period, 6L, 7L)) # "" -> NA for annual
    fifelse(nchar(period) == 4L, year, year * 12 + month - 1)
  }]
  res <- dt[!is.na(value), {
    n <- .N
    if (n >= 3L) {
      tm <- mean(t); ym <- mean(value)
      sxx <- sum((t - tm)^2)
      slope <- sum((t - tm) * (value - ym)) / sxx
      intercept <- ym - slope * tm
      sse <- sum((value - intercept - slope * t)^2)
      se <- sqrt(sse / (n - 2) / sxx)
      p <- if (se > 0) 2 * pt(-abs(slope / se), n - 2) else
        if (slope != 0) 0 else 1
      list(n = n, ols_slope = slope, ols_se = se, ols_p = p,
           ols_intercept = intercept)
    }
  }, by = .(indicator, origin, destination)]
  fwrite(res, args[3])
  cat("series", nrow(res), "\n")
}
