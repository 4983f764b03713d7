/*
 * noentry.c: test fixture, a shared object without the entry function
 * silkstat_module: loading it must fail with the file named.
 */
int silkstat_not_a_module(void);

int silkstat_not_a_module(void)
{
    return 1;
}
