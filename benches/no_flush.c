/* A disk whose flush costs nothing, for comparing two builds' own work on a machine whose
 * disk is shared and noisy.
 *
 * On the test machine the flush of a commit writes each of its pages back one by one, and
 * what that costs moves with the host from minute to minute (a bare one-page insert from
 * 0.11 to 3 ms in one hour). Loaded with LD_PRELOAD, this makes fsync and fdatasync return
 * at once, so what is left of a sale is kasir's statements and SQLite writing the pages to
 * the WAL file: CPU, comparable across builds run in turn. It is not a figure for a till.
 *
 *   cc -shared -fPIC -O2 -o target/no_flush.so benches/no_flush.c
 *   LD_PRELOAD=target/no_flush.so cargo bench --bench targets -- ... sale_commit
 */
int fsync(int fd)
{
    (void)fd;
    return 0;
}

int fdatasync(int fd)
{
    (void)fd;
    return 0;
}
