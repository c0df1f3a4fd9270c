// SPDX-License-Identifier: BSD-2-Clause
/* The kernel set of a multi-kernel run directory (kset.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "common.h"
#include "kset.h"

bool kset_is_index(const char *dir)
{
	char path[PATH_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/index.json", dir);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* one plain path component: no "/", not "." or "..", not hidden (the report's work dirs) */
static bool plain_name(const char *s)
{
	return *s && *s != '.' && strlen(s) < 256 && !strchr(s, '/');
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int load_entry(struct kset *ks, json_t *e, int i, char *err, size_t errlen)
{
	struct kset_kernel *k = &ks->k[ks->n];
	const char *rel = str_of(e, "release"), *dir = str_of(e, "dir");
	const char *spec = str_of(e, "kernel"), *st = str_of(e, "status");
	json_t *rc = json_object_get(e, "exit_status");
	char path[PATH_MAX];
	struct stat sb;
	int len;

	if (!json_is_object(e) || !rel || !*rel || strlen(rel) >= sizeof(k->release) || !dir ||
	    !plain_name(dir)) {
		snprintf(err, errlen,
			 "%s/index.json: kernels[%d]: needs \"release\" and a \"dir\" that is one "
			 "plain path component",
			 ks->dir, i);
		return -EINVAL;
	}
	if (kset_find(ks, rel)) {
		snprintf(err, errlen, "%s/index.json: kernels[%d]: release %s listed twice",
			 ks->dir, i, rel);
		return -EINVAL;
	}
	memset(k, 0, sizeof(*k));
	snprintf(k->release, sizeof(k->release), "%s", rel);
	snprintf(k->spec, sizeof(k->spec), "%s", spec ? spec : rel);
	snprintf(k->status, sizeof(k->status), "%s", st ? st : "");
	k->exit_status = json_is_integer(rc) ? (int)json_integer_value(rc) : 0;
	len = snprintf(path, sizeof(path), "%s/%s", ks->dir, dir);
	memcpy(k->dir, path, sizeof(k->dir));
	if (len < 0 || (size_t)len >= sizeof(path)) {
		snprintf(err, errlen, "%s/index.json: kernels[%d]: path too long", ks->dir, i);
		return -EINVAL;
	}
	ks->n++;
	/* views write each kernel's report into its directory: never through a symlink */
	if (lstat(k->dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(k->why, sizeof(k->why), "%s: %s", dir,
			 errno == ENOENT ? "no such directory" : "not a directory (or a symlink)");
		return 0;
	}
	if (res_load(k->dir, &k->run, k->why, sizeof(k->why)) == 0) {
		k->loaded = true;
		if (strcmp(k->run.kernel, k->release)) {
			snprintf(err, errlen,
				 "%s/index.json: kernels[%d]: release %s, but its results say "
				 "kernel %s",
				 ks->dir, i, rel, k->run.kernel);
			return -EINVAL;
		}
	}
	return 0;
}

int kset_load(const char *dir, struct kset *ks, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	json_error_t je;
	json_t *root, *list;
	const char *fmt;
	int ret = 0;

	memset(ks, 0, sizeof(*ks));
	snprintf(ks->dir, sizeof(ks->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/index.json", dir);
	root = json_load_input(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s: %s", path, je.text);
		return -EINVAL;
	}
	fmt = str_of(root, "format");
	list = json_object_get(root, "kernels");
	if (!fmt || strcmp(fmt, KSET_FORMAT) || !json_is_array(list) || !json_array_size(list)) {
		snprintf(err, errlen, "%s: needs \"format\": \"%s\" and a \"kernels\" array", path,
			 KSET_FORMAT);
		ret = -EINVAL;
	} else if (json_array_size(list) > KSET_MAX) {
		snprintf(err, errlen, "%s: more than %d kernels", path, KSET_MAX);
		ret = -EINVAL;
	}
	for (size_t i = 0; !ret && i < json_array_size(list); i++)
		ret = load_entry(ks, json_array_get(list, i), (int)i, err, errlen);
	json_decref(root);
	if (ret)
		kset_free(ks);
	return ret;
}

void kset_free(struct kset *ks)
{
	for (int i = 0; i < ks->n; i++)
		if (ks->k[i].loaded)
			res_free(&ks->k[i].run);
	ks->n = 0;
}

const struct kset_kernel *kset_find(const struct kset *ks, const char *release)
{
	for (int i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].release, release))
			return &ks->k[i];
	return NULL;
}

int kset_nloaded(const struct kset *ks)
{
	int n = 0;

	for (int i = 0; i < ks->n; i++)
		n += ks->k[i].loaded;
	return n;
}

int kset_load_any(const char *path, struct kset *ks, char *err, size_t errlen)
{
	struct kset_kernel *k = &ks->k[0];

	if (kset_is_index(path))
		return kset_load(path, ks, err, errlen);
	memset(ks, 0, sizeof(*ks));
	snprintf(ks->dir, sizeof(ks->dir), "%s", path);
	if (res_load(path, &k->run, err, errlen))
		return -EINVAL;
	ks->n = 1;
	ks->single = true;
	k->loaded = true;
	snprintf(k->release, sizeof(k->release), "%s", k->run.kernel);
	snprintf(k->spec, sizeof(k->spec), "%.63s", k->run.kernel);
	snprintf(k->dir, sizeof(k->dir), "%s", path);
	snprintf(k->status, sizeof(k->status), "ok");
	return 0;
}

/* a release fit to be a file name: [A-Za-z0-9._+-], not starting with '.' */
bool kset_release_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 120)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-",
			    *s))
			return false;
	return true;
}
