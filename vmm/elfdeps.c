// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfdeps.h"
#include "file.h"

#define LDCACHE_MAGIC "glibc-ld.so.cache1.1"
#define LDCACHE_HDR 48	 /* magic[20], nlibs, len_strings, flags, pad, ext, unused[3] */
#define LDCACHE_ENTRY 24 /* flags, key, value, osversion, hwcap */
#define LDCACHE_MAX (64u << 20)
#define MAX_NEEDED 4096

/* One parsed ELF object: what the search needs from it. */
struct obj {
	int elfclass, machine;
	char *interp;  /* owned; PT_INTERP */
	char *rpath;   /* owned */
	char *runpath; /* owned */
	char **needed; /* owned */
	size_t nneeded;
	char origin[PATH_MAX]; /* directory of the object's real path */
};

/* The search for one program: its names already resolved, and a work queue. */
struct walk {
	struct elfdeps *deps;
	const struct obj *prog;
	char **seen; /* owned; sonames resolved so far */
	size_t nseen;
	char *missing; /* owned; "a, b" */
};

void elfdeps_init(struct elfdeps *deps)
{
	memset(deps, 0, sizeof(*deps));
	deps->ldcache_path = "/etc/ld.so.cache";
}

void elfdeps_release(struct elfdeps *deps)
{
	size_t i;

	for (i = 0; i < deps->n; i++) {
		free(deps->lib[i].found);
		free(deps->lib[i].real);
	}
	free(deps->lib);
	free(deps->ldcache);
	elfdeps_init(deps);
}

static void obj_release(struct obj *o)
{
	size_t i;

	free(o->interp);
	free(o->rpath);
	free(o->runpath);
	for (i = 0; i < o->nneeded; i++)
		free(o->needed[i]);
	free(o->needed);
	memset(o, 0, sizeof(*o));
}

int elfdeps_is_elf(const char *path)
{
	unsigned char id[SELFMAG];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, id, sizeof(id));
	close(fd);
	return n == SELFMAG && !memcmp(id, ELFMAG, SELFMAG);
}

static char *read_interp(Elf *e, int fd)
{
	GElf_Phdr ph;
	size_t i, n;
	char *s;

	if (elf_getphdrnum(e, &n) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (!ph.p_filesz || ph.p_filesz > PATH_MAX || !(s = calloc(1, ph.p_filesz + 1)))
			return NULL;
		if (pread(fd, s, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
			free(s);
			return NULL;
		}
		return s;
	}
	return NULL;
}

static int push_needed(struct obj *o, const char *name)
{
	char **grown;

	if (o->nneeded >= MAX_NEEDED)
		return -E2BIG;
	grown = realloc(o->needed, (o->nneeded + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	o->needed = grown;
	if (!(o->needed[o->nneeded] = strdup(name)))
		return -ENOMEM;
	o->nneeded++;
	return 0;
}

/* DT_NEEDED, DT_RPATH and DT_RUNPATH from the SHT_DYNAMIC section. */
static int read_dynamic(Elf *e, struct obj *o)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Dyn dyn;
	Elf_Data *data;
	const char *s;
	size_t i;
	int rc;

	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !sh.sh_entsize)
			continue;
		if (!(data = elf_getdata(scn, NULL)))
			return -EINVAL;
		for (i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
				continue;
			if (!(s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val)))
				return -EINVAL;
			if (dyn.d_tag == DT_NEEDED)
				rc = push_needed(o, s);
			else if (dyn.d_tag == DT_RPATH)
				rc = (o->rpath = strdup(s)) ? 0 : -ENOMEM;
			else
				rc = (o->runpath = strdup(s)) ? 0 : -ENOMEM;
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Parse path; 0 with o->elfclass == 0 when it is not an ELF program or library. */
static int obj_load(const char *path, struct obj *o)
{
	char real[PATH_MAX];
	GElf_Ehdr eh;
	Elf *e;
	int fd, rc = 0;

	memset(o, 0, sizeof(*o));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_kind(e) == ELF_K_ELF && gelf_getehdr(e, &eh) &&
	    (eh.e_type == ET_EXEC || eh.e_type == ET_DYN)) {
		o->elfclass = gelf_getclass(e);
		o->machine = eh.e_machine;
		o->interp = read_interp(e, fd);
		rc = read_dynamic(e, o);
		if (realpath(path, real))
			snprintf(o->origin, sizeof(o->origin), "%s", dirname(real));
	}
	elf_end(e);
	close(fd);
	if (rc < 0)
		obj_release(o);
	return rc;
}

/* Does path hold an ELF object the program could load? */
static int loadable(const char *path, const struct obj *prog)
{
	unsigned char id[EI_NIDENT + 4];
	struct stat st;
	uint16_t machine;
	int fd;
	ssize_t n;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, id, sizeof(id));
	close(fd);
	if (n != (ssize_t)sizeof(id) || memcmp(id, ELFMAG, SELFMAG))
		return 0;
	memcpy(&machine, id + EI_NIDENT + 2, sizeof(machine)); /* e_machine, host order */
	return id[EI_CLASS] == prog->elfclass && machine == prog->machine;
}

static const char *triplet(int machine)
{
	return machine == EM_AARCH64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

/* ld.so.cache flags for the program's class and machine (glibc's FLAG_* values). */
static int cache_flags(const struct obj *prog)
{
	if (prog->machine == EM_X86_64)
		return 0x0303;
	if (prog->machine == EM_AARCH64)
		return 0x0a03;
	return -1; /* anything */
}

static void load_ldcache(struct elfdeps *deps)
{
	deps->ldcache_loaded = 1;
	if (file_read_alloc(deps->ldcache_path, LDCACHE_MAX, &deps->ldcache, &deps->ldcache_len) < 0)
		deps->ldcache = NULL;
}

static const char *ldcache_lookup(struct elfdeps *deps, const char *name, const struct obj *prog)
{
	const char *c, *base, *key, *val;
	uint32_t nlibs, f[3];
	size_t i, off, len;
	int want = cache_flags(prog);

	if (!deps->ldcache_loaded)
		load_ldcache(deps);
	if (!deps->ldcache)
		return NULL;
	c = memmem(deps->ldcache, deps->ldcache_len, LDCACHE_MAGIC, strlen(LDCACHE_MAGIC));
	if (!c)
		return NULL;
	base = c; /* string offsets count from the start of the new-format header */
	len = deps->ldcache_len - (size_t)(c - deps->ldcache);
	if (len < LDCACHE_HDR)
		return NULL;
	memcpy(&nlibs, c + 20, sizeof(nlibs));
	for (i = 0; i < nlibs; i++) {
		off = LDCACHE_HDR + i * LDCACHE_ENTRY;
		if (off + LDCACHE_ENTRY > len)
			return NULL;
		memcpy(f, c + off, sizeof(f));
		if (f[1] >= len || f[2] >= len || (want >= 0 && (int)f[0] != want))
			continue;
		key = base + f[1];
		val = base + f[2];
		if (memchr(key, 0, len - f[1]) && memchr(val, 0, len - f[2]) && !strcmp(key, name) &&
		    loadable(val, prog))
			return val;
	}
	return NULL;
}

/* Expand $ORIGIN, $LIB, $PLATFORM (also in ${} form) in one search directory. */
static void expand(const char *dir, size_t len, const struct obj *o, char *out, size_t size)
{
	static const struct { const char *tok; size_t n; } toks[] = {
		{ "$ORIGIN", 7 }, { "${ORIGIN}", 9 }, { "$LIB", 4 },
		{ "${LIB}", 6 },  { "$PLATFORM", 9 }, { "${PLATFORM}", 11 },
	};
	const char *subst;
	size_t w = 0, i, t;

	for (i = 0; i < len && w + 1 < size;) {
		for (t = 0; t < sizeof(toks) / sizeof(toks[0]); t++)
			if (len - i >= toks[t].n && !strncmp(dir + i, toks[t].tok, toks[t].n))
				break;
		if (t == sizeof(toks) / sizeof(toks[0])) {
			out[w++] = dir[i++];
			continue;
		}
		subst = t < 2 ? o->origin : t < 4 ? (o->elfclass == ELFCLASS64 ? "lib64" : "lib")
						: (o->machine == EM_AARCH64 ? "aarch64" : "x86_64");
		w += (size_t)snprintf(out + w, size - w, "%s", subst);
		if (w >= size)
			w = size - 1;
		i += toks[t].n;
	}
	out[w] = '\0';
}

/* Search a colon-separated list for name; fills path on success. */
static int search_list(const char *list, const char *name, const struct obj *o,
		       const struct obj *prog, char *path, size_t size)
{
	char dir[PATH_MAX];
	const char *p, *colon;

	for (p = list; p && *p; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		expand(p, (size_t)(colon - p), o, dir, sizeof(dir));
		if (snprintf(path, size, "%s/%s", *dir ? dir : ".", name) < (int)size &&
		    loadable(path, prog))
			return 1;
	}
	return 0;
}

static int find_lib(struct elfdeps *deps, const char *name, const struct obj *o,
		    const struct obj *prog, char *path, size_t size)
{
	char defaults[256];
	const char *hit, *t = triplet(prog->machine);

	if (strchr(name, '/'))
		return snprintf(path, size, "%s", name) < (int)size && loadable(path, prog);
	if (!o->runpath && (search_list(o->rpath, name, o, prog, path, size) ||
			    (!prog->runpath && search_list(prog->rpath, name, prog, prog, path, size))))
		return 1;
	if (search_list(o->runpath, name, o, prog, path, size))
		return 1;
	if ((hit = ldcache_lookup(deps, name, prog)))
		return snprintf(path, size, "%s", hit) < (int)size;
	snprintf(defaults, sizeof(defaults), "/lib/%s:/usr/lib/%s:/lib64:/usr/lib64:/lib:/usr/lib",
		 t, t);
	return search_list(defaults, name, o, prog, path, size);
}

/*
 * Drop "." and "dir/.." from an absolute path, as an archive path must have
 * neither; $ORIGIN/../lib is the usual source of them.
 */
static void lexical_clean(char *path)
{
	char *out = path, *p = path, *seg;
	size_t len;

	while (*p) {
		while (*p == '/')
			p++;
		seg = p;
		p = strchrnul(p, '/');
		len = (size_t)(p - seg);
		if (!len || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, len);
		out += len;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* Record found (and its real path) once. */
static int add_lib(struct elfdeps *deps, const char *path)
{
	char real[PATH_MAX], found[PATH_MAX];
	struct elfdeps_lib *grown;
	size_t i;

	snprintf(found, sizeof(found), "%s", path);
	if (found[0] == '/')
		lexical_clean(found);
	for (i = 0; i < deps->n; i++)
		if (!strcmp(deps->lib[i].found, found))
			return 0;
	if (!realpath(found, real))
		return -errno;
	if (deps->n == deps->cap) {
		grown = realloc(deps->lib, (deps->cap ? deps->cap * 2 : 16) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		deps->lib = grown;
		deps->cap = deps->cap ? deps->cap * 2 : 16;
	}
	deps->lib[deps->n].found = strdup(found);
	deps->lib[deps->n].real = strdup(real);
	if (!deps->lib[deps->n].found || !deps->lib[deps->n].real) {
		free(deps->lib[deps->n].found);
		free(deps->lib[deps->n].real);
		return -ENOMEM;
	}
	deps->n++;
	return 0;
}

static int seen(struct walk *w, const char *name)
{
	size_t i;
	char **grown;

	for (i = 0; i < w->nseen; i++)
		if (!strcmp(w->seen[i], name))
			return 1;
	grown = realloc(w->seen, (w->nseen + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	w->seen = grown;
	if (!(w->seen[w->nseen] = strdup(name)))
		return -ENOMEM;
	w->nseen++;
	return 0;
}

static int note_missing(struct walk *w, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", w->missing ? w->missing : "", w->missing ? ", " : "", name) < 0)
		return -ENOMEM;
	free(w->missing);
	w->missing = s;
	return 0;
}

/* Resolve o's DT_NEEDED names, then theirs (depth first; the set of names is what counts). */
static int walk_needed(struct walk *w, const struct obj *o, int depth)
{
	char path[PATH_MAX];
	struct obj lib;
	size_t i;
	int rc;

	if (depth > 64)
		return -ELOOP;
	for (i = 0; i < o->nneeded; i++) {
		if ((rc = seen(w, o->needed[i])) != 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (!find_lib(w->deps, o->needed[i], o, w->prog, path, sizeof(path))) {
			if ((rc = note_missing(w, o->needed[i])) < 0)
				return rc;
			continue;
		}
		if ((rc = add_lib(w->deps, path)) < 0 || (rc = obj_load(path, &lib)) < 0)
			return rc;
		rc = walk_needed(w, &lib, depth + 1);
		obj_release(&lib);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int elfdeps_add(struct elfdeps *deps, const char *path, struct kt_diag *d)
{
	struct walk w = { .deps = deps };
	struct obj prog;
	size_t i;
	int rc = obj_load(path, &prog);

	if (rc < 0)
		return kt_diag_set(d, -rc, "cannot read ELF file '%s': %s", path, strerror(-rc));
	if (!prog.elfclass || (!prog.interp && !prog.nneeded)) {
		obj_release(&prog);
		return 0; /* not ELF, or static */
	}
	w.prog = &prog;
	if (prog.interp && (rc = add_lib(deps, prog.interp)) < 0)
		rc = kt_diag_set(d, -rc, "'%s': interpreter '%s': %s", path, prog.interp,
				 strerror(-rc));
	if (rc == 0 && (rc = walk_needed(&w, &prog, 0)) < 0)
		rc = kt_diag_set(d, -rc, "'%s': cannot resolve its libraries: %s", path,
				 strerror(-rc));
	if (rc == 0 && w.missing)
		rc = kt_diag_set(d, ENOENT, "'%s': missing shared libraries: %s", path, w.missing);
	for (i = 0; i < w.nseen; i++)
		free(w.seen[i]);
	free(w.seen);
	free(w.missing);
	obj_release(&prog);
	return rc < 0 ? rc : 1;
}
