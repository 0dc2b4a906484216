/*
 * Standalone runner for libFuzzer-shaped targets, so that fuzz targets run
 * in `make check` without clang's libFuzzer:
 *
 *   fuzz_x [-runs=N] [-seed=S] [-max_len=N] [corpus-dir-or-file ...]
 *
 * Runs every corpus file once (directories in name order; a missing
 * directory is not an error), then N inputs made by deterministic mutations
 * of the corpus (bit flips, byte insert/delete, truncation, splicing,
 * duplicated ranges, tokens, random bytes; fixed seed unless -seed= is
 * given, printed either way). Some mutants join the pool, so mutations
 * stack. Each input is handed over in a buffer of exactly its size so that
 * ASan sees any overread. On a crash the current input is written to
 * ./crash-input (and the run number printed); the same seed and -runs
 * reproduce it too. Other -flags are ignored, as libFuzzer would parse them.
 *
 * Only linked into the standalone build: the target file itself must build
 * with `clang -fsanitize=fuzzer` alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

#define DEFAULT_SEED 0x5eed0f2b1e55ULL
#define MAX_LEN_CAP 65536
#define POOL_MAX 1024

struct input {
	uint8_t *data;
	size_t len;
};

static struct input *pool;
static size_t pool_len, pool_seeds;
static uint64_t rng_state;
static size_t max_len = MAX_LEN_CAP;

/* What is running now, for the crash handler. */
static const uint8_t *cur_data;
static size_t cur_len;
static unsigned long cur_run;
static const char *cur_name;

static uint64_t rnd(void)
{
	/* splitmix64: tiny, and good enough to drive mutations */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void dump_current(void)
{
	static volatile sig_atomic_t dumped;

	if (dumped || !cur_data)
		return;
	dumped = 1;
	int fd = open("crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		size_t off = 0;

		while (off < cur_len) {
			ssize_t n = write(fd, cur_data + off, cur_len - off);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
		close(fd);
	}
	char msg[160];
	int n = snprintf(
		msg, sizeof(msg),
		"fuzz driver: crash on %s (run %lu, %zu bytes), input saved to ./crash-input\n",
		cur_name ? cur_name : "mutated input", cur_run, cur_len);

	if (n > 0 && write(2, msg, (size_t)n) < 0)
		return;
}

static void on_signal(int sig)
{
	dump_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Run the target on a copy of exactly len bytes. */
static void run_one(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	if (len)
		memcpy(copy, data, len);
	cur_data = copy;
	cur_len = len;
	LLVMFuzzerTestOneInput(copy, len);
	cur_data = NULL;
	free(copy);
}

static void pool_add(const uint8_t *data, size_t len, bool seed)
{
	struct input in = { malloc(len ? len : 1), len };

	if (!in.data)
		abort();
	if (len)
		memcpy(in.data, data, len);
	if (pool_len < POOL_MAX) {
		pool[pool_len++] = in;
	} else {
		/* full: replace a mutant, never a seed */
		size_t i = pool_seeds + rnd_below(POOL_MAX - pool_seeds);

		free(pool[i].data);
		pool[i] = in;
	}
	if (seed)
		pool_seeds++;
}

static int load_file(const char *path, bool run)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f)
		return -errno;
	buf = malloc(MAX_LEN_CAP);
	if (!buf)
		abort();
	n = fread(buf, 1, max_len, f);
	fclose(f);
	cur_name = path;
	if (run)
		run_one(buf, n);
	cur_name = NULL;
	if (pool_seeds < POOL_MAX / 2)
		pool_add(buf, n, true);
	free(buf);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the number of files run, or -1 if path is neither file nor dir. */
static long load_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long ran = 0;

	if (stat(path, &st) != 0)
		return -1;
	if (S_ISREG(st.st_mode))
		return load_file(path, true) == 0 ? 1 : 0;
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char full[4096];

		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && load_file(full, true) == 0)
			ran++;
		free(names[i]);
	}
	free(names);
	return ran;
}

/* Tokens that matter to the parsers we fuzz (bencode, JSON, SDP, numbers). */
static const char *const tokens[] = {
	"e",
	"i",
	"l",
	"d",
	":",
	"0",
	"1",
	"9",
	"-",
	"0:",
	"i0e",
	"le",
	"de",
	"i-1e",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775809",
	"18446744073709551616",
	"4294967296",
	"{",
	"}",
	"[",
	"]",
	"\"",
	",",
	"\\u0000",
	"\r\n",
	"\n",
	"=",
	" ",
	"m=audio ",
	"c=IN IP4 ",
	"a=",
	"\x00",
	"\xff",
};

/* One mutation of buf[0..*len) in place; cap is the buffer size. */
static void mutate_once(uint8_t *buf, size_t *len, size_t cap)
{
	size_t n = *len, pos, k;

	switch (rnd_below(10)) {
	case 0: /* bit flip */
		if (n)
			buf[rnd_below(n)] ^= (uint8_t)(1u << rnd_below(8));
		break;
	case 1: /* set a byte */
		if (n)
			buf[rnd_below(n)] = (uint8_t)rnd();
		break;
	case 2: /* insert random bytes */
		k = 1 + rnd_below(4);
		if (n + k > cap)
			break;
		pos = rnd_below(n + 1);
		memmove(buf + pos + k, buf + pos, n - pos);
		for (size_t i = 0; i < k; i++)
			buf[pos + i] = (uint8_t)rnd();
		*len = n + k;
		break;
	case 3: /* delete a range */
		if (!n)
			break;
		pos = rnd_below(n);
		k = 1 + rnd_below(n - pos < 16 ? n - pos : 16);
		memmove(buf + pos, buf + pos + k, n - pos - k);
		*len = n - k;
		break;
	case 4: /* truncate */
		*len = rnd_below(n + 1);
		break;
	case 5: { /* splice: our head, another pool entry's tail */
		const struct input *o = &pool[rnd_below(pool_len)];
		size_t head = rnd_below(n + 1), from = rnd_below(o->len + 1);
		size_t tail = o->len - from;

		if (head + tail > cap)
			tail = cap - head;
		memcpy(buf + head, o->data + from, tail);
		*len = head + tail;
		break;
	}
	case 6: /* overwrite a range with random bytes, or start from noise */
		if (rnd_below(8) == 0) {
			k = rnd_below(64);
			for (size_t i = 0; i < k; i++)
				buf[i] = (uint8_t)rnd();
			*len = k;
		} else if (n) {
			pos = rnd_below(n);
			k = 1 + rnd_below(n - pos < 8 ? n - pos : 8);
			for (size_t i = 0; i < k; i++)
				buf[pos + i] = (uint8_t)rnd();
		}
		break;
	case 7: { /* duplicate a range elsewhere (grows nesting, repeats keys) */
		uint8_t tmp[256];
		size_t from;

		if (!n)
			break;
		from = rnd_below(n);
		k = 1 + rnd_below(n - from < sizeof(tmp) ? n - from : sizeof(tmp));
		if (n + k > cap)
			break;
		memcpy(tmp, buf + from, k);
		pos = rnd_below(n + 1);
		memmove(buf + pos + k, buf + pos, n - pos);
		memcpy(buf + pos, tmp, k);
		*len = n + k;
		break;
	}
	case 8: { /* insert a token */
		const char *t = tokens[rnd_below(sizeof(tokens) / sizeof(tokens[0]))];
		size_t tl = t[0] ? strlen(t) : 1; /* "\x00" is one NUL byte */

		if (n + tl > cap)
			break;
		pos = rnd_below(n + 1);
		memmove(buf + pos + tl, buf + pos, n - pos);
		memcpy(buf + pos, t, tl);
		*len = n + tl;
		break;
	}
	case 9: /* change a digit: length and number fields are where it hurts */
		for (size_t tries = 0; n && tries < 8; tries++) {
			pos = rnd_below(n);
			if (buf[pos] >= '0' && buf[pos] <= '9') {
				buf[pos] = (uint8_t)('0' + rnd_below(10));
				break;
			}
		}
		break;
	}
}

int main(int argc, char **argv)
{
	unsigned long runs = 0;
	uint64_t seed = DEFAULT_SEED;
	long files = 0;
	struct timespec t0, t1;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "-runs=", 6))
			runs = strtoul(a + 6, NULL, 10);
		else if (!strncmp(a, "-seed=", 6))
			seed = strtoull(a + 6, NULL, 0);
		else if (!strncmp(a, "-max_len=", 9))
			max_len = strtoul(a + 9, NULL, 10);
		else if (a[0] == '-')
			fprintf(stderr, "fuzz driver: ignoring %s\n", a);
	}
	if (max_len == 0 || max_len > MAX_LEN_CAP)
		max_len = MAX_LEN_CAP;
	rng_state = seed;
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGABRT, on_signal);
	signal(SIGFPE, on_signal);
	signal(SIGILL, on_signal);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(dump_current);

	pool = calloc(POOL_MAX, sizeof(*pool));
	if (!pool)
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		long n = load_path(argv[i]);

		if (n < 0)
			fprintf(stderr, "fuzz driver: no corpus at %s\n", argv[i]);
		else
			files += n;
	}
	if (!pool_len)
		pool_add((const uint8_t *)"", 0, true);

	uint8_t *buf = malloc(MAX_LEN_CAP);

	if (!buf)
		abort();
	for (cur_run = 1; cur_run <= runs; cur_run++) {
		const struct input *base = &pool[rnd_below(pool_len)];
		size_t len = base->len < max_len ? base->len : max_len;
		/* mostly one mutation: stacking many mostly yields garbage */
		unsigned steps = 1 + (rnd_below(4) ? 0 : (unsigned)rnd_below(4));

		memcpy(buf, base->data, len);
		for (unsigned s = 0; s < steps; s++)
			mutate_once(buf, &len, max_len);
		run_one(buf, len);
		if (rnd_below(16) == 0)
			pool_add(buf, len, false);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("fuzz driver: %ld corpus files, %lu mutated runs, seed 0x%llx, max_len %zu, "
	       "%.2f s\n",
	       files, runs, (unsigned long long)seed, max_len,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

	free(buf);
	for (size_t i = 0; i < pool_len; i++)
		free(pool[i].data);
	free(pool);
	return 0;
}
