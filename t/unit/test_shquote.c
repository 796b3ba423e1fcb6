// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shquote.h"
#include "unit.h"

static void test_plain_words_stay_bare(void)
{
	char *const argv[] = { "ktstr", "run", "--topology", "1,2,2,1", "--label=a/b", NULL };
	char *s = shquote_join(argv);

	CHECK_STR(s, "ktstr run --topology 1,2,2,1 --label=a/b");
	free(s);
}

static void test_specials_are_quoted(void)
{
	char *const argv[] = { "echo", "a b", "it's", "", "$HOME", NULL };
	char *s = shquote_join(argv);

	CHECK_STR(s, "echo 'a b' 'it'\\''s' '' '$HOME'");
	free(s);
}

/* sh reads the line back as the same words (system() runs it with sh -c). */
static void test_round_trip_through_sh(void)
{
	char *const argv[] = { "printf", "<%s>", "a b", "x'y\"z", "*", "\\n", NULL };
	char *line = shquote_join(argv), out[256] = "", *cmd = NULL;
	FILE *f;

	CHECK(asprintf(&cmd, "%s > /tmp/ktstr-test-shquote.out", line) > 0);
	CHECK(system(cmd) == 0);
	f = fopen("/tmp/ktstr-test-shquote.out", "r");
	CHECK(f && fgets(out, sizeof(out), f));
	if (f)
		fclose(f);
	remove("/tmp/ktstr-test-shquote.out");
	CHECK_STR(out, "<a b><x'y\"z><*><\\n>");
	free(cmd);
	free(line);
}

int main(void)
{
	RUN(test_plain_words_stay_bare);
	RUN(test_specials_are_quoted);
	RUN(test_round_trip_through_sh);
	return unit_done();
}
