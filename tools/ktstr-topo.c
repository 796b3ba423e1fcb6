// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-topo: the CPU topology as a "topo" record (or text for people),
 * from sysfs or from a synthetic N,L,C,T description.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "ndjson.h"
#include "paths.h"
#include "sig.h"
#include "topo.h"

static const char usage[] = "usage: ktstr-topo [--json | --text] [--topology N,L,C,T]\n";

static const char help[] =
	"Print the CPU topology: CPUs, LLCs, cores, NUMA nodes, distances.\n"
	"\n"
	"  -j, --json              one \"topo\" NDJSON record (the default)\n"
	"  -t, --text              a summary for people\n"
	"  -T, --topology N,L,C,T  synthetic: NUMA nodes, LLCs, cores per LLC, threads per core\n"
	"  -h, --help              this help\n"
	"  -V, --version           version and library versions\n"
	"\n"
	"Reads sysfs under $KTSTR_SYSFS_ROOT (default /sys).  See ktstr-topo(1).\n";

enum topo_format { FMT_NDJSON, FMT_TEXT };

struct topo_opts {
	enum topo_format fmt;
	const char *spec;
	int fmt_seen, spec_seen;
};

static int topo_opts_parse(struct topo_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },	   { "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },	   { "topology", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hjtT:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_exit_help(usage, help);
		case 'V':
			cli_exit_version();
		case 'j':
		case 't':
			if (cli_once(usage, &o->fmt_seen, "--json/--text"))
				return -1;
			o->fmt = c == 't' ? FMT_TEXT : FMT_NDJSON;
			break;
		case 'T':
			if (cli_once(usage, &o->spec_seen, "--topology"))
				return -1;
			o->spec = optarg;
			break;
		default:
			cli_bad_option(usage, argv, c);
			return -1;
		}
	}
	if (optind < argc) {
		cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

static int topo_run(const struct topo_opts *o)
{
	struct ndjson_writer w;
	struct topo_spec spec;
	struct kt_diag d;
	struct topo t;
	size_t i;
	int rc;

	topo_init(&t);
	if (o->spec) {
		if (topo_parse_spec(o->spec, &spec, &d) < 0)
			return cli_usage_error(usage, "--topology %s", d.msg);
		rc = topo_synthetic(&t, &spec, &d);
	} else {
		rc = topo_load_sysfs(&t, paths_sysfs(), &d);
	}
	if (rc < 0) {
		kt_warnx("%s; set KTSTR_SYSFS_ROOT or use --topology N,L,C,T", d.msg);
		return KT_EXIT_ENV;
	}
	for (i = 0; i < t.nwarnings; i++)
		kt_warnx("%s", t.warnings[i]);
	if (o->fmt == FMT_TEXT) {
		topo_print_text(&t, stdout);
	} else {
		ndjson_writer_init(&w, stdout);
		rc = ndjson_write_new(&w, topo_to_json(&t));
		if (rc == -ENOMEM)
			kt_warnx("out of memory");
	}
	topo_release(&t);
	return KT_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct topo_opts o = { .fmt = FMT_NDJSON };

	kt_set_progname(argv[0]);
	if (topo_opts_parse(&o, argc, argv) < 0)
		return KT_EXIT_USAGE;
	kt_signals_install();
	return kt_finish_stdout(topo_run(&o));
}
