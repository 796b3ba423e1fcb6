/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Quoting for sh(1): the one place that turns an argv into a command line
 * a shell reads back as the same words (ktstr run builds the command a VM
 * runs this way).
 *
 *   char *line = shquote_join(argv);     "ktstr run --filter 'a b'"; caller frees
 *
 * A word made only of characters sh never treats specially stays bare; any
 * other goes in single quotes, each ' written as '\''.
 */
#ifndef KTSTR_SHQUOTE_H
#define KTSTR_SHQUOTE_H

/* NULL with errno ENOMEM on failure. */
char *shquote_join(char *const argv[]);

#endif
