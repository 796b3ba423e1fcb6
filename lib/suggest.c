// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

/* Levenshtein distance with one row of memory. */
size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp, best;
	size_t *row = malloc((lb + 1) * sizeof(*row));

	if (!row)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	size_t limit = strlen(word) / 3, best = (size_t)-1, i, d;
	const char *pick = NULL;

	if (limit < 3)
		limit = 3;
	for (i = 0; i < n; i++) {
		d = suggest_distance(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return best <= limit ? pick : NULL;
}
