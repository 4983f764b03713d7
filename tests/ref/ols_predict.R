# Reference values for tests/unit/test_trend.c (ols_predict_*) and
# tests/unit/test_growth.c (loglinear_against_r), from base R:
#   Rscript tests/ref/ols_predict.R
options(digits = 17)
x <- c(0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0,
       558.2, 0.4, 0.6, 775.5, 666.9, 338.0, 447.5, 11.6, 556.0, 228.1,
       995.8, 887.6, 120.2, 0.3, 0.3, 556.8, 339.1, 887.2, 999.0, 779.0,
       11.1, 118.3, 229.2, 669.1, 448.9, 0.5)
y <- c(0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9,
       559.2, 0.3, 0.1, 778.1, 668.8, 339.3, 448.9, 10.8, 557.7, 228.3,
       998.0, 888.8, 119.6, 0.3, 0.6, 557.6, 339.3, 888.0, 998.5, 778.9,
       10.2, 117.6, 228.9, 668.4, 449.2, 0.2)
norris <- lm(y ~ x)
at <- data.frame(x = c(0, 500, 1500))
cat("norris confidence 95%\n"); print(predict(norris, at, interval = "confidence", level = 0.95))
cat("norris prediction 95%\n"); print(predict(norris, at, interval = "prediction", level = 0.95))
cat("norris se.fit\n"); print(predict(norris, at, se.fit = TRUE)$se.fit)

gap_t <- c(2000, 2001, 2002, 2004, 2005, 2007:2013)
gap_y <- c(102.9, 99.9, 108.4, 117.7, 111.6, 131.9, 123.1, 121.6, 128.7,
           138.8, 134.9, 131.7)
gap <- lm(gap_y ~ gap_t)
at <- data.frame(gap_t = c(2006.5, 2020))
cat("gap confidence 90%\n"); print(predict(gap, at, interval = "confidence", level = 0.90))
cat("gap prediction 90%\n"); print(predict(gap, at, interval = "prediction", level = 0.90))

lg <- lm(log(gap_y) ~ gap_t)
b1 <- coef(lg)[[2]]; ci <- confint(lg)[2, ]
cat("loglinear b1, rate, rate_lo, rate_hi, p, r2\n")
print(c(b1, 100 * (exp(b1) - 1), 100 * (exp(ci) - 1),
        summary(lg)$coefficients[2, 4], summary(lg)$r.squared))
